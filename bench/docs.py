"""Answers on real documentation: the dev sets under bench/data/devsets/ (each a docs
folder from a public project, its license and commit in SOURCE.md, and questions.jsonl
written by someone who did not see the code).

    python bench/docs.py [--set httpx] [--set poetry] [--rebuild]

Reports, per set, the answer hit (expected words in the answer), the right file among
the citations, false abstention, and declines by kind (near-domain / off-topic).
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


def devset_cited(name: str, rebuild: bool = False, **overrides) -> Cited:
    docs = DEVSETS / name / "docs"
    cited = Cited(Settings(data_dir=OUT / f"devset-{name}", sources=docs, **overrides))
    t = time.perf_counter()
    report = sync_store(cited, docs, rebuild)
    print(f"{name}: {report.summary()} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return cited


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--set", action="append", dest="sets")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--failures", action="store_true", help="print every failure")
    args = ap.parse_args()
    names = args.sets or sorted(p.name for p in DEVSETS.iterdir() if (p / "questions.jsonl").exists())
    results = {}
    for name in names:
        cited = devset_cited(name, args.rebuild)
        checks = load_checks(DEVSETS / name / "questions.jsonl")
        r = eval_checks(cited, checks)
        results[name] = r
        if args.failures:
            for f in r["failures"]:
                print(json.dumps(f, ensure_ascii=False), file=sys.stderr)
        print(name, json.dumps({k: v for k, v in r.items() if k != "failures"}))
    OUT.mkdir(exist_ok=True)
    (OUT / "docs.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
