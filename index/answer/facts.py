"""The checkable facts of a sentence (numbers, names, quoted strings) and whether a
supporting text holds them, in place: the part of the written-answer check (check.py)
that reads words rather than vectors. Pure functions of strings.
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.lexical import question_stopwords

WORD = re.compile(r"[A-Za-z0-9][\w'’\-]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTED = re.compile(r"[\"“”]([^\"“”\n]{2,}?)[\"“”]|`([^`\n]+)`")
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million "
    "billion trillion first second third fourth fifth sixth seventh eighth ninth tenth half twice".split()
)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry content (stop words and one-letter words out)."""
    stop = question_stopwords()
    words = [w.lower().strip("'’-") for w in WORD.findall(text)]
    return set(_stemmer().stemWords([w for w in words if len(w) > 1 and w not in stop]))


def _common(word: str) -> bool:
    from wordfreq import zipf_frequency

    return word.lower() in question_stopwords() or zipf_frequency(word.lower(), "en") >= 3.0


def facts(text: str) -> tuple[set[str], set[str], set[str]]:
    """The checkable facts of a sentence: numbers (digits, commas dropped, and number
    words), names (capitalised words; the first word only when it is not a common
    English word) and quoted strings."""
    numbers = {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}
    words = WORD.findall(text)
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
    s_words = {re.sub(r"['’]s$", "", w).lower() for w in WORD.findall(support)}
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


def tokens(text: str) -> list[str]:
    return [re.sub(r"['’]s$", "", t).lower().replace(",", "") for t in _TOKEN.findall(text)]


def fact_runs(text: str) -> list[tuple[int, int]]:
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
    claim, source = tokens(sentence), tokens(support)
    asked = tokens(question)
    asked_pairs = set(zip(asked, asked[1:]))
    in_core = set(tokens(core))
    stop = question_stopwords()
    stem = _stemmer().stemWord
    source_stems = [stem(t) for t in source]
    core_stems = {stem(t) for t in in_core}
    runs = fact_runs(sentence)
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
