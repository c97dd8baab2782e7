"""Follow-up questions in a chat: the dev sets' followups.jsonl (conversations of two or
three turns written by a helper who did not see the code; format in
bench/data/devsets/FOLLOWUPS.md).

    python bench/followups.py [--set httpx] [--failures]

Each conversation's last turn is asked three ways in the same run, and judged as
bench/docs.py judges an answer (its expected words in the answer, its file cited):

- ``chat``: with the earlier turns as history, as `cited chat` and a Discord thread ask it;
- ``alone``: without them (the baseline a bot without conversations gets);
- ``joined``: all turns run together as one question (the naive way to carry context).

Reported per kind: "elliptic" and "pronoun" turns need the earlier ones; "switch" turns
open like a follow-up but change topic; "standalone" ones must be answered on their own.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT  # noqa: E402
from bench.docs import DEVSETS, devset_cited  # noqa: E402
from index.evaluation import Check, judge  # noqa: E402

WAYS = ("chat", "alone", "joined")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def asked(cited, turns: list[str], way: str):
    *earlier, last = turns
    if way == "chat":
        return cited.ask(last, history=earlier)
    if way == "joined":
        return cited.ask(" ".join(turns))
    return cited.ask(last)


def run_set(name: str, failures: bool) -> dict:
    cited = devset_cited(name)
    convs = load(DEVSETS / name / "followups.jsonl")
    hits: dict[str, dict[str, list[int]]] = defaultdict(lambda: {w: [0, 0, 0] for w in WAYS})
    for conv in convs:
        check = Check(q=conv["turns"][-1], expect=conv["expect"], abstain=False, file=conv.get("file"))
        for way in WAYS:
            ans = asked(cited, conv["turns"], way)
            ok, why = judge(check, ans)
            right_file = any(c.source == check.file for c in ans.citations)
            for kind in (conv["kind"], "all"):
                h = hits[kind][way]
                h[0] += ok
                h[1] += right_file
                h[2] += 1
            if failures and way == "chat" and not ok:
                print(json.dumps({"turns": conv["turns"], "kind": conv["kind"], "why": why,
                                  "cited": [c.where() for c in ans.citations]}, ensure_ascii=False), file=sys.stderr)
    return {kind: {way: {"answer_hit": round(h[0] / h[2], 3), "file_hit": round(h[1] / h[2], 3), "n": h[2]}
                   for way, h in ways.items()} for kind, ways in sorted(hits.items())}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--set", action="append", dest="sets")
    ap.add_argument("--failures", action="store_true", help="print every conversation answered wrong in chat")
    args = ap.parse_args()
    names = args.sets or sorted(p.name for p in DEVSETS.iterdir() if (p / "followups.jsonl").exists())
    results = {}
    for name in names:
        results[name] = r = run_set(name, args.failures)
        for kind, ways in r.items():
            print(f"{name:10s} {kind:10s} n={ways['chat']['n']:3d}  " + "  ".join(
                f"{w} {v['answer_hit']:.3f}/{v['file_hit']:.3f}" for w, v in ways.items()))
    OUT.mkdir(exist_ok=True)
    (OUT / "followups.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
