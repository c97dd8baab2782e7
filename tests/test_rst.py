"""reStructuredText sources, as a Sphinx project's docs folder holds them: sections,
code kept whole, Sphinx roles and directives read as Sphinx shows them, nothing read
from outside the file."""

from helpers import extracted, indexed

GUIDE = """\
.. _install:

Client guide
============

Use :func:`requests.get` to fetch a page; see :ref:`the timeouts section <timeouts>`
and :py:meth:`~requests.Session.mount`. Unknown roles like :foo:`bar baz` show their text.

.. toctree::
   :maxdepth: 2

   secret-toc-entry

.. include:: /etc/passwd

Timeouts
--------

Every request takes a ``timeout`` in seconds. Set it like this:

.. code-block:: python

   import requests

   requests.get("https://example.org", timeout=5)

.. versionadded:: 2.4
   Separate connect and read timeouts.

.. note::
   Timeouts are not wall clock limits.

.. function:: fetch(url, retries=3)

   Fetch ``url``, trying again up to ``retries`` times.

.. autoclass:: requests.Session
   :members:
"""




def test_rst_sections_code_roles_and_directives(tmp_path):
    f = tmp_path / "guide.rst"
    f.write_text(GUIDE)
    ex = extracted(f)
    assert ex.title == "Client guide"
    # An API entry is a section under its name, as in the page Sphinx builds.
    assert [s.label for s in ex.sections] == ["Client guide", "Client guide › Timeouts", "Client guide › Timeouts › fetch"]
    text = ex.text
    # Roles show what Sphinx shows: the code they name, a reference's title.
    assert "Use `requests.get` to fetch a page; see the timeouts section" in text
    assert "`requests.Session.mount`" in text and "~" not in text
    assert "`bar baz`" in text and ":func:" not in text and ":foo:" not in text
    # The code block is one block, whole, as a fence.
    (code,) = [b for b in ex.blocks if b.kind == "code"]
    assert text[code.start : code.end].startswith("```") and 'timeout=5)' in text[code.start : code.end]
    assert "import requests\n\nrequests.get" in text[code.start : code.end]
    # Prose directives keep their text; an API entry reads as a definition.
    assert "New in version 2.4: Separate connect and read timeouts." in text
    assert "Timeouts are not wall clock limits." in text
    assert "`fetch(url, retries=3)`" in text and "trying again up to `retries` times" in text
    # What comes from elsewhere is not read: the toctree, autodoc, and an include of a
    # file outside the folder (the system's password file).
    assert "secret-toc-entry" not in text and "requests.Session\n" not in text and ":members:" not in text
    assert "root:" not in text and "passwd" not in text


def test_rst_that_docutils_cannot_read_or_is_too_long_is_indexed_as_plain_text(tmp_path, monkeypatch):
    # Directives nested deeper than docutils' recursion allows.
    f = tmp_path / "deep.rst"
    f.write_text("".join("   " * n + ".. note::\n\n" for n in range(150)) + "   " * 150 + "The answer is forty-two.\n")
    ex = extracted(f)
    assert ex.lines and "The answer is forty-two." in ex.text  # the file's own text, line numbers kept
    # Past RST_MAX_CHARS, docutils is not run at all (10 MB took minutes and gigabytes).
    import index.rst

    monkeypatch.setattr(index.rst, "RST_MAX_CHARS", 100)
    g = tmp_path / "long.rst"
    g.write_text("Title\n=====\n\n" + "The answer is forty-two. " * 10 + "\n")
    ex = extracted(g)
    assert ex.lines and ex.text.startswith("Title\n=====")


def test_sphinx_options_are_options_and_a_captioned_code_block_is_kept(tmp_path):
    f = tmp_path / "opts.rst"
    f.write_text("Title\n=====\n\n.. code-block:: python\n   :caption: example.py\n   :linenos:\n\n   import x\n\n"
                 ".. function:: fetch(url)\n   :noindex:\n\n   Fetch it.\n\n"
                 ".. versionadded:: 2.0\n   :no-index:\n\n.. TAB-ITEM:: Mac\n\n   Use brew.\n")
    ex = extracted(f)
    (code,) = [b for b in ex.blocks if b.kind == "code"]
    assert "import x" in ex.text[code.start : code.end]
    assert "`fetch(url)`" in ex.text and "noindex" not in ex.text and "no-index" not in ex.text
    assert "New in version 2.0." in ex.text
    assert "Use brew." in ex.text  # a directive's name in capitals is the same directive


