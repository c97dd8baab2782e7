"""Answering from the bundled seeds with the real model and a real Chroma store."""

import pytest

from index.answer import split_sentences, validate_question
from index.answer.units import candidates
from conftest import SEEDS
from helpers import md_hit
from index.errors import BadQuestion
from index.sources import SourceFile, extract


def _source_text(rel: str) -> str:
    path = SEEDS / rel
    return extract(SourceFile(rel, path), path.read_bytes()).text


def test_answers_the_companies_question_with_exact_quotes(seeded):
    ans = seeded.ask("Which two companies joined the UN Global Compact?")
    assert not ans.abstained
    assert "Hikvision" in ans.answer and "Dahua" in ans.answer
    assert ans.citations and [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))
    for c in ans.citations:
        assert f"[{c.n}]" in ans.answer
        assert c.quote in ans.answer  # the answer is made of the quotes
        text = _source_text(c.source)
        assert text[c.start : c.end] == c.quote
        assert 0 < c.score <= 1
        # Its lines, counted in the file itself.
        assert c.lines == (text.count("\n", 0, c.start) + 1, text.count("\n", 0, c.end) + 1)


@pytest.mark.parametrize(
    "question",
    ["What is the capital of France?", "How do I bake sourdough bread?", "Who won the 1998 football World Cup?"],
)
def test_abstains_off_topic(seeded, question):
    ans = seeded.ask(question)
    assert ans.abstained
    assert ans.citations == []
    assert "do not answer" in ans.answer or ans.answer.startswith("The sources don't mention ")


def test_follow_up_is_understood_in_context(seeded):
    first = seeded.ask("Which two companies joined the UN Global Compact?")
    follow = seeded.ask("Which of them is state-owned?", history=[first.question])
    assert not follow.abstained
    assert "state-owned Hikvision" in follow.answer


def test_a_short_follow_up_keeps_the_topic_of_the_questions_before(tmp_path, embedder):
    # "And for a blueprint only?" names what changes, not what is asked about: searched
    # alone it found the blueprint page's other sections (a reviewer's finding on Flask).
    from index.conversation import contextual_query, is_follow_up
    from helpers import indexed

    for q in ("And for a blueprint only?", "In requests?", "Can I set it per request too?", "What about 404s?",
              "And how do I set a timeout?", "But what if the server is down?", "Then how do I deploy the app?",
              "And on macOS, where is the config file stored?", "Only for GET requests?"):
        assert is_follow_up(q), q
    for q in ("In which file are the settings of the app kept?", "How do I register an error handler?",
              "On Windows, how do I install Poetry?", "With httpx, can I stream a response body?",
              "On-premise deployment: what is required?", "How do I retry on timeouts and connection errors too?"):
        assert not is_follow_up(q), q
    history = ["How do I register an error handler?", "And for a blueprint only?"]
    assert contextual_query("What about 404s?", history) == " ".join(history + ["What about 404s?"])
    assert contextual_query("How do I add a route?", history) == "How do I add a route?"
    # A chain goes back only through questions that continue one by their form, not
    # through any with a pronoun ("…why does it matter?" stands alone).
    topics = ["How do I install httpx?", "What is a Poetry lock file and why does it matter?"]
    assert contextual_query("And how do I update that?", topics) == " ".join(topics[1:] + ["And how do I update that?"])

    src = tmp_path / "docs"
    src.mkdir()
    (src / "errors.md").write_text(
        "# Handling errors\n\n## Registering\n\nRegister an error handler by decorating a function with "
        "`app.errorhandler(code)`.\n\n## Blueprint error handlers\n\nA blueprint registers a handler that only "
        "runs for its own views with `bp.errorhandler(code)`.\n")
    (src / "blueprints.md").write_text(
        "# Blueprints\n\n## Blueprint resources\n\nA blueprint can provide static files and templates. You might "
        "introduce a blueprint only for the resources it provides.\n\n## Registering blueprints\n\nA blueprint "
        "is registered on the application with `app.register_blueprint(bp)`.\n")
    (src / "logging.md").write_text(
        "# Logging\n\nFlask uses standard Python logging. Log your own messages with `app.logger`, for "
        "example `app.logger.info('grew to %d', size)`.\n\n## Injecting request information\n\nA formatter "
        "can add the remote address of each request to every log record.\n")
    cited = indexed(src, tmp_path / "data", embedder)
    follow = cited.ask("And for a blueprint only?", history=history[:1])
    assert not follow.abstained and "bp.errorhandler" in follow.citations[0].quote
    # A follow-up by its form that changes topic is answered on the new one: searched
    # with the question before, the error-handler passages came first.
    switch = cited.ask("What about logging my own messages?", history=history[:1])
    assert not switch.abstained and "app.logger" in switch.citations[0].quote


