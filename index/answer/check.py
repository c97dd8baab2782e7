"""Checking a written answer against the passages it cites, sentence by sentence.

A language model's sentence is kept only when it is *supported*: it cites a passage
that exists (or, carrying no marker, one passage supports it and it is attached to
that one), every number, name and quoted string in it appears in the cited text
around its best supporting sentence, and it is close to that text: embedding
similarity to the closest cited sentence (or clause) and the share of its content
words found around it both clear thresholds fitted on SQuAD (bench/checker.py,
bench/RESULTS.md).

Pure: plain strings, Hits and an ``embed`` function in, Claims out. What the check
cannot see: a wrong relation between words that are all in the source ("A beat B"
written as "B beat A", "A lost to B"), a negation, most swaps between two names or
numbers of the same sentence, and a claim that its sources do not imply but echo.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from index.answer.facts import WORD, content_stems, fact_runs, facts, misplaced_facts, missing_facts, tokens
from index.sentences import clauses, split_sentences
from index.search import Hit

# From bench/checker.py on 600 SQuAD dev-a questions (bench/RESULTS.md). With the
# question read (what a claim takes from it is given), the fit half's pick, 0.20/0.35,
# rejects 0.946 of the held-out half's unfaithful sentences; 0.40/0.50 keeps as many
# faithful ones (paraphrases 0.965, restated questions 0.924) and rejects 0.955 of
# all. Names, numbers and quotes do most of the rejecting; these thresholds catch what
# carries none.
MIN_SIMILARITY = 0.40
MIN_COVERAGE = 0.50
# A sentence of this many content words or fewer must have all of them in the source:
# in "Penguins are purple" one invented word is half the sentence.
SHORT_CLAIM = 3

# [1], [1, 2], [1][2], [Source 1], [passage 2]
_MARKER = re.compile(r"\[\s*(?:(?:source|passage|doc(?:ument)?)\s*)?(\d+(?:\s*[,;]\s*\d+)*)\s*\]", re.I)
_LEADING_MARKERS = re.compile(r"^(?:\s*" + _MARKER.pattern + r")+\s*[.,;:]?", re.I)
# "The sources do not provide information about …": true of nothing, whatever words it shares.
_ABOUT_SOURCES = re.compile(
    r"\b(?:sources?|passages?|context|documents?|text)\b.{0,40}(?:\bnot\b|n't\b|\bno\b).{0,20}"
    r"\b(?:say|says|provide|provides|mention|mentions|contain|contains|give|gives|answer|information|specify)\b",
    re.I)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_PREAMBLE = re.compile(r"^\s*(?:answer|response)\s*:\s*", re.I)


@dataclass(frozen=True)
class Span:
    """A sentence of a passage: ``passage`` indexes the passages given to check(),
    ``start``/``end`` are offsets into that passage's text."""

    passage: int
    start: int
    end: int
    similarity: float


@dataclass
class Claim:
    """One sentence of the written answer and the verdict on it."""

    text: str  # the sentence without its markers
    markers: tuple[int, ...]  # as written, 1-based
    supported: bool = False
    why: str = ""  # why it was dropped; "" when kept
    cited: tuple[int, ...] = ()  # 0-based passages it rests on, once checked
    spans: list[Span] = field(default_factory=list)  # its best supporting sentence in each cited passage
    similarity: float = 0.0
    coverage: float = 0.0
    attached: bool = False  # carried no usable marker; attached to the passage that supports it


