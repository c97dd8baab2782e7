"""`cited eval`: measure retrieval and answers on BEIR and SQuAD data, or a user's checks.

Each function indexes its data into a store of its own (a temporary folder unless
given one) through the same sync and answering code as `cited ask`, and returns
plain dicts; the CLI renders them.
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from index.metrics import percentile, retrieval_scores

Tick = Callable[[int, int], None]


@dataclass
class BeirData:
    corpus: dict[str, tuple[str, str]]  # id -> (title, text)
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


def load_beir(folder: Path, split: str = "test") -> BeirData:
    from index.errors import CitedError

    folder = Path(folder)
    try:
        corpus = {}
        for line in (folder / "corpus.jsonl").open(encoding="utf-8"):
            d = json.loads(line)
            corpus[str(d["_id"])] = (d.get("title", ""), d.get("text", ""))
        queries = {str(d["_id"]): d["text"] for d in map(json.loads, (folder / "queries.jsonl").open(encoding="utf-8"))}
        qrels: dict[str, dict[str, int]] = {}
        with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as f:
            next(f)  # header
            for line in f:
                q, d, r = line.rstrip("\n").split("\t")
                qrels.setdefault(q, {})[d] = int(r)
    except FileNotFoundError as e:
        raise CitedError(f"not a BEIR folder: {e.filename} is missing") from None
    except (ValueError, KeyError) as e:
        raise CitedError(f"bad BEIR data in {folder}: {e}") from None
    return BeirData(corpus, {q: t for q, t in queries.items() if q in qrels}, qrels)


def write_beir_sources(data: BeirData, folder: Path) -> None:
    """One text file per document, named by its id: the same path a user's files take."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, (title, text) in data.corpus.items():
        (folder / f"{doc_id}.txt").write_text(f"{title}\n\n{text}" if title else text, encoding="utf-8")


def doc_ranking(hits) -> list[str]:
    """Documents in order of their best chunk."""
    seen: dict[str, None] = {}
    for h in hits:
        seen.setdefault(Path(h.source).stem, None)
    return list(seen)


def eval_beir(cited, data: BeirData, limit: int | None = None, tick: Tick | None = None) -> dict:
    """Index ``data.corpus`` into ``cited``'s store, run every query, score the runs."""
    qids = sorted(data.queries)[:limit] if limit else sorted(data.queries)
    runs, lat = {}, []
    searcher = cited.searcher
    for n, q in enumerate(qids, 1):
        t = time.perf_counter()
        hits = searcher.search(data.queries[q], k=150)
        lat.append((time.perf_counter() - t) * 1000)
        runs[q] = doc_ranking(hits)[:100]
        if tick:
            tick(n, len(qids))
    return {
        "queries": len(qids),
        **retrieval_scores(runs, data.qrels),
        "latency_ms": {"p50": round(percentile(lat, 50), 1), "p95": round(percentile(lat, 95), 1)},
    }


@dataclass
class SquadQuestion:
    id: str
    question: str
    answers: list[str]
    source: str  # path of the gold paragraph's file, relative to the sources folder
    article: str


def load_squad(path: Path) -> tuple[dict[str, str], list[SquadQuestion]]:
    """SQuAD v1.1 JSON -> ({source path: paragraph text}, questions)."""
    from index.errors import CitedError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    except FileNotFoundError:
        raise CitedError(f"no such file: {path}") from None
    except (ValueError, KeyError, TypeError) as e:
        raise CitedError(f"not SQuAD v1.1 JSON: {path} ({e})") from None
    paragraphs: dict[str, str] = {}
    questions: list[SquadQuestion] = []
    for a, article in enumerate(data):
        folder = f"{a:02d}-{_slug(article.get('title', 'article'))}"
        for p, para in enumerate(article["paragraphs"]):
            rel = f"{folder}/{p:03d}.txt"
            paragraphs[rel] = para["context"]
            for qa in para["qas"]:
                questions.append(SquadQuestion(qa["id"], qa["question"], [x["text"] for x in qa["answers"]], rel, folder))
    return paragraphs, questions