def test_timings_are_reported(seeded):
    ans = seeded.ask("What did the companies commit to?")
    assert set(ans.timings_ms) == {"retrieve", "answer", "total"}
    assert ans.timings_ms["total"] >= ans.timings_ms["retrieve"] > 0


@pytest.mark.parametrize(
    "question, message",
    [("", "empty"), ("   ", "empty"), ("x" * 2001, "limit is 2,000"), ("what\x00is\x07this", "control"), ("?!?", "no words")],
)
def test_bad_questions_are_refused(question, message):
    with pytest.raises(BadQuestion, match=message):
        validate_question(question, 2000)


def test_sentence_offsets_are_exact():
    text = "Dr. Smith went to Washington. He met the U.S. president! Was it fun? Yes.\n\nNew para here"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Dr. Smith went to Washington.",
        "He met the U.S. president!",
        "Was it fun?",
        "Yes.",
        "New para here",
    ]
    # Dotted abbreviations of any letters do not end a sentence.
    text = "Give a bundle of SSL certificates (a.k.a. CA bundle) to verify. Done."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Give a bundle of SSL certificates (a.k.a. CA bundle) to verify.", "Done."]
    # A closing quote or bracket belongs to the sentence it closes.
    text = 'They called it “crimes against humanity.” Then (it ended.) Done.'
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "They called it “crimes against humanity.”", "Then (it ended.)", "Done."]


def test_candidates_are_deduplicated_across_overlapping_chunks():
    from index.search import Hit

    a = Hit("a", "f.txt", None, 0, 30, "One fish here. Two fish there.", 1, 1, 1)
    b = Hit("b", "f.txt", None, 15, 30, "Two fish there.", 1, 1, 1)
    got = [(c.start, c.end, c.text) for c in candidates([a, b])]
    assert got == [(0, 14, "One fish here."), (15, 30, "Two fish there.")]


def test_a_passage_another_file_already_holds_is_not_read_twice():
    """Generated docs paste one option's entry into every page that takes it: the copy
    (as read: link targets aside) and a piece of a passage read already give way to the
    next distinct passage."""
    from index.answer.scoring import distinct
    from index.search import Hit

    entry = "#### `dry-run`\n\n* Default: false\n\nSee [npm pack](/commands/npm-pack)."
    a = Hit("a", "commands/npm-publish.md", None, 0, len(entry), entry, 0.9, 0.9, 1)
    b = Hit("b", "commands/npm-pack.md", None, 5, 5 + len(entry), entry.replace("/commands/npm-pack", "npm-pack.md"),
            0.8, 0.8, 1)
    c = Hit("c", "commands/npm-pack.md", None, 0, 20, "* Default: false", 0.7, 0.7, 1)
    d = Hit("d", "using-npm/config.md", None, 0, 20, "Set `dry-run` in .npmrc.", 0.6, 0.6, 1)
    assert [h.id for h in distinct([a, b, c, d])] == ["a", "d"]


def test_the_passage_closest_in_meaning_is_read_though_it_shares_no_word(embedder):
    """A passage sharing no word with the question ranks low in the fusion (its BM25 half
    is 0) however close it is in meaning; the closest of those further down joins the
    re-ranked head when it is closer than all of them (scoring.RESCUE_MARGIN)."""
    from index.answer.scoring import RERANK_PASSAGES, SentenceVectors, rerank
    from index.search import Hit

    q = "how do I make my own cargo foo command that people can run like a built-in one?"
    sub = ("Cargo is designed to be extensible with new subcommands without having to modify Cargo "
           "itself: an invocation cargo-${command} runs an external tool found on your $PATH.")
    q_vec = embedder.embed([q])[0]
    cos = float(embedder.embed([sub])[0] @ q_vec)

    def ranked_ids(head_dense: float) -> list[str]:
        filler = [Hit(f"f{i}", "faq.md", None, 0, 30, f"Cargo can run inside make, item {i}.", 0.9 - i / 100,
                      head_dense, 1.0) for i in range(RERANK_PASSAGES + 3)]
        close = Hit("sub", "reference/external-tools.md", None, 0, len(sub), sub, 0.4, cos, 0.0)
        return [h.id for h in rerank(q, q_vec, filler + [close], SentenceVectors(embedder))]

    assert "sub" in ranked_ids(cos - 0.1)[: RERANK_PASSAGES + 1]
    assert ranked_ids(cos)[-1] == "sub"  # not when it is no closer than the head