def split_claims(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """The sentences of a written answer, each with the markers it carries. A marker
    written after the full stop ("… in 1889. [2]") belongs to the sentence before it."""
    out: list[tuple[str, list[int]]] = []
    text = _PREAMBLE.sub("", text or "")
    for line in text.splitlines():
        line = _BULLET.sub("", line)
        for s, e in split_sentences(line):
            sentence = line[s:e]
            lead = _LEADING_MARKERS.match(sentence)
            if lead:
                if out:
                    out[-1][1].extend(_numbers_in(lead.group(0)))
                sentence = sentence[lead.end():]
            markers = _numbers_in(sentence)
            bare = " ".join(_MARKER.sub(" ", sentence).split())
            bare = re.sub(r"\s+([.,;:!?])", r"\1", bare)
            if len(WORD.findall(bare)) == 0:
                if out:
                    out[-1][1].extend(markers)
                continue
            out.append((bare, markers))
    return [(t, tuple(dict.fromkeys(m))) for t, m in out]


def _numbers_in(text: str) -> list[int]:
    return [int(n) for m in _MARKER.finditer(text) for n in re.split(r"\s*[,;]\s*", m.group(1))]


@dataclass
class _Passage:
    text: str
    spans: list[tuple[int, int]]  # its sentences
    owners: list[int]  # for each unit compared (sentences, then their clauses), its sentence
    vectors: np.ndarray  # one per unit


def _support(claim_vec: np.ndarray, passage: _Passage) -> tuple[int, float]:
    """Index of the passage's sentence closest to the claim, and the similarity: the
    best of the sentence's and its clauses' (a short written sentence restates one
    clause of a long source sentence)."""
    if not passage.spans:
        return -1, -1.0
    sims = passage.vectors @ claim_vec
    u = int(np.argmax(sims))
    return passage.owners[u], float(sims[u])


def _window(passage: _Passage, i: int) -> str:
    """The best sentence with its neighbours: a written sentence often joins a
    sentence and the one that names its subject."""
    a = passage.spans[max(0, i - 1)][0]
    b = passage.spans[min(len(passage.spans) - 1, i + 1)][1]
    return passage.text[a:b]


def judge(claim: Claim, claim_vec: np.ndarray, cited: Sequence[int], passages: list[_Passage],
          min_similarity: float = MIN_SIMILARITY, min_coverage: float = MIN_COVERAGE, question: str = "") -> Claim:
    """The verdict on ``claim`` read against the passages ``cited`` (0-based).

    With a wh-question, what the claim takes from it is given, not claimed: "Von Miller
    was the Super Bowl 50 MVP." answers "Who was the Super Bowl 50 MVP?" from a
    paragraph that says "Super Bowl" once and "50" nowhere near, so the question's
    names and numbers need not be in the cited text; and the claim must say something
    beyond the question ("The MVP of Super Bowl 50 was the MVP." says nothing). A name
    of the question found in the cited text must still sit where the text puts it,
    unless the claim keeps it in the question's own words (misplaced_facts). A yes/no
    question gives nothing: its names and numbers are the very claim ("Was the Eiffel
    Tower finished in 1890?" → "It was finished in 1890." must find 1890 in the source),
    and its answer may well restate it ("No, httpx does not support HTTP/3.")."""
    best = [(p, *_support(claim_vec, passages[p])) for p in cited]
    best = [b for b in best if b[1] >= 0]
    if not best:
        return _dropped(claim, "its passage has no text")
    best.sort(key=lambda b: -b[2])
    top_sim = best[0][2]
    # A cited passage counts when its best sentence is close on its own; the closest always does.
    used = [b for b in best if b is best[0] or b[2] >= min_similarity]
    support = " ".join(_window(passages[p], i) for p, i, _ in used)
    words = content_stems(claim.text)
    coverage = len(words & content_stems(support)) / len(words) if words else 0.0
    claim.similarity, claim.coverage = round(top_sim, 4), round(coverage, 4)
    claim.cited = tuple(p for p, _, _ in used)
    claim.spans = [Span(p, *passages[p].spans[i], round(s, 4)) for p, i, s in used]
    # Names and numbers are looked for around the supporting sentence, not anywhere in
    # the passage: an answer swapped for another name of the same paragraph is caught.
    missing = missing_facts(claim.text, support, " ".join(passages[p].text for p in claim.cited))
    asks = question if _WH_QUESTION.match(question) else ""
    given = _given(asks)
    missing = [m for m in missing if m.strip("“”") not in given]
    if not words:
        return _dropped(claim, "it says nothing checkable")
    if asks and not (words - content_stems(asks)) and not _NEGATION.search(claim.text):
        return _dropped(claim, "it only restates the question")
    if _ABOUT_SOURCES.search(claim.text):
        return _dropped(claim, "it is about the sources, not an answer")
    if missing:
        return _dropped(claim, "not in the cited text: " + ", ".join(missing[:3]))
    core = " ".join(passages[p].text[slice(*passages[p].spans[i])] for p, i, _ in used)
    # Only where the claim keeps the question's own wording around it: a name of the
    # question put where the answer should be ("announced on October 50" for "…Super
    # Bowl 50 announced?") is the swap this test catches.
    misplaced = misplaced_facts(claim.text, support, core, asks)
    if misplaced:
        return _dropped(claim, "said of something else in the cited text: " + ", ".join(misplaced[:3]))
    if top_sim < min_similarity:
        return _dropped(claim, f"too far from the cited text (similarity {top_sim:.2f})")
    if coverage < min_coverage or (len(words) <= SHORT_CLAIM and coverage < 1.0):
        return _dropped(claim, f"too few of its words in the cited text ({coverage:.0%})")
    claim.supported, claim.why = True, ""
    return claim


# A question that asks for something (rather than "Is it…?", "Does it…?"): only its
# framing can be taken as given.
_WH_QUESTION = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:who|whom|whose|what|which|when|where|why|how)\b", re.I)
_NEGATION = re.compile(r"\b(?:no|not|never|none|nothing|cannot|without)\b|n't\b", re.I)