def _slug(title: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9]+", "_", title).strip("_")[:40] or "article"


def write_sources(paragraphs: dict[str, str], folder: Path) -> None:
    for rel, text in paragraphs.items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def best_citation(ans):
    """The answer's best unit: the quote that scored highest. Not always [1]: a quote
    that leads into it is shown before it (quotes.in_reading_order)."""
    return max(ans.citations, key=lambda c: c.score)


def eval_squad(cited, questions: list[SquadQuestion], tick: Tick | None = None) -> dict:
    """Ask every question through cited.ask (the `cited ask` path) over the indexed
    paragraphs and score passages, answers and citations."""
    from index.metrics import contains_answer

    n = len(questions)
    hit1 = hit5 = ans_hit = cite_hit = abstained = 0
    lat, lengths = [], []
    for i, q in enumerate(questions, 1):
        t = time.perf_counter()
        ans = cited.ask(q.question)
        lat.append((time.perf_counter() - t) * 1000)
        # An answer hands back the passages it searched and re-ranked, declined or not.
        ranked = [h.source for h in ans.passages[:5]]
        hit1 += ranked[:1] == [q.source]
        hit5 += q.source in ranked
        if ans.abstained:
            abstained += 1
        else:
            lengths.append(len(ans.answer))
            best = best_citation(ans)
            ans_hit += contains_answer(best.quote, q.answers)
            cite_hit += best.source == q.source
        if tick:
            tick(i, n)
    d = max(n, 1)
    return {
        "questions": n,
        "passage_hit@1": round(hit1 / d, 4),
        "passage_hit@5": round(hit5 / d, 4),
        "answer_hit": round(ans_hit / d, 4),
        "citation_hit": round(cite_hit / d, 4),
        "abstained": round(abstained / d, 4),
        "answer_chars_median": int(percentile(lengths, 50)) if lengths else 0,
        "latency_ms": {"p50": round(percentile(lat, 50), 1), "p95": round(percentile(lat, 95), 1)},
    }


@dataclass
class Check:
    q: str
    expect: list[str]
    abstain: bool
    file: str | None = None  # the source that answers it, when known
    kind: str | None = None  # for abstentions: "near" (the docs' domain) or "off" (off-topic)
    section: str | None = None  # the heading the answer sits under, when known