@pytest.mark.parametrize(
    "question, kind",
    [("When did the war end?", "time"), ("In what year was it built?", "time"), ("How many moons?", "number"),
     ("Who founded it?", "name"), ("Which companies joined?", "name"), ("Why is the sky blue?", None)],
)
def test_answer_type(question, kind):
    from index.answer.scoring import answer_type

    assert answer_type(question) == kind


def test_has_type_needs_something_new():
    from index.answer.scoring import has_type

    q = "Which companies joined the UN Global Compact?"
    assert has_type("name", "Hikvision and Dahua joined the UN Global Compact.", q)
    assert not has_type("name", "We support the UN Global Compact.", q)
    assert has_type("time", "It ended in 1945.", "When did it end?")
    assert has_type("number", "There are twelve of them.", "How many are there?")


def test_readme_question_names_the_companies(seeded):
    ans = seeded.ask("Which companies joined the UN Global Compact?")
    assert "Hikvision" in ans.answer and "Dahua" in ans.answer


def test_abbreviations_do_not_end_sentences():
    text = "They wrote to the U.N. Secretary-General in Sept. 2023. He replied."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "They wrote to the U.N. Secretary-General in Sept. 2023.", "He replied."]


def test_a_sentence_is_read_with_the_one_before_it(tmp_path, corpus, embedder):
    # "It was finished in 1889." names the tower only through the sentence before it;
    # without that context the answer was "The Eiffel Tower is in Paris."
    from index.settings import Settings
    from index.cited import Cited

    cited = Cited(Settings(data_dir=tmp_path / ".c", sources=corpus), embedder=embedder)
    cited.index(corpus)
    ans = cited.ask("When was the Eiffel Tower finished?")
    assert not ans.abstained
    # The sentence leans on the one before ("It"), so the answer unit brings it along.
    assert ans.citations[0].quote == "The Eiffel Tower is in Paris. It was finished in 1889."


def test_a_notes_body_is_shown_under_its_kind_and_a_block_starts_a_line():
    # A tip quoted without its opening line read as the page's own prose (FastAPI's
    # "/// tip", a reviewer); a quote opening with a fence after another quote opened no
    # code block in Markdown.
    from index.answer.shown import as_answer, shown_quote
    from index.answer.units import candidates

    text = ("# Settings\n\nRead them from a file.\n\n/// tip\n\nA dotfile is hidden on Linux.\n\n///\n\n"
            ":::caution[Mind the cache]\nRestart after a change.\n:::\n\n> [!NOTE]\n> Paths are relative.\n\n"
            "Plain prose after the notes.\n")
    hit = md_hit(text, "Settings")
    shown = {c.text: shown_quote(c, 1) for c in candidates([hit])}
    assert shown["A dotfile is hidden on Linux."].endswith("Tip: A dotfile is hidden on Linux. [1]")
    assert shown["Restart after a change."].endswith("Mind the cache: Restart after a change. [1]")
    assert shown["> Paths are relative."].endswith("Note:\n> Paths are relative. [1]")
    assert "Tip" not in shown["Plain prose after the notes."] and "Note" not in shown["Read them from a file."]
    # After a block's marker on its own line, the next quote opens a paragraph: run on,
    # "[2] Two." read as if [2] were its marker.
    assert as_answer(["One. [1]", "```py\nx = 1\n```\n\n[2]", "Two. [3]"]) == \
        "One. [1]\n```py\nx = 1\n```\n\n[2]\n\nTwo. [3]"
    assert as_answer(["One. [1]", "Two. [2]", "Limits: Three. [3]"], [False, False, True]) == \
        "One. [1] Two. [2]\n\nLimits: Three. [3]"
    # After a quote ending on a list item, or the next would read as part of that item.
    assert as_answer(["Flags:\n- **Multiple**: No [1]", "Exit code 1. [2]"]) == \
        "Flags:\n- **Multiple**: No [1]\n\nExit code 1. [2]"
    assert as_answer(["Use 1. [1]", "Then 2. [2]"]) == "Use 1. [1] Then 2. [2]"
    # A quote opening a blockquote starts a line, under its label too (tox's "set_env,
    # setenv: > INI" showed the marker raw).
    assert as_answer(["Use 1. [1]", "> INI [2]"]) == "Use 1. [1]\n> INI [2]"
    from index.answer.units import Candidate

    quoted = "> INI\n> FOO = 1"
    qhit = md_hit(quoted, "Config › set_env")
    assert shown_quote(Candidate(qhit, 0, 0, len(quoted), quoted, section="Config › set_env"), 1).startswith(
        "set_env:\n> INI")
    # One from another section or file, even unlabelled, opens a paragraph: run on, a
    # FAQ's answer read as going on into a CLI page's "Rotates every file…".
    places = [("faq.md", "FAQ › Why?"), ("faq.md", "FAQ › Why?"), ("cli.md", "lograke rotate")]
    assert as_answer(["Lost. [1]", "Use it. [2]", "Rotates every file. [3]"], None, places) == \
        "Lost. [1] Use it. [2]\n\nRotates every file. [3]"
    # An introduction reaches its example past a wrapper tag without words (FastAPI's
    # '<div class="termy">' around a console block).
    text = ("# Workers\n\nIf you use the `fastapi` command:\n\n<div class=\"termy\">\n\n```console\n"
            "$ fastapi run --workers 4 main.py\n```\n\n</div>\n")
    hit = md_hit(text, "Workers")
    leads = [c.text for c in candidates([hit]) if c.kind == "lead"]
    assert leads and leads[0].startswith("If you use the `fastapi` command:") and "--workers 4" in leads[0]


