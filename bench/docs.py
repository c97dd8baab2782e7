"""Answers on real documentation: the dev sets under bench/data/devsets/ (each a docs
folder from a public project, its license and commit in SOURCE.md, and questions.jsonl
written by someone who did not see the code).

    python bench/docs.py [--set httpx] [--set poetry] [--rebuild] [--html | --site | --rst | --built | --pdf]

Reports, per set, the answer hit (expected words in the answer), the right file among
the citations, false abstention, and declines by kind (near-domain / off-topic).
With --html, each set's Markdown is first rendered to HTML pages the way a docs site
serves them (a site header, a sidebar, a footer, "¶" anchors beside the headings, the
content in a role="main" block), and the same questions are asked of those: the HTML
path, measured. With --site, the docs are built by MkDocs with the Material theme, as
real projects publish them (pip install -e ".[bench]" brings both). With --rst, the
sets that keep their project's reStructuredText sources (in rst/, Requests) are asked
of those, as a Sphinx project's docs folder is indexed. With --built, the sets that keep
the HTML pages their project's own tooling builds (in built/, Node.js) are asked of those.
With --pdf, the HTML sets' pages (built/, else docs/) are printed to PDF by WeasyPrint, one
file per page with the bookmarks a browser's "Save as PDF" makes, and asked as PDFs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT, sync_store  # noqa: E402
from index.cited import Cited  # noqa: E402
from index.evaluation import eval_checks, load_checks  # noqa: E402
from index.settings import Settings  # noqa: E402

DEVSETS = Path(__file__).resolve().parent / "data" / "devsets"


# As Sphinx's and Read the Docs' themes lay a page out: a site header with a search
# box, a sidebar of every page, the content in a role="main" block, a footer.
PAGE = """<!doctype html>
<html><head><title>{title}</title><script>var search = {{}};</script></head>
<body><header class="site-header"><a href="/">Project docs</a> <input placeholder="Search docs"></header>
<div class="wrapper"><div class="sidebar"><ul><li><a href="/">Home</a></li><li><a href="/guide/">User guide</a></li>
<li><a href="/changelog/">Changelog</a></li></ul></div>
<div class="document"><div class="body" role="main">{body}</div></div></div>
<footer>Built with a static site generator. Edit this page on GitHub.</footer></body></html>
"""


def as_html(name: str) -> Path:
    """The set's Markdown docs rendered to HTML pages under bench/out (rebuilt each run)."""
    import re
    import shutil

    from markdown_it import MarkdownIt

    from index.front_matter import front_matter

    md = MarkdownIt("commonmark").enable("table")
    src, dst = DEVSETS / name / "docs", OUT / f"html-{name}"
    shutil.rmtree(dst, ignore_errors=True)
    for p in sorted(src.rglob("*.md")):
        text = p.read_text(encoding="utf-8")
        body, title = front_matter(text)
        html = md.render(text[body:])
        # Anchors beside headings, as Sphinx and MkDocs put them.
        html = re.sub(r"(<h[1-6]>)(.*?)(</h[1-6]>)", r'\1\2<a class="headerlink" href="#">¶</a>\3', html)
        out = dst / p.relative_to(src).with_suffix(".html")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(PAGE.format(title=title or p.stem, body=html), encoding="utf-8")
    return dst


# A real site: the set's Markdown built by MkDocs with the Material theme (header,
# navigation tabs and sidebars, a table of contents, search, footer, "¶" permalinks,
# code-copy buttons), one folder per page as MkDocs serves them.
MKDOCS_YML = """site_name: {name}
theme:
  name: material
  features: [navigation.sections, navigation.footer, content.code.copy, toc.follow]
markdown_extensions:
  - admonition
  - attr_list
  - def_list
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
plugins: [search]
"""


def as_site(name: str) -> Path:
    """The set's docs built with MkDocs + Material; only the pages' HTML is kept."""
    import os
    import shutil
    import subprocess

    work = OUT / f"site-build-{name}"
    dst = OUT / f"site-{name}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(DEVSETS / name / "docs", work / "docs")
    (work / "mkdocs.yml").write_text(MKDOCS_YML.format(name=name))
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=work, check=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    for page in (work / "site").rglob("*.html"):
        if page.name != "404.html":
            out = dst / page.relative_to(work / "site")
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(page, out)
    return dst