def _given(question: str) -> set[str]:
    """The names, numbers and quoted strings of ``question``, and its runs of names
    ("super bowl"), spelled as missing_facts() and misplaced_facts() report them."""
    if not question:
        return set()
    numbers, names, quoted = facts(question)
    words = tokens(question)
    runs = {" ".join(words[a:b]) for a, b in fact_runs(question)}
    return numbers | names | quoted | runs


def _dropped(claim: Claim, why: str) -> Claim:
    claim.supported, claim.why = False, why
    return claim


def check(written: str, passages: list[Hit] | list[str], embed: Callable[[list[str]], np.ndarray],
          min_similarity: float = MIN_SIMILARITY, min_coverage: float = MIN_COVERAGE,
          question: str = "") -> list[Claim]:
    """Every sentence of ``written`` with its verdict. ``passages`` are what the model
    was shown, numbered [1]…[k] in this order (Hits or plain texts); ``embed`` turns
    texts into normalised vectors (the index's embedder); ``question`` is what was
    asked (see judge())."""
    texts = [p.text if isinstance(p, Hit) else p for p in passages]
    claims = [Claim(t, m) for t, m in split_claims(written)]
    if not claims:
        return []
    spans = [split_sentences(t) or ([(0, len(t))] if t.strip() else []) for t in texts]
    units = []  # per passage: (owner sentence, start, end) of sentences, then clauses
    for t, ss in zip(texts, spans):
        units.append([(i, a, b) for i, (a, b) in enumerate(ss)]
                     + [(i, ca, cb) for i, (a, b) in enumerate(ss) for ca, cb in clauses(t, a, b)])
    unit_texts = [t[a:b] for t, us in zip(texts, units) for _, a, b in us]
    vecs = np.asarray(embed([c.text for c in claims] + unit_texts), dtype=np.float32)
    claim_vecs, unit_vecs = vecs[: len(claims)], vecs[len(claims):]
    prepared, at = [], 0
    for t, ss, us in zip(texts, spans, units):
        prepared.append(_Passage(t, ss, [i for i, _, _ in us], unit_vecs[at: at + len(us)]))
        at += len(us)
    out = []
    for claim, vec in zip(claims, claim_vecs):
        valid = [m - 1 for m in claim.markers if 1 <= m <= len(texts)]
        if valid:
            out.append(judge(claim, vec, valid, prepared, min_similarity, min_coverage, question))
            continue
        # No usable marker: the passage that supports it best, if any does.
        tries = [judge(Claim(claim.text, claim.markers), vec, [p], prepared, min_similarity, min_coverage, question)
                 for p in range(len(texts))]
        kept = [c for c in tries if c.supported]
        if kept:
            best = max(kept, key=lambda c: c.similarity)
            best.attached = True
            out.append(best)
        else:
            why = "cites no passage that exists" if claim.markers else "carries no marker"
            closest = max(tries, key=lambda c: c.similarity) if tries else claim
            claim.similarity, claim.coverage = closest.similarity, closest.coverage
            detail = f" (closest: {closest.why})" if closest.why else ""
            out.append(_dropped(claim, f"{why}, and no passage supports it{detail}"))
    return out