def test_joined_quotes_never_show_the_same_text_twice():
    # Two units joined into one span could take in a third quote (a reviewer's finding on
    # FastAPI: lines 24-34 quoted beside lines 30-36).
    from index.answer.quotes import joined
    from index.answer.units import Candidate

    text = "First sentence here. Second sentence here. Third sentence here."
    hit = md_hit(text)

    def unit(a, b, context=""):
        s = text.index(a)
        e = text.index(b, s) + len(b)
        return Candidate(hit, 0, s, e, text[s:e], section="Guide", context=context)

    first, third = unit("First", "here."), unit("Third", "here.", context="x")  # a context line keeps it apart
    second_third = unit("Second", "Third sentence here.")
    for order in ([0, 1, 2], [0, 2, 1]):
        shown = [c for c, _ in joined([first, third, second_third], order)]
        spans = sorted((c.start, c.end) for c in shown)
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:])), (order, spans)


def test_a_quote_that_leads_into_the_best_one_is_shown_before_it():
    # Two chunks of one section: the best unit ("It may have one of the following
    # messages:") continues the sentence before it, which was shown second (a reviewer's
    # finding on Flask's development server page). A quote far away keeps its rank.
    from dataclasses import replace

    from index.answer.quotes import in_reading_order
    from index.answer.units import Candidate
    from index.search import Hit

    text = "If port 5000 is in use, you see an error. It may have one of these messages: x."
    cut = text.index("It may")

    def unit(s, e, section="Address in use", at=0):
        hit = Hit(f"c{s + at}", "server.md", None, s + at, e + at, text[s:e], 0.5, 0.5, 0.5, 1, section, "Server")
        return Candidate(hit, 0, s + at, e + at, text[s:e], section=section)

    best, before = unit(cut, len(text)), unit(0, cut - 1)
    far, other = unit(0, cut - 1, at=5000), unit(0, cut - 1, section="Ports")
    assert [c for c, _ in in_reading_order([(best, 0), (before, 1)])] == [before, best]
    row = replace(before, kind="row")  # a row asked about stays first; so does one before it
    for c in (far, other, row):
        assert [d for d, _ in in_reading_order([(best, 0), (c, 1)])] == [best, c]
    # Also two units of one passage that joined() left apart (a passage extended over
    # the next chunk holds both; the span was over the budget).
    same = replace(before, hit=best.hit)
    assert [c for c, _ in in_reading_order([(best, 0), (same, 1)])] == [same, best]
    # Along a chain: a quote leading into one that leads into the best; each goes first.
    middle = replace(before, start=-100)  # [-100, cut - 1)
    opening = replace(unit(0, 10, at=-200), end=-102)  # ends two characters before it
    chain = in_reading_order([(best, 0), (opening, 1), (middle, 2)])
    assert [c for c, _ in chain] == [opening, middle, best]


