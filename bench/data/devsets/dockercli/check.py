#!/usr/bin/env python3
"""Validate questions.jsonl against the copied docs in docs/.

Plain Python, no dependencies. Run from anywhere:

    python3 check.py

Checks:
  * every line is valid JSON (an object);
  * answerable lines have q, expect (1-2 non-empty strings), file, section;
    file exists under docs/; every expect string occurs in that file
    (case-insensitive); section is a real Markdown heading of the file
    (text without the leading #'s, as written, headings inside fenced code
    blocks and YAML front matter ignored) or the page title;
  * abstain lines have "abstain": true and kind "near" or "off";
  * no duplicate questions.
Prints counts and any errors; exit status 1 if there are errors.
"""
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "docs")
QFILE = os.path.join(HERE, "questions.jsonl")

HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def headings(path):
    """Return (title, [heading texts]) for a Markdown file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    # YAML front matter
    if lines and lines[0].strip() == "---":
        for j in range(1, len(lines)):
            if lines[j].strip() == "---":
                i = j + 1
                break
    out = []
    fence = None
    for line in lines[i:]:
        m = re.match(r"^\s*(```+|~~~+)", line)
        if m:
            tok = m.group(1)
            if fence is None:
                fence = tok[0] * 3
            elif tok.startswith(fence):
                fence = None
            continue
        if fence is not None:
            continue
        h = HEADING_RE.match(line)
        if h and h.group(2):
            out.append(h.group(2).strip())
    title = out[0] if out else os.path.splitext(os.path.basename(path))[0]
    return title, out


def main():
    errors = []
    kinds = Counter()
    per_file = Counter()
    seen_q = set()
    cache = {}
    n_lines = 0
    with open(QFILE, encoding="utf-8") as f:
        for ln, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            n_lines += 1
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as e:
                errors.append(f"line {ln}: invalid JSON: {e}")
                continue
            if not isinstance(obj, dict):
                errors.append(f"line {ln}: not a JSON object")
                continue
            q = obj.get("q")
            if not isinstance(q, str) or not q.strip():
                errors.append(f"line {ln}: missing/empty q")
            elif q in seen_q:
                errors.append(f"line {ln}: duplicate q: {q!r}")
            else:
                seen_q.add(q)
            if obj.get("abstain"):
                if obj.get("abstain") is not True:
                    errors.append(f"line {ln}: abstain must be true")
                kind = obj.get("kind")
                if kind not in ("near", "off"):
                    errors.append(f"line {ln}: abstain line has kind {kind!r} (want near/off)")
                else:
                    kinds[kind] += 1
                extra = set(obj) - {"q", "abstain", "kind"}
                if extra:
                    errors.append(f"line {ln}: unexpected keys on abstain line: {sorted(extra)}")
                continue
            kinds["answerable"] += 1
            exp = obj.get("expect")
            fname = obj.get("file")
            sec = obj.get("section")
            if not isinstance(exp, list) or not (1 <= len(exp) <= 2) or not all(
                isinstance(e, str) and e.strip() for e in exp
            ):
                errors.append(f"line {ln}: expect must be a list of 1-2 non-empty strings")
                exp = [e for e in exp or [] if isinstance(e, str)] if isinstance(exp, list) else []
            if not isinstance(fname, str) or not fname:
                errors.append(f"line {ln}: missing file")
                continue
            path = os.path.join(DOCS, fname)
            if not os.path.isfile(path):
                errors.append(f"line {ln}: file not found: docs/{fname}")
                continue
            per_file[fname] += 1
            if fname not in cache:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
                cache[fname] = (text.lower(), headings(path))
            low, (title, heads) = cache[fname]
            for e in exp:
                if e.lower() not in low:
                    errors.append(f"line {ln}: expect {e!r} not found in docs/{fname}")
            if not isinstance(sec, str) or not sec:
                errors.append(f"line {ln}: missing section")
            elif sec != title and sec not in heads:
                errors.append(
                    f"line {ln}: section {sec!r} is not a heading of docs/{fname} (title {title!r})"
                )

    print(f"lines: {n_lines}")
    print(f"answerable: {kinds['answerable']}")
    print(f"abstain near: {kinds['near']}")
    print(f"abstain off: {kinds['off']}")
    print(f"files used by answerable questions: {len(per_file)}")
    busiest = per_file.most_common(5)
    print("most questions per file: " + ", ".join(f"{k}={v}" for k, v in busiest))
    if errors:
        print(f"\n{len(errors)} error(s):")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("\nOK: no errors")


if __name__ == "__main__":
    main()
