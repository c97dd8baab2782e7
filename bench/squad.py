"""SQuAD v1.1 (../shared/eval/squad-dev-a): passages, answers and citations through
the same path as `cited ask`.
    python bench/squad.py [--limit N]     # N questions spread evenly over the set
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT, SQUAD, sync_store  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.evaluation import eval_squad, load_squad, write_sources  # noqa: E402
from index.cited import Cited  # noqa: E402


def squad_cited():
    paragraphs, questions = load_squad(SQUAD)
    src = OUT / "squad-sources"
    if not src.exists():
        write_sources(paragraphs, src)
    cited = Cited(Settings(data_dir=OUT / "squad", sources=src))
    t = time.perf_counter()
    report = sync_store(cited, src)
    return cited, paragraphs, questions, time.perf_counter() - t, report


def spread(items: list, limit: int | None) -> list:
    if not limit or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    cited, paragraphs, questions, secs, report = squad_cited()
    print(f"index: {report.summary()} in {secs:.1f} s", file=sys.stderr)
    qs = spread(questions, args.limit)
    result = eval_squad(cited, qs)
    OUT.mkdir(exist_ok=True)
    (OUT / f"squad{'-' + str(args.limit) if args.limit else ''}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
