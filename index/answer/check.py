"""Checking a written answer against the passages it cites, sentence by sentence.

A language model's sentence is kept only when it is *supported*: it cites a passage
that exists (or, carrying no marker, one passage supports it and it is attached to
that one), every number, name and quoted string in it appears in the cited text
around its best supporting sentence, and it is close to that text: embedding
similarity to the best cited sentence and the share of its content words found there
both clear thresholds fitted on SQuAD (bench/checker.py, bench/RESULTS.md).

Pure: plain strings, Hits and an ``embed`` function in, Claims out. What the check
cannot see: a wrong relation between words that are all in the source ("A beat B"
written as "B beat A"), a swap between two names or numbers of the same sentence,
and a claim that its sources imply nothing about but that shares their words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from index.answer.units import split_sentences
from index.search import Hit

# Fitted by bench/checker.py on SQuAD dev-a (the first half of the questions; the
# second half held out): the pair that rejects the most unfaithful sentences while
# keeping >= 0.90 of faithful ones. bench/RESULTS.md has the figures.
MIN_SIMILARITY = 0.60
MIN_COVERAGE = 0.75

# [1], [1, 2], [1][2], [Source 1], [passage 2]
_MARKER = re.compile(r"\[\s*(?:(?:source|passage|doc(?:ument)?)\s*)?(\d+(?:\s*[,;]\s*\d+)*)\s*\]", re.I)
_LEADING_MARKERS = re.compile(r"^(?:\s*" + _MARKER.pattern + r")+\s*[.,;:]?", re.I)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_PREAMBLE = re.compile(r"^\s*(?:answer|response)\s*:\s*", re.I)
_WORD = re.compile(r"[A-Za-z0-9][\w'’\-]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTED = re.compile(r"[\"“”]([^\"“”\n]{2,}?)[\"“”]|`([^`\n]+)`")
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million "
    "billion trillion first second third fourth fifth sixth seventh eighth ninth tenth half twice".split()
)


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
            if len(_WORD.findall(bare)) == 0:
                if out:
                    out[-1][1].extend(markers)
                continue
            out.append((bare, markers))
    return [(t, tuple(dict.fromkeys(m))) for t, m in out]


def _numbers_in(text: str) -> list[int]:
    return [int(n) for m in _MARKER.finditer(text) for n in re.split(r"\s*[,;]\s*", m.group(1))]


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS)


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry content (stop words and one-letter words out)."""
    stop = _stopwords()
    words = [w.lower().strip("'’-") for w in _WORD.findall(text)]
    return set(_stemmer().stemWords([w for w in words if len(w) > 1 and w not in stop]))


def _common(word: str) -> bool:
    from wordfreq import zipf_frequency

    return word.lower() in _stopwords() or zipf_frequency(word.lower(), "en") >= 3.0


def facts(text: str) -> tuple[set[str], set[str], set[str]]:
    """The checkable facts of a sentence: numbers (digits, commas dropped, and number
    words), names (capitalised words; the first word only when it is not a common
    English word) and quoted strings."""
    numbers = {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}
    words = _WORD.findall(text)
    numbers |= {w.lower() for w in words if w.lower() in _NUMBER_WORDS}
    names = set()
    for i, w in enumerate(words):
        w = re.sub(r"['’]s$", "", w)
        if not w[:1].isupper() or w.lower() in _NUMBER_WORDS:
            continue
        if i == 0 and _common(w):
            continue
        names.add(w.lower())
    quoted = {" ".join((a or b).split()).lower() for a, b in _QUOTED.findall(text)}
    return numbers, names, quoted


def missing_facts(sentence: str, support: str, whole: str | None = None) -> list[str]:
    """The facts of ``sentence`` that ``support`` does not hold; quoted strings may
    also be anywhere in ``whole`` (the cited passages), as a quote can span sentences."""
    numbers, names, quoted = facts(sentence)
    s_numbers, s_names, _ = facts(support)
    s_words = {re.sub(r"['’]s$", "", w).lower() for w in _WORD.findall(support)}
    flat = " ".join((whole or support).split()).lower()
    missing = [n for n in sorted(numbers) if n not in s_numbers]
    missing += [n for n in sorted(names) if n not in s_words and n not in s_names]
    missing += [f"“{q}”" for q in sorted(quoted) if q not in flat]
    return missing


@dataclass
class _Passage:
    text: str
    spans: list[tuple[int, int]]
    vectors: np.ndarray


def _support(claim_vec: np.ndarray, passage: _Passage) -> tuple[int, float]:
    """Index and similarity of the passage's sentence closest to the claim."""
    if not passage.spans:
        return -1, -1.0
    sims = passage.vectors @ claim_vec
    i = int(np.argmax(sims))
    return i, float(sims[i])


def _window(passage: _Passage, i: int) -> str:
    """The best sentence with its neighbours: a written sentence often joins a
    sentence and the one that names its subject."""
    a = passage.spans[max(0, i - 1)][0]
    b = passage.spans[min(len(passage.spans) - 1, i + 1)][1]
    return passage.text[a:b]


def judge(claim: Claim, claim_vec: np.ndarray, cited: Sequence[int], passages: list[_Passage],
          min_similarity: float = MIN_SIMILARITY, min_coverage: float = MIN_COVERAGE) -> Claim:
    """The verdict on ``claim`` read against the passages ``cited`` (0-based)."""
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
    if not words:
        return _dropped(claim, "it says nothing checkable")
    if missing:
        return _dropped(claim, "not in the cited text: " + ", ".join(missing[:3]))
    if top_sim < min_similarity:
        return _dropped(claim, f"too far from the cited text (similarity {top_sim:.2f})")
    if coverage < min_coverage:
        return _dropped(claim, f"too few of its words in the cited text ({coverage:.0%})")
    claim.supported, claim.why = True, ""
    return claim


def _dropped(claim: Claim, why: str) -> Claim:
    claim.supported, claim.why = False, why
    return claim


def check(written: str, passages: list[Hit] | list[str], embed: Callable[[list[str]], np.ndarray],
          min_similarity: float = MIN_SIMILARITY, min_coverage: float = MIN_COVERAGE) -> list[Claim]:
    """Every sentence of ``written`` with its verdict. ``passages`` are what the model
    was shown, numbered [1]…[k] in this order (Hits or plain texts); ``embed`` turns
    texts into normalised vectors (the index's embedder)."""
    texts = [p.text if isinstance(p, Hit) else p for p in passages]
    claims = [Claim(t, m) for t, m in split_claims(written)]
    if not claims:
        return []
    spans = [split_sentences(t) or ([(0, len(t))] if t.strip() else []) for t in texts]
    all_sentences = [t[a:b] for t, ss in zip(texts, spans) for a, b in ss]
    vecs = np.asarray(embed([c.text for c in claims] + all_sentences), dtype=np.float32)
    claim_vecs, sent_vecs = vecs[: len(claims)], vecs[len(claims):]
    prepared, at = [], 0
    for t, ss in zip(texts, spans):
        prepared.append(_Passage(t, ss, sent_vecs[at: at + len(ss)]))
        at += len(ss)
    out = []
    for claim, vec in zip(claims, claim_vecs):
        valid = [m - 1 for m in claim.markers if 1 <= m <= len(texts)]
        if valid:
            out.append(judge(claim, vec, valid, prepared, min_similarity, min_coverage))
            continue
        # No usable marker: the passage that supports it best, if any does.
        tries = [judge(Claim(claim.text, claim.markers), vec, [p], prepared, min_similarity, min_coverage)
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
            out.append(_dropped(claim, f"{why}, and no passage supports it"))
    return out
