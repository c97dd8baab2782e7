#!/usr/bin/env python3
"""Validate questions.jsonl against the copied Homebrew documentation in docs/.

Checks:
  - every line is valid JSON (an object); no duplicate questions
  - answerable lines: q, expect (1-2 non-empty strings), file, section;
    file exists under docs/; every expect string occurs in the file
    (case-insensitive); section is a real heading of that file, compared
    exactly with the raw heading text (Markdown markup such as backticks,
    `\\[` escapes, emphasis and links is kept as written in the file)
  - at most 4 answerable questions per (file, section)
  - abstain lines: abstain is true, kind is "near" or "off", no other keys
Prints counts and any errors; exit status 1 if there are errors.

Headings recognised (Markdown as rendered by Jekyll/kramdown):
  - ATX headings (# ... ######), optional closing #'s removed;
  - setext headings (a paragraph line underlined by === or ---);
ignoring a leading YAML front matter block (--- ... ---), fenced code blocks
(``` or ~~~, also indented or after a list marker / blockquote marker) and
indented code blocks. Kramdown/Liquid lines such as "{:toc}" or "{% raw %}"
are not headings. The page title (the "# " heading) is a heading like any
other; front matter has no "title:" key in these files, but one is accepted
if present. Standard library only.
"""
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "docs")
QFILE = os.path.join(HERE, "questions.jsonl")
MAX_PER_SECTION = 4

FENCE_RE = re.compile(r"^\s*(?:>\s?)*\s*(?:(?:[-*+]|\d+[.)])\s+)?(`{3,}|~{3,})")
ATX_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
LIST_RE = re.compile(r"^([-*+]|\d+[.)])\s")


def strip_front_matter(lines):
    """Remove a leading YAML front matter block; return (body_lines, title)."""
    title = None
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                for fm in lines[1:i]:
                    m = re.match(r"^title:\s*(.+?)\s*$", fm)
                    if m:
                        title = m.group(1).strip("'\"")
                # keep line numbering irrelevant: just drop the block
                return lines[i + 1:], title
    return lines, title


def headings(path):
    """Return the list of heading texts of a Markdown file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    lines, title = strip_front_matter(lines)
    out = [title] if title else []
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
        stripped = line.strip()
        if LIST_RE.match(stripped) or stripped.startswith((">", "|", "<", "{", ":")):
            prev = None
        else:
            prev = line
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

        if "abstain" in obj:
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
        extra = set(obj) - {"q", "expect", "file", "section"}
        if extra:
            errors.append(f"line {n}: unexpected keys: {sorted(extra)}")
        exp = obj.get("expect")
        fname = obj.get("file")
        section = obj.get("section")
        if not isinstance(exp, list) or not (1 <= len(exp) <= 2) or \
                not all(isinstance(e, str) and e.strip() for e in exp):
            errors.append(f"line {n}: 'expect' must be a list of 1-2 non-empty strings")
            exp = [e for e in exp if isinstance(e, str) and e.strip()] if isinstance(exp, list) else []
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

    for (fn, sec), v in sorted(per_section.items()):
        if v > MAX_PER_SECTION:
            errors.append(f"{v} questions on {fn} / {sec!r} (max {MAX_PER_SECTION})")

    total = sum(counts.values())
    print(f"lines: {total}")
    print(f"answerable: {counts['answerable']}  near: {counts['near']}  off: {counts['off']}")
    print(f"answerable per file ({len(per_file)} files):")
    for k, v in sorted(per_file.items()):
        print(f"  {k}: {v}")
    print(f"distinct sections used: {len(per_section)}")
    if errors:
        print(f"ERRORS ({len(errors)}):")
        for e in errors:
            print("  " + e)
        return 1
    print("OK: no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
