"""Do HTML citations point at their heading? For each answerable question of a dev set
asked of its HTML pages, every citation of an .html file: does it carry an anchor, and
is that anchor an id (or a name) in the page itself, so page.html#anchor opens there?

    python bench/anchors.py --set urllib3 [--built | --site] [--limit 120]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.docs import DEVSETS, devset_cited  # noqa: E402
from index.evaluation import load_checks  # noqa: E402


def check(name: str, form: str, limit: int) -> dict:
    from bs4 import BeautifulSoup

    cited = devset_cited(name, **({form: True} if form else {}))
    folder = Path(cited.settings.sources)
    pages: dict[str, object] = {}
    counts = {"html_citations": 0, "with_anchor": 0, "anchor_in_page": 0}
    for c in [c for c in load_checks(DEVSETS / name / "questions.jsonl") if not c.abstain][:limit]:
        for x in cited.ask(c.q).citations:
            if not x.source.endswith(".html"):
                continue
            counts["html_citations"] += 1
            if not x.anchor:
                continue
            counts["with_anchor"] += 1
            if x.source not in pages:
                pages[x.source] = BeautifulSoup((folder / x.source).read_text(encoding="utf-8"), "html.parser")
            page = pages[x.source]
            counts["anchor_in_page"] += page.find(id=x.anchor) is not None or page.find(attrs={"name": x.anchor}) is not None
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--set", action="append", dest="sets", required=True)
    ap.add_argument("--built", action="store_true", help="the set's pages as its project's tooling builds them")
    ap.add_argument("--site", action="store_true", help="the set's Markdown built by MkDocs Material")
    ap.add_argument("--limit", type=int, default=120)
    args = ap.parse_args()
    form = "built" if args.built else "site" if args.site else ""
    for name in args.sets:
        print(name, form or "docs", check(name, form, args.limit), flush=True)


if __name__ == "__main__":
    main()