def test_rst_answers_cite_the_section_with_an_exact_quote(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.rst").write_text(GUIDE)
    cited = indexed(docs, tmp_path / "data", embedder)
    assert [r.path for r in cited.sources()] == ["guide.rst"]
    ans = cited.ask("How do I set a timeout on a request?")
    assert not ans.abstained
    first = ans.citations[0]
    assert first.source == "guide.rst" and first.section == "Client guide › Timeouts"
    ex = extracted(docs / "guide.rst")
    for c in ans.citations:
        assert ex.text[c.start : c.end] == c.quote
    assert "timeout" in ans.answer


def test_an_extensions_directive_keeps_its_content(tmp_path):
    # Directives of extensions nobody taught docutils (click's `click:example`,
    # sphinx-design's `tab-item`) would be dropped with their content.
    f = tmp_path / "ext.rst"
    f.write_text("Title\n=====\n\n.. click:example::\n\n    import click\n\n    @click.command()\n"
                 "    @click.option('--count', default=1)\n    def hello(count):\n        click.echo(count)\n\n"
                 ".. tab-item:: Linux\n\n   Run the installer from your shell.\n")
    ex = extracted(f)
    (code,) = [b for b in ex.blocks if b.kind == "code"]
    assert "@click.option('--count', default=1)" in ex.text[code.start : code.end]
    assert "Linux\n\nRun the installer from your shell." in ex.text


def test_an_extensions_entry_named_by_an_option_is_an_entry_with_its_fields(tmp_path):
    # tox documents each setting as ".. conf::" with ":keys:" and ":default:" options:
    # dropped, the text said what a setting does but never its name. Link plumbing
    # (":ref_suffix:") is not shown.
    f = tmp_path / "config.rst"
    f.write_text("Config\n======\n\nThe settings.\n\nBase options\n------------\n\n.. conf::\n    :keys: env_log_dir, envlogdir\n"
                 "    :default: {work_dir}/{env_name}/log\n    :ref_suffix: external\n    :version_added: 0.5\n\n"
                 "    A folder containing log files about tox runs (one per process invocation) that is\n"
                 "    always reset at the start of the run, with each request (command, environment variables,\n"
                 "    current working directory) and its outcome (exit code and standard output/error\n"
                 "    content).\n")
    ex = extracted(f)
    assert "`env_log_dir, envlogdir`\n\n**Default:** `{work_dir}/{env_name}/log`\n\n**Version added:** `0.5`" in ex.text
    assert not [b for b in ex.blocks if b.kind == "code"]
    (sec,) = [s for s in ex.sections if s.path[-1] == "env_log_dir, envlogdir"]
    assert sec.path[:-1] == ("Config", "Base options")
    assert "A folder containing log files" in ex.text[sec.start : sec.end]
    # Sphinx's own entries show their type and default; a value's markup is not shown.
    f.write_text("Config\n======\n\nThe settings.\n\n.. confval:: timeout\n    :type: :class:`int`\n"
                 "    :default: ``30``\n\n    Seconds before a worker is killed.\n")
    assert "`timeout`\n\n**Type:** `int`\n\n**Default:** `30`\n\nSeconds before" in extracted(f).text


def test_an_unknown_directives_prose_with_brackets_is_text_and_name_is_no_entry(tmp_path):
    # Prose in brackets ("(command, environment variables, etc.)", "(or newer)") was read
    # as a code block; a call, an assignment or a decorator still is code. docutils'
    # ":name:" is a reference target (a dropdown's), not the name of an entry.
    f = tmp_path / "box.rst"
    f.write_text("Title\n=====\n\nIntro.\n\n.. tip-box::\n\n    Requires tox 4 (or newer).\n    Set it per environment"
                 " (not globally).\n    Each request (command, environment variables) is logged.\n\n"
                 ".. dropdown:: Linux install\n    :name: linux-install\n    :color: info\n\n"
                 "    Run the installer from your shell.\n\n"
                 ".. ext-example::\n\n    import tox\n    config = tox.load(path)\n    print(config)\n")
    ex = extracted(f)
    (code,) = [b for b in ex.blocks if b.kind == "code"]
    assert "config = tox.load(path)" in ex.text[code.start : code.end]
    assert "Requires tox 4 (or newer)." in ex.text and "Requires" not in ex.text[code.start : code.end]
    assert "linux-install" not in ex.text and "Color" not in ex.text
    assert "Linux install\n\nRun the installer from your shell." in ex.text


def test_a_target_directive_shows_nothing_and_ends_no_section(tmp_path):
    # Scrapy's and Django's docs mark each setting, request meta key and stat with a
    # directive that only names it (".. setting:: RETRY_TIMES" over its own section):
    # Sphinx shows nothing there. Shown, the name ended the section before.
    f = tmp_path / "settings.rst"
    f.write_text("Settings\n========\n\nRetries are on.\n\n.. setting:: RETRY_TIMES\n\nRETRY_TIMES\n-----------\n\n"
                 "Default: ``2``\n\n.. reqmeta:: dont_retry\n\nSet ``dont_retry`` to skip retries.\n\n"
                 ".. envvar:: SCRAPY_HOME\n\n   Where projects live.\n")
    ex = extracted(f)
    first = next(b for b in ex.blocks if b.kind == "paragraph")
    assert ex.text[first.start : first.end] == "Retries are on."
    assert ex.text.count("RETRY_TIMES") == 1 and ex.text.count("dont_retry") == 1
    # A directive with a body is still an entry: its name, then what it says; an API
    # entry without one still shows its signature (a reviewer's finding).
    assert "`SCRAPY_HOME`" in ex.text and "Where projects live." in ex.text
    f.write_text("Stats\n=====\n\n.. class:: LogStats\n\nLog basic stats.\n\n.. option:: --verbose\n")
    ex = extracted(f)
    assert "`LogStats`" in ex.text and "`--verbose`" in ex.text


def test_an_extensions_directive_without_a_body_shows_nothing(tmp_path):
    # pip's command pages: ".. pip-command-usage:: check "python -m pip"" makes the
    # usage line from pip's code at build time. Its arguments alone are not text.
    f = tmp_path / "pip_check.rst"
    f.write_text('pip check\n=========\n\nUsage\n-----\n\n.. tab:: Unix/macOS\n\n'
                 '   .. pip-command-usage:: check "python -m pip"\n\n'
                 'Description\n-----------\n\n.. pip-command-description:: check\n\nVerify dependencies.\n')
    ex = extracted(f)
    assert "python -m pip" not in ex.text and "check\n" not in ex.text.split("Description")[1]
    assert "Verify dependencies." in ex.text and "Unix/macOS" in ex.text


def test_samp_and_file_roles_drop_the_braces_around_what_a_reader_replaces(tmp_path):
    f = tmp_path / "paths.rst"
    f.write_text("Paths\n=====\n\nRun :samp:`{venv}/bin/python -m \\{x\\}` or edit :file:`C:\\\\pip\\\\pip.ini`,\n"
                 "not :func:`{kept}`.\n")
    text = extracted(f).text
    assert "`venv/bin/python -m {x}`" in text  # an escaped brace stays, as in Sphinx
    assert "`C:\\pip\\pip.ini`" in text and "`{kept}`" in text


def test_an_untitled_cross_reference_shows_the_title_of_its_section(tmp_path, embedder):
    # Sphinx shows :ref:`topics-feed-exports` as "Feed exports", the section the label
    # stands over; the label itself read "see topics-feed-exports" (a reviewer's finding
    # on Scrapy). Labels of the same file, and of the folder's other files at a sync.
    from index.rst import rst_labels

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "feeds.rst").write_text(".. _topics-feed-exports:\n.. _feeds:\n\n============\nFeed exports\n============\n\n"
                                    "Scrapy writes scraped items to feeds.\n\n.. _fig-label:\n\n.. image:: x.png\n")
    (docs / "spiders.rst").write_text(".. _spiders:\n\nSpiders\n=======\n\nTo store the items, see "
                                      ":ref:`topics-feed-exports`, :ref:`the feeds <feeds>`, :ref:`spiders` "
                                      "and :ref:`no-such-label`.\n")
    assert rst_labels((docs / "feeds.rst").read_text()) == {"topics-feed-exports": "Feed exports", "feeds": "Feed exports"}
    alone = extracted(docs / "spiders.rst").text  # no folder: its own labels only
    assert "see topics-feed-exports, the feeds, Spiders and no-such-label." in alone
    cited = indexed(docs, tmp_path / "data", embedder)
    stored = [row["documents"] for row in cited.store.iter_chunks(include=("documents",))]
    assert any("see Feed exports, the feeds, Spiders and no-such-label." in d for d in stored)
    # A later sync that changes only the referring file still reads the others' labels.
    (docs / "spiders.rst").write_text((docs / "spiders.rst").read_text().replace("To store", "To keep"))
    assert cited.index(docs).changed == ["spiders.rst"]
    stored = [row["documents"] for row in cited.store.iter_chunks(include=("documents",))]
    assert any("To keep the items, see Feed exports," in d for d in stored)
    # A Latin-1 file's title is read in the encoding its text is read in.
    (docs / "cafe.rst").write_bytes(".. _cafe:\n\nCaf\u00e9 cr\u00e8me options\n=====================\n\nHot drinks.\n".encode("latin-1"))
    (docs / "spiders.rst").write_text((docs / "spiders.rst").read_text().replace("and :ref:", "see :ref:`cafe` and :ref:"))
    report = cited.index(docs)
    assert (report.added, report.changed) == (["cafe.rst"], ["spiders.rst"])
    stored = [row["documents"] for row in cited.store.iter_chunks(include=("documents",))]
    assert any("Spiders see Caf\u00e9 cr\u00e8me options and no-such-label." in d for d in stored)
