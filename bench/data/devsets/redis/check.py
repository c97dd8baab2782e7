#!/usr/bin/env python3
"""Validate questions.jsonl against the copied docs. Plain Python, no deps."""
import json, os, re, sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "docs")
QF = os.path.join(HERE, "questions.jsonl")

def headings_and_title(text):
    heads, title = set(), None
    lines = text.split("\n")
    i = 0
    if lines and lines[0].strip() == "---":
        for j in range(1, len(lines)):
            if lines[j].strip() == "---":
                for l in lines[1:j]:
                    m = re.match(r"^title:\s*(.*)$", l)
                    if m:
                        title = m.group(1).strip().strip("'\"")
                i = j + 1
                break
    fence = None
    for l in lines[i:]:
        s = l.lstrip()
        m = re.match(r"^(`{3,}|~{3,})", s)
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark[0] * len(mark)
            elif s.startswith(fence) and s.strip() == s.strip()[0] * len(s.strip()):
                fence = None
            continue
        if fence is not None:
            continue
        m = re.match(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$", l)
        if m:
            heads.add((m.group(2) or "").strip())
    return heads, title

def main():
    errs, kinds, files = [], Counter(), set()
    fm_only = 0
    with open(QF, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                o = json.loads(line)
            except Exception as e:
                errs.append(f"line {n}: bad JSON: {e}"); continue
            if not isinstance(o.get("q"), str) or not o["q"].strip():
                errs.append(f"line {n}: missing q"); continue
            if o.get("abstain"):
                if o.get("kind") not in ("near", "off"):
                    errs.append(f"line {n}: abstain needs kind near/off")
                kinds[o.get("kind")] += 1
                continue
            kinds["answerable"] += 1
            fn, exp, sec = o.get("file"), o.get("expect"), o.get("section")
            path = os.path.join(DOCS, fn or "")
            if not fn or not os.path.isfile(path):
                errs.append(f"line {n}: file not found: {fn}"); continue
            files.add(fn)
            text = open(path, encoding="utf-8").read()
            low = text.lower()
            if not isinstance(exp, list) or not 1 <= len(exp) <= 2:
                errs.append(f"line {n}: expect must be a list of 1-2 strings")
            else:
                for e in exp:
                    if not isinstance(e, str) or e.lower() not in low:
                        errs.append(f"line {n}: expect {e!r} not in {fn}")
            heads, title = headings_and_title(text)
            if sec == title:
                fm_only += 0  # title may be intro text or front matter
            elif sec not in heads:
                errs.append(f"line {n}: section {sec!r} not a heading of {fn} (title {title!r})")
    for e in errs:
        print("ERROR", e)
    print("counts:", dict(kinds), "| distinct files:", len(files))
    return 1 if errs else 0

if __name__ == "__main__":
    sys.exit(main())