def as_pdf(name: str) -> Path:
    """The set's HTML pages (its project's own build in built/, else its docs/ when they
    are HTML) printed to PDF by WeasyPrint, one file per page, as a browser's "Save as
    PDF" would: the outline (bookmarks) comes from the page's headings. Made once, kept
    under bench/out."""
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    logging.getLogger("fontTools").setLevel(logging.CRITICAL)
    src = DEVSETS / name / "built"
    src = src if src.is_dir() else DEVSETS / name / "docs"
    dst = OUT / f"pdf-{name}"
    for page in sorted(src.rglob("*.html")):
        out = dst / page.relative_to(src).with_suffix(".pdf")
        if not out.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
            weasyprint.HTML(filename=str(page)).write_pdf(str(out.with_suffix(".tmp")))
            out.with_suffix(".tmp").rename(out)
    return dst


def html_checks(checks, site: bool = False):
    """The checks with their expected file renamed as the HTML pages are: guide.md ->
    guide.html, or with ``site`` as MkDocs serves it, guide/index.html (index.md and
    README.md -> index.html)."""
    from dataclasses import replace

    def page(f: str) -> str:
        stem = f[: -len(".md")]
        if not site:
            return stem + ".html"
        folder, _, base = stem.rpartition("/")
        if base in ("index", "README"):
            return (folder + "/" if folder else "") + "index.html"
        return stem + "/index.html"

    return [replace(c, file=page(c.file)) if c.file and c.file.endswith(".md") else c for c in checks]


def _form(html: bool, site: bool, rst: bool, built: bool = False, pdf: bool = False) -> str:
    """Which form of a set's docs is asked: "site", "html", "rst", "built", "pdf" or "" (its Markdown)."""
    return "site" if site else "html" if html else "rst" if rst else "built" if built else "pdf" if pdf else ""


def renamed_checks(checks, old: tuple[str, ...], new: str):
    """The checks with their expected file named as the form asked holds it: with
    ``old`` (".html",) and ``new`` ".rst", user/advanced.html -> user/advanced.rst (the
    reST sources); with (".md", ".html") and ".pdf", guide.md -> guide.pdf (the pages
    printed to PDF)."""
    from dataclasses import replace

    return [replace(c, file=c.file.rsplit(".", 1)[0] + new) if c.file and c.file.endswith(old) else c
            for c in checks]


def devset_cited(name: str, rebuild: bool = False, html: bool = False, site: bool = False, rst: bool = False,
                 built: bool = False, pdf: bool = False, **overrides) -> Cited:
    form = _form(html, site, rst, built, pdf)
    docs = (as_site(name) if form == "site" else as_html(name) if form == "html" else as_pdf(name) if form == "pdf"
            else DEVSETS / name / (form or "docs"))
    store = OUT / (f"devset-{name}-{form}" if form else f"devset-{name}")
    cited = Cited(Settings(data_dir=store, sources=docs, **overrides))
    t = time.perf_counter()
    report = sync_store(cited, docs, rebuild)
    print(f"{name}: {report.summary()} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return cited


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--set", action="append", dest="sets")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--failures", action="store_true", help="print every failure")
    ap.add_argument("--html", action="store_true", help="ask the same questions of the docs rendered to HTML")
    ap.add_argument("--site", action="store_true",
                    help="ask them of the docs built as a site by MkDocs with the Material theme")
    ap.add_argument("--rst", action="store_true",
                    help="ask them of the reStructuredText sources, for the sets that have them (rst/)")
    ap.add_argument("--built", action="store_true",
                    help="ask them of the HTML pages the project builds, for the sets that keep them (built/)")
    ap.add_argument("--pdf", action="store_true",
                    help="ask them of the HTML sets' pages printed to PDF (built/, else docs/ when it is HTML)")
    args = ap.parse_args()
    names = args.sets or sorted(p.name for p in DEVSETS.iterdir() if (p / "questions.jsonl").exists()
                                and (not args.rst or (p / "rst").is_dir())
                                and (not args.built or (p / "built").is_dir())
                                and (not args.pdf or (p / "built").is_dir() or any((p / "docs").rglob("*.html")))
                                and (not args.html or any((p / "docs").rglob("*.md"))))
    results = {}
    for name in names:
        cited = devset_cited(name, args.rebuild, args.html, args.site, args.rst, args.built, args.pdf)
        checks = load_checks(DEVSETS / name / "questions.jsonl")
        if args.html or args.site or args.built:
            checks = html_checks(checks, site=args.site)
        if args.rst:
            checks = renamed_checks(checks, (".html",), ".rst")
        if args.pdf:
            checks = renamed_checks(checks, (".md", ".html"), ".pdf")
        r = eval_checks(cited, checks)
        results[name] = r
        if args.failures:
            for f in r["failures"]:
                print(json.dumps(f, ensure_ascii=False), file=sys.stderr)
        print(name, json.dumps({k: v for k, v in r.items() if k != "failures"}))
    OUT.mkdir(exist_ok=True)
    form = _form(args.html, args.site, args.rst, args.built, args.pdf)
    out = f"docs-{form}.json" if form else "docs.json"
    (OUT / out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
