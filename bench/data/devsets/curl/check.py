#!/usr/bin/env python3
"""Validate questions.jsonl against the copied curl docs.

Checks, for every line of questions.jsonl:
  * the line parses as a JSON object;
  * answerable items have "q", "expect" (1-2 non-empty strings), "file", "section";
  * docs/<file> exists;
  * every expect string occurs in docs/<file> (case-insensitive, verbatim);
  * "section" equals the text of an ATX heading of that file (text after the
    leading #'s, stripped). YAML front matter (the leading --- ... --- block of
    the cmdline-opts pages) and fenced code blocks are not scanned for headings;
  * abstain items have "abstain": true and "kind" in {"near", "off"}.
Prints counts by kind and exits non-zero on any problem.

Plain Python 3, no dependencies.  Usage:  python3 check.py
"""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "docs")
QFILE = os.path.join(HERE, "questions.jsonl")

ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def headings(text):
    lines = text.splitlines()
    out = []
    i = 0
    # YAML front matter at the very top
    if lines and lines[0].strip() == "---":
        for j in range(1, len(lines)):
            if lines[j].strip() == "---":
                i = j + 1
                break
    fence = None
    for line in lines[i:]:
        m = FENCE.match(line)
        if m:
            tok = m.group(1)
            if fence is None:
                fence = tok[0]
            elif tok[0] == fence:
                fence = None
            continue
        if fence is not None:
            continue
        h = ATX.match(line)
        if h:
            t = (h.group(2) or "").strip()
            # optional closing sequence of #'s (CommonMark)
            t = re.sub(r"[ \t]+#+$", "", t).strip()
            out.append(t)
    return out


def main():
    errors = []
    counts = collections.Counter()
    files = collections.Counter()
    cache = {}
    seen_q = set()
    with open(QFILE, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                errors.append(f"line {n}: empty line")
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as e:
                errors.append(f"line {n}: JSON error: {e}")
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("q"), str) or not obj["q"].strip():
                errors.append(f"line {n}: missing/empty 'q'")
                continue
            if obj["q"] in seen_q:
                errors.append(f"line {n}: duplicate question")
            seen_q.add(obj["q"])
            if obj.get("abstain"):
                kind = obj.get("kind")
                if obj.get("abstain") is not True or kind not in ("near", "off"):
                    errors.append(f"line {n}: abstain item needs abstain=true and kind near|off")
                    continue
                counts["abstain/" + kind] += 1
                continue
            exp, fn, sec = obj.get("expect"), obj.get("file"), obj.get("section")
            if (not isinstance(exp, list) or not 1 <= len(exp) <= 2
                    or not all(isinstance(e, str) and e.strip() for e in exp)):
                errors.append(f"line {n}: 'expect' must be a list of 1-2 non-empty strings")
                continue
            if not isinstance(fn, str) or not isinstance(sec, str):
                errors.append(f"line {n}: 'file' and 'section' must be strings")
                continue
            path = os.path.join(DOCS, fn)
            if not os.path.isfile(path):
                errors.append(f"line {n}: no such file docs/{fn}")
                continue
            if fn not in cache:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
                cache[fn] = (text.lower(), set(headings(text)))
            low, heads = cache[fn]
            for e in exp:
                if e.lower() not in low:
                    errors.append(f"line {n}: expect {e!r} not found in docs/{fn}")
            if sec not in heads:
                errors.append(f"line {n}: section {sec!r} is not a heading of docs/{fn}")
            kind = "answerable/cmdline-opts" if fn.startswith("cmdline-opts/") else "answerable/other-pages"
            counts[kind] += 1
            files[fn] += 1
    ans = counts["answerable/cmdline-opts"] + counts["answerable/other-pages"]
    print(f"answerable: {ans}")
    for k in sorted(counts):
        print(f"  {k}: {counts[k]}")
    print(f"distinct files used: {len(files)} "
          f"({sum(1 for f in files if f.startswith('cmdline-opts/'))} option pages)")
    print(f"total lines: {ans + counts['abstain/near'] + counts['abstain/off']}")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
