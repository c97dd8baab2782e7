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
from functools import lru_cache

import numpy as np

from index.answer.units import clauses, split_sentences
from index.lexical import question_stopwords
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


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry content (stop words and one-letter words out)."""
    stop = question_stopwords()
    words = [w.lower().strip("'’-") for w in _WORD.findall(text)]
    return set(_stemmer().stemWords([w for w in words if len(w) > 1 and w not in stop]))


def _common(word: str) -> bool:
    from wordfreq import zipf_frequency

    return word.lower() in question_stopwords() or zipf_frequency(word.lower(), "en") >= 3.0


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


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z][\w'’\-]*")
# How near (in words) a name or number must be, in the source, to one of the words
# next to it in the claim: a paraphrase reorders a little, a swapped name keeps its
# new neighbours. Three words of context in the claim and six in the source for a
# fact found beside the supporting sentence; two in the claim for one inside it (the
# swap is then between two facts of one sentence, and only the nearest words tell).
# Chosen on the first 200 questions of bench/checker.py (3/4, 3/6, 2/6 compared):
# same-paragraph swaps rejected 0.83, 0.81, 0.83 with paraphrases kept 0.93, 0.94, 0.94.
_NEAR_CLAIM, _NEAR_SOURCE = 3, 6
_CORE_CLAIM, _CORE_SOURCE = 2, 6


def _tokens(text: str) -> list[str]:
    return [re.sub(r"['’]s$", "", t).lower().replace(",", "") for t in _TOKEN.findall(text)]


def _fact_runs(text: str) -> list[tuple[int, int]]:
    """(first, last+1) token positions of each name (a run of capitalised words) and
    each number in ``text``; the first word only when it is not a common word."""
    raw = _TOKEN.findall(text)
    runs, i = [], 0
    while i < len(raw):
        t = raw[i]
        is_fact = t[0].isdigit() or (t[0].isupper() and not (i == 0 and _common(t)))
        if not is_fact:
            i += 1
            continue
        j = i + 1
        while not t[0].isdigit() and j < len(raw) and raw[j][0].isupper():
            j += 1
        runs.append((i, j))
        i = j
    return runs


def misplaced_facts(sentence: str, support: str, core: str = "", question: str = "") -> list[str]:
    """Names and numbers of ``sentence`` that are not in ``core`` (the supporting
    sentence) and that ``support`` (the text around it) holds, but nowhere near any
    of the words next to them in ``sentence``: the signature of a name or number
    swapped for another of the same passage ("quarterback X was named MVP" where X is
    the passage's coach). A name the sentence keeps beside a word it has beside it in
    ``question`` ("Tesla's secretary") is the question's framing, not a claim."""
    claim, source = _tokens(sentence), _tokens(support)
    asked = _tokens(question)
    asked_pairs = set(zip(asked, asked[1:]))
    in_core = set(_tokens(core))
    stop = question_stopwords()
    stem = _stemmer().stemWord
    source_stems = [stem(t) for t in source]
    core_stems = {stem(t) for t in in_core}
    runs = _fact_runs(sentence)
    in_run = {k: (a, b) for a, b in runs for k in range(a, b)}
    out = []
    said = [" ".join(claim[a:b]) for a, b in runs]
    flat = " " + " ".join(source) + " "
    for a, b in runs:
        name = " ".join(claim[a:b])
        if said.count(name) > 1 and flat.count(f" {name} ") < said.count(name):
            out.append(name)  # said twice where the source says it once: one of them replaced something
            continue
        if (a > 0 and (claim[a - 1], claim[a]) in asked_pairs) or (b < len(claim) and (claim[b - 1], claim[b]) in asked_pairs):
            continue
        # In the supporting sentence itself, a fact needs only its nearest words; elsewhere, a wider context.
        close = claim[a] in in_core
        reach_claim, reach_source = (_CORE_CLAIM, _CORE_SOURCE) if close else (_NEAR_CLAIM, _NEAR_SOURCE)
        if reach_claim == 0:
            continue
        # Context: the plain words around the name or number (other names and numbers
        # are checked on their own; as context they would tie a list's names together).
        near = {stem(claim[k]) for k in range(max(0, a - reach_claim), min(len(claim), b + reach_claim))
                if k not in in_run and claim[k] not in stop and len(claim[k]) > 1}
        # Only context the source can vouch for: words of the claim that come from
        # another sentence ("The Eiffel Tower was finished…" joins two) say nothing.
        near &= core_stems if close else set(source_stems)
        if not near:
            continue
        at = [i for i in range(len(source)) if source[i] == claim[a]]
        if not at:
            continue  # absent altogether: missing_facts() says so
        if not any(source_stems[k] in near for i in at
                   for k in range(max(0, i - reach_source), min(len(source), i + (b - a) + reach_source))
                   if not (i <= k < i + (b - a))):
            out.append(" ".join(claim[a:b]))
    return out


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
    tokens = _tokens(question)
    runs = {" ".join(tokens[a:b]) for a, b in _fact_runs(question)}
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
