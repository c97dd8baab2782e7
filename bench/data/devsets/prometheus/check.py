#!/usr/bin/env python3
r"""Validate questions.jsonl against the copied documentation in docs/.

Checks:
  - every line is valid JSON (an object)
  - answerable lines: q, expect (1-2 non-empty strings), file, section;
    file exists under docs/; every expect string occurs in the file
    (case-insensitive); section is a real heading of that file
  - abstain lines: abstain is true and kind is "near" or "off"
Prints counts and any errors; exit status 1 if there are errors.

Headings recognised (Markdown): ATX headings (# ... ######) and setext
headings (a text line underlined by === or ---), ignoring fenced code blocks
(``` or ~~~, also when indented, after a list marker, or inside a "> "
blockquote), indented code blocks and the leading YAML front matter
(--- ... ---). The page title also counts: the front matter's `title:` and
`nav_title:` values, and HTML <h1>..<h6> elements (tags stripped, whitespace
collapsed; README.md uses an HTML <h1>). Backslash escapes in headings such
as `\<oauth2\>` are accepted both as written and unescaped.
No third-party dependencies.
"""
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "docs")
QFILE = os.path.join(HERE, "questions.jsonl")

FENCE_RE = re.compile(r"^\s*(?:>\s?)*\s*(?:(?:[-*+]|\d+[.)])\s+)?(`{3,}|~{3,})")
ATX_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


HTML_H_RE = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.S | re.I)
TAG_RE = re.compile(r"<[^>]+>")


def front_matter(lines):
    """Split off a leading YAML front matter block; return (titles, rest)."""
    titles = []
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                for fl in lines[1:i]:
                    m = re.match(r"^(title|nav_title):\s*(.*?)\s*$", fl)
                    if m and m.group(2):
                        titles.append(m.group(2).strip("\"'"))
                return titles, [""] * (i + 1) + lines[i + 1:]
    return titles, lines


def headings(path):
    """Return the list of heading texts of a Markdown file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    titles, lines = front_matter(text.split("\n"))
    out = list(titles)
    for m in HTML_H_RE.finditer(text):
        h = " ".join(TAG_RE.sub(" ", m.group(2)).split())
        if h:
            out.append(h)
    in_fence = None  # the fence marker string while inside a fenced block
    prev = None  # previous line if it could be a setext heading's text
    for line in lines:
        m = FENCE_RE.match(line)
        if in_fence is not None:
            if m and m.group(1)[0] == in_fence[0] and len(m.group(1)) >= len(in_fence):
                in_fence = None
            prev = None
            continue
        if m:
            in_fence = m.group(1)
            prev = None
            continue
        if not line.strip():
            prev = None
            continue
        # indented code block (not a continuation of a paragraph)
        if prev is None and (line.startswith("    ") or line.startswith("\t")):
            continue
        am = ATX_RE.match(line)
        if am:
            out.append(am.group(2).strip())
            prev = None
            continue
        sm = SETEXT_RE.match(line)
        if sm and prev is not None:
            out.append(prev.strip())
            prev = None
            continue
        # candidate text for a setext heading: a plain paragraph line
        stripped = line.strip()
        if re.match(r"^([-*+]|\d+[.)])\s", stripped) or stripped.startswith(">") \
                or stripped.startswith("|") or stripped.startswith("<"):
            prev = None
        else:
            prev = line
    out += [re.sub(r"\\([<>_*\[\]#`])", r"\1", h) for h in out if "\\" in h]
    return out


def main():
    errors = []
    counts = Counter()
    per_file = Counter()
    per_section = Counter()
    heading_cache = {}
    text_cache = {}
    seen_q = set()

    if not os.path.isdir(DOCS):
        print("ERROR: docs/ directory missing")
        return 1
    with open(QFILE, encoding="utf-8") as f:
        raw = f.read().split("\n")
    for n, line in enumerate(raw, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {n}: invalid JSON: {e}")
            continue
        if not isinstance(obj, dict):
            errors.append(f"line {n}: not a JSON object")
            continue
        q = obj.get("q")
        if not isinstance(q, str) or not q.strip():
            errors.append(f"line {n}: missing or empty 'q'")
        elif q.strip().lower() in seen_q:
            errors.append(f"line {n}: duplicate question")
        else:
            seen_q.add(q.strip().lower())

        if obj.get("abstain"):
            if obj.get("abstain") is not True:
                errors.append(f"line {n}: 'abstain' must be true")
            kind = obj.get("kind")
            if kind not in ("near", "off"):
                errors.append(f"line {n}: abstain line needs kind near/off, got {kind!r}")
            else:
                counts[kind] += 1
            extra = set(obj) - {"q", "abstain", "kind"}
            if extra:
                errors.append(f"line {n}: unexpected keys on abstain line: {sorted(extra)}")
            continue

        counts["answerable"] += 1
        exp = obj.get("expect")
        fname = obj.get("file")
        section = obj.get("section")
        if not isinstance(exp, list) or not (1 <= len(exp) <= 2) or \
                not all(isinstance(e, str) and e.strip() for e in exp):
            errors.append(f"line {n}: 'expect' must be a list of 1-2 non-empty strings")
            exp = [e for e in exp if isinstance(e, str)] if isinstance(exp, list) else []
        if not isinstance(fname, str) or not fname:
            errors.append(f"line {n}: missing 'file'")
            continue
        path = os.path.normpath(os.path.join(DOCS, fname))
        if not path.startswith(DOCS + os.sep) or not os.path.isfile(path):
            errors.append(f"line {n}: file not found in docs/: {fname}")
            continue
        per_file[fname] += 1
        if path not in text_cache:
            with open(path, encoding="utf-8") as fh:
                text_cache[path] = fh.read().lower()
            heading_cache[path] = headings(path)
        text = text_cache[path]
        for e in exp:
            if e.lower() not in text:
                errors.append(f"line {n}: expect {e!r} not found in {fname}")
        if not isinstance(section, str) or not section:
            errors.append(f"line {n}: missing 'section'")
        elif section not in heading_cache[path]:
            errors.append(f"line {n}: section {section!r} is not a heading of {fname}")
        else:
            per_section[(fname, section)] += 1

    total = sum(counts.values())
    print(f"lines: {total}")
    print(f"answerable: {counts['answerable']}  near: {counts['near']}  off: {counts['off']}")
    print("answerable per file:")
    for k, v in sorted(per_file.items()):
        print(f"  {k}: {v}")
    print(f"distinct sections used: {len(per_section)}")
    over = [(k, v) for k, v in per_section.items() if v > 4]
    for (fn, sec), v in over:
        print(f"  note: {v} questions on {fn} / {sec} (cap is about 4)")
    if errors:
        print(f"ERRORS ({len(errors)}):")
        for e in errors:
            print("  " + e)
        return 1
    print("OK: no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