def test_a_question_for_a_version_wants_a_unit_that_gives_one():
    # A changelog answers "which release…" with a number ("3.12.0"): the answer-type
    # part of the unit score then counts a unit holding one (pip's "Which pip release
    # introduced the inspect command?" answered, no other dev-set question moved).
    from index.answer.scoring import answer_type, has_type

    q = "Which pip release introduced the inspect command?"
    assert answer_type(q) == "version" and answer_type("since which version is it skipped?") == "version"
    assert answer_type("What does photosynthesis release into the air?") is None  # a verb, not a release
    assert has_type("version", "Added in 22.2.", q) and not has_type("version", "Added in the spring of 2022.", q)


def test_a_run_of_rows_is_shown_under_its_tables_head_row():
    # A short section's body is one unit too; opening on a row, it left the head row out
    # and was shown under no column names (a newcomer's review: six option rows).
    from helpers import md_hit
    from index.answer.shown import shown_quote
    from index.answer.units import candidates

    text = ("# Config\n\n## Options\n\n| Option | Default | Description |\n|---|---|---|\n"
            "| `keep` | `5` | How many rotated files to keep. |\n| `max_size` | `100MB` | Rotate past this size. |\n")
    units = [c for c in candidates([md_hit(text, "Config › Options")]) if c.text.startswith("| `keep`")]
    run = next(c for c in units if c.text.count("\n") == 1)
    assert "Options:\n| Option | Default | Description |\n| `keep` |" in shown_quote(run, 1)
    # A row alone already carried it, once.
    row = next(c for c in units if "\n" not in c.text)
    assert shown_quote(row, 1).count("| Option |") == 1


def test_a_reference_entrys_description_is_shown_under_its_field_lines():
    # Gunicorn's settings open each entry with "**Command line:**" and "**Default:**"
    # lines: the description quoted alone ("Restart workers when code changes.") did not
    # say which flag it describes. The lines are shown over it, never in the quote.
    from index.answer.shown import label, shown_quote, unrepeated
    from index.answer.units import candidates

    text = ("### `reload`\n\n**Command line:** `--reload`\n\n**Default:** `False`\n\n"
            "Restart workers when code changes.\n\nThis setting is intended for development. It will cause "
            "workers to be restarted whenever application code changes."
            "\n\n### `recreate`\n\n**Default:** `False`\n\nAlways recreate the environment."
            "\n\n### `notes`\n\n**NOTE:** Since version 2 this is a longer note.\n\nPlain description."
            "\n\n### `platform`\n\n**Version added:** `2.0`\n\nRuns on platforms that match."
            "\n\n### Install\n\n- **Linux:** `apt install foo`\n- **macOS:** `brew install foo`\n\nRestart your shell.\n")
    cands = candidates([md_hit(text, "Settings")])
    desc = next(c for c in cands if c.text == "Restart workers when code changes.")
    assert shown_quote(desc, 1) == ("reload:\n**Command line:** `--reload`\n\n**Default:** `False`\n\n"
                                    "Restart workers when code changes. [1]")
    assert desc.text == text[desc.start : desc.end]  # the quote stays the source's text
    # Not twice: under or beside a quote that shows the lines, whichever comes first.
    fields = next(c for c in cands if c.text.startswith("**Command line:**") and "Restart" in c.text)
    assert [c.intro for c in unrepeated([fields, desc])] == ["", ""]
    assert [c.intro for c in unrepeated([desc, fields])] == ["", ""]
    assert unrepeated([desc])[0].intro.startswith("**Command line:**")
    # A quote opening with field lines names nothing: its entry's name is shown over it,
    # though its text says the word ("Always recreate…").
    recreate = next(c for c in cands if c.text.startswith("**Default:**") and "recreate" in c.text)
    assert label(recreate) == "recreate"
    # A note, a version alone (it says when, not what), a list of platforms: no fields.
    for shown_alone in ("Plain description.", "Runs on platforms that match.", "Restart your shell."):
        c = next(c for c in cands if c.text == shown_alone)
        assert not c.intro, shown_alone
    # "platform" is not said by "platforms": the name is shown.
    assert label(next(c for c in cands if c.text == "Runs on platforms that match.")) == "platform"
