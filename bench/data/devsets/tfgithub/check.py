#!/usr/bin/env python3
"""Validate questions.jsonl against the copied docs/ tree.

Checks (errors):
  * every line is a JSON object;
  * answerable items have q, expect (1-2 non-empty strings), file, section;
  * docs/<file> exists;
  * every expect string occurs case-insensitively in docs/<file>;
  * section is an ATX heading of that file (text after the #'s, stripped,
    trailing #'s removed), ignoring lines inside fenced code blocks;
  * abstain items have q, abstain == true and kind in {near, off}.

Additional check (warnings, also reported):
  * at least one expect string occurs inside the text under the named
    heading (from the heading line to the next heading of any level).

Prints counts by kind. Exit status 1 if any error.
No dependencies; run from anywhere: python3 check.py
"""
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "docs")
QFILE = os.path.join(HERE, "questions.jsonl")

ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def headings(text):
    """Return list of (line_index, level, heading_text) outside code fences."""
    out = []
    fence = None
    for i, line in enumerate(text.split("\n")):
        m = FENCE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is not None:
            continue
        m = ATX.match(line)
        if m:
            t = (m.group(2) or "")
            t = re.sub(r"[ \t]+#+[ \t]*$", "", t).strip()
            out.append((i, len(m.group(1)), t))
    return out


def section_texts(text, name):
    lines = text.split("\n")
    hs = headings(text)
    res = []
    for k, (i, lvl, t) in enumerate(hs):
        if t == name:
            end = hs[k + 1][0] if k + 1 < len(hs) else len(lines)
            res.append("\n".join(lines[i:end]))
    return res


def main():
    errors, warnings = [], []
    kinds = Counter()
    files = set()
    cache = {}
    with open(QFILE, encoding="utf-8") as f:
        raw = f.read().split("\n")
    if raw and raw[-1] == "":
        raw = raw[:-1]
    for n, line in enumerate(raw, 1):
        try:
            obj = json.loads(line)
        except Exception as e:  # noqa: BLE001
            errors.append(f"line {n}: bad JSON: {e}")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("q"), str) or not obj["q"].strip():
            errors.append(f"line {n}: missing q")
            continue
        if obj.get("abstain"):
            if obj.get("abstain") is not True or obj.get("kind") not in ("near", "off"):
                errors.append(f"line {n}: abstain item needs abstain=true and kind near/off")
                continue
            kinds[obj["kind"]] += 1
            continue
        kinds["answerable"] += 1
        exp, fn, sec = obj.get("expect"), obj.get("file"), obj.get("section")
        if not (isinstance(exp, list) and 1 <= len(exp) <= 2 and all(isinstance(e, str) and e.strip() for e in exp)):
            errors.append(f"line {n}: expect must be 1-2 non-empty strings")
            continue
        if not isinstance(fn, str) or not isinstance(sec, str):
            errors.append(f"line {n}: file/section missing")
            continue
        path = os.path.join(DOCS, fn)
        if not os.path.isfile(path):
            errors.append(f"line {n}: no such file docs/{fn}")
            continue
        files.add(fn)
        if path not in cache:
            with open(path, encoding="utf-8") as fh:
                cache[path] = fh.read()
        text = cache[path]
        low = text.lower()
        for e in exp:
            if e.lower() not in low:
                errors.append(f"line {n}: expect {e!r} not in docs/{fn}")
        hs = [t for _, _, t in headings(text)]
        if sec not in hs:
            errors.append(f"line {n}: section {sec!r} is not a heading of docs/{fn}")
            continue
        secs = section_texts(text, sec)
        if not any(e.lower() in s.lower() for s in secs for e in exp):
            warnings.append(f"line {n}: no expect string under heading {sec!r} in docs/{fn}")

    for e in errors:
        print("ERROR", e)
    for w in warnings:
        print("WARN ", w)
    total = sum(kinds.values())
    print(f"lines: {total}")
    for k in ("answerable", "near", "off"):
        print(f"  {k}: {kinds.get(k, 0)}")
    print(f"distinct files referenced by answerable questions: {len(files)}")
    print(f"errors: {len(errors)}  warnings: {len(warnings)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