def load_checks(path: Path) -> list[Check]:
    """A user's own checks: JSON lines of {"q", "expect": [words], "file"?, "section"?} or
    {"q", "abstain": true, "kind"?: "near"|"off"}; "question" is read for "q"."""
    from index.errors import CitedError

    checks = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise CitedError(f"cannot read {path}: {e.strerror or e}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            q = d.get("q", d.get("question"))  # "question" is what people write first
            if not isinstance(q, str) or not q.strip():
                raise ValueError('no "q" (the question)')
            expect = d.get("expect", [])
            if not isinstance(expect, list):  # a string would be checked letter by letter, and always pass
                raise TypeError(f'"expect" must be a list of words, not {type(expect).__name__}')
            checks.append(Check(q, [str(w) for w in expect], bool(d.get("abstain", False)),
                                d.get("file"), d.get("kind"), d.get("section")))
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise CitedError(f"{path}:{n}: expected {{\"q\": ..., \"expect\": [...]}} or {{\"q\": ..., \"abstain\": true}} ({e})") from None
    return checks


# A heading as its source writes it and as a citation names it differ in marks:
# "`cache.auto-clean-frequency`", "`debug` {#debug}", "Options¶", "\\[array&lt;string&gt;]",
# a Liquid tag ("{%- include badge.html -%}"), a link ("[`npm ci`](/commands/npm-ci)" is
# "npm ci"), an attribute list ("Resolution order {: #resolution_order }"), an inline
# HTML tag ('<a name="removed"></a> Removed formatters'); and an API entry's heading
# may be qualified ("marshmallow.fields.Url") where the page shows its name ("Url").
_HEADING_MARKS = re.compile(r"\s*\{:?\s*#[^}]*\}\s*$|\{%.*?%\}|\\(?=\W)|[`¶#*]")
_HEADING_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# Inline tags by name only: "Map<string>" in a heading is a type, not a tag.
_HEADING_TAG = re.compile(r"</?(?:a|span|code|em|strong|b|i|sup|sub|small|kbd|br)\b[^>]*>", re.I)


def _heading(text: str) -> str:
    text = _HEADING_LINK.sub(r"\1", html.unescape(_HEADING_TAG.sub("", text)))
    return " ".join(_HEADING_MARKS.sub("", text).split()).strip(" :").casefold()


def same_heading(a: str, b: str) -> bool:
    a, b = _heading(a), _heading(b)
    return a == b or (bool(a) and bool(b) and (a.endswith("." + b) or b.endswith("." + a)))


def section_cited(check: Check, ans) -> bool:
    """Does a citation of the expected file quote the expected section (the last
    heading of its path)?"""
    return any((check.file is None or x.source == check.file) and x.section
               and same_heading(x.section.split(" › ")[-1], check.section) for x in ans.citations)


def judge(check: Check, ans) -> tuple[bool, str]:
    """Does ``ans`` pass ``check``, and if not, why."""
    if check.abstain:
        return ans.abstained, "" if ans.abstained else "answered, expected an abstention"
    if not check.expect:
        # An exported 👎 question (cited feedback export) until its owner fills it in.
        return False, 'no expected words yet: fill in "expect"'
    if ans.abstained:
        return False, "abstained"
    missing = [w for w in check.expect if w.lower() not in ans.answer.lower()]
    if missing:
        return False, f"missing {missing}"
    return True, ""


def eval_checks(cited, checks: list[Check], tick: Tick | None = None) -> dict:
    """Ask each check's question; it passes when every expected word is in the answer
    (case-insensitive), or when it abstains as it should. Also reports, over the
    answerable checks, how often the expected file is cited and how often it wrongly
    abstains, how often a citation quotes the expected section (for checks naming one),
    and over the others how often it declines, by kind."""
    failures = []
    answerable = [c for c in checks if not c.abstain]
    counts = {"answer_hit": 0, "file_hit": 0, "file_known": 0, "false_abstention": 0, "section_hit": 0,
              "section_known": 0}
    declined: dict[str, list[int]] = {}
    lengths = []
    for i, c in enumerate(checks, 1):
        ans = cited.ask(c.q)
        if not ans.abstained:
            lengths.append(len(ans.answer))
        ok, why = judge(c, ans)
        if c.abstain:
            for kind in {"all", c.kind or "unlabelled"}:
                d = declined.setdefault(kind, [0, 0])
                d[0] += ans.abstained
                d[1] += 1
        else:
            counts["answer_hit"] += ok
            counts["false_abstention"] += ans.abstained
            if c.file:
                counts["file_known"] += 1
                counts["file_hit"] += any(x.source == c.file for x in ans.citations)
            if c.section:
                counts["section_known"] += 1
                counts["section_hit"] += section_cited(c, ans)
        if not ok:
            failures.append({"q": c.q, "why": why, "answer": ans.answer,
                             "cited": [x.where() for x in ans.citations], **({"file": c.file} if c.file else {})})
        if tick:
            tick(i, len(checks))
    n = max(len(checks), 1)
    na = max(len(answerable), 1)
    result = {"checks": len(checks), "passed": round((len(checks) - len(failures)) / n, 4)}
    if answerable:
        result["answer_hit"] = round(counts["answer_hit"] / na, 4)
        if counts["file_known"]:
            result["file_hit"] = round(counts["file_hit"] / counts["file_known"], 4)
        if counts["section_known"]:
            result["section_hit"] = round(counts["section_hit"] / counts["section_known"], 4)
        result["false_abstention"] = round(counts["false_abstention"] / na, 4)
    if lengths:
        result["answer_chars_median"] = int(percentile(lengths, 50))
        result["answer_chars_p90"] = int(percentile(lengths, 90))
    for kind, (k, total) in sorted(declined.items()):
        result[f"declined_{kind}"] = round(k / total, 4)
    result["failures"] = failures
    return result
