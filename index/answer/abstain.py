"""Whether the sources answer a question: a decision from several pieces of evidence.

One cosine is not enough: a near-domain question ("does it support GraphQL?") sits as
close to the docs as an answerable one. So the decision also reads the question's
words against the corpus: how much of their weight (IDF, by the corpus's own BM25
statistics) the best passage holds, how much the corpus holds at all, and whether a
word is missing from the corpus that is also rare in general English (wordfreq's
frequencies). Absence of an everyday word ("tweak") is weak evidence; absence of a
rare one ("GraphQL") is strong. A logistic regression weighs the features; its
weights were fitted by bench/fit_abstain.py (see WEIGHTS).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from index.answer.asker import CODE_EXAMPLE, example_texts, told
from index.lexical import LONG_OPTION, WORD

# A word absent from the corpus counts as rare when its Zipf frequency in English is
# below this (wordfreq: 3 = once per million words; "tweak" 3.3, "garbled" 2.6,
# "GraphQL" 1.7, "gRPC" 1.2).
RARE_ZIPF = 3.0


@dataclass
class Evidence:
    passage_sim: float  # best passage's cosine to the question
    unit_sim: float  # best answer unit's (or its clause's) cosine to the question
    passage_coverage: float  # share of the question's IDF weight held by the passage holding most of it
    corpus_coverage: float  # share of the question's IDF weight found anywhere in the sources
    absent_rare: float  # 1 when a question word rare in English is absent from the sources
    missing: str | None = None  # that word, as the question spells it

    def vector(self) -> np.ndarray:
        return np.array([self.passage_sim, self.unit_sim, self.passage_coverage, self.corpus_coverage,
                         self.absent_rare], dtype=np.float64)


# Logistic regression over Evidence.vector(), P(the sources answer). Fitted by
# `python bench/fit_abstain.py` on the thirty-two dev sets (bench/data/devsets) and
# SQuAD dev-a on/off-topic pairs (every 8th question), each set weighing the same;
# figures, also with each set held out, in bench/RESULTS.md (round 29). The threshold
# on P is the setting min_confidence (0.27: the highest with mean false abstention
# <= 0.033 over the dev sets, as the model before it had). Given the best unit's
# cosine, the best passage's adds nothing: its small negative weight is collinear
# noise, kept because the fit without it declined one seed question more.
WEIGHTS = np.array([-0.327, 6.947, 2.090, 4.507, -1.701])
BIAS = -8.159


def question_terms(question: str, stemmer, stopwords: frozenset[str]) -> list[tuple[str, str]]:
    """(word as written, stem) of the question's content words, as BM25 tokenizes them."""
    out, seen = [], set()
    for m in WORD.finditer(question):
        w = m.group(0)
        low = w.lower()
        if low in stopwords:
            continue
        stem = stemmer.stemWord(low)
        if stem not in seen:
            seen.add(stem)
            out.append((w, stem))
    return out


# Besides the spans asker.example_texts finds, an environment variable or constant
# ("DJANGO_SETTINGS_MODULE", "API_URL") and a placeholder name ("mytool", "myscript")
# are the asker's own (figures with asker._OWNED).
_CONSTANT = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_PLACEHOLDER = re.compile(r"^my_?([a-z]{3,})$")
# A quantity is the asker's value ("all the tests in one file need 30s", "500kb"), as a
# number is (round 10: Jest's false abstention 0.033 -> 0.029, nothing else moved), and
# so is a percentile's shorthand ("p95 latency per job": docs write "0.95 quantile";
# Prometheus declined it, "The sources don't mention p95.").
_QUANTITY = re.compile(r"^(?:\d+(?:\.\d+)?[a-zA-Z]{1,3}|[pP]\d{2}(?:\.\d+)?)$")


def _example_spans(question: str) -> set[str]:
    """The words of ``question`` that are the asker's own, not evidence of absence."""
    words = {w for s in example_texts(question) for w in WORD.findall(s)}
    for w in WORD.findall(question):
        placeholder = _PLACEHOLDER.match(w)
        if _CONSTANT.match(w) or _QUANTITY.match(w) or (placeholder and _zipf(placeholder.group(1)) >= 3.5):
            words.add(w)
    return words


def _setting_words(question: str, stopwords: frozenset[str] = frozenset()) -> set[str]:
    """Words of the question's parts that ask nothing (asker.told)."""
    setting = told(question, stopwords)
    return {w for p in setting.parts for w in WORD.findall(p)} - setting.said


# A name with a version ("WSL2", "python3", "HTTP2") is the name the sources use, and a
# version tag ("v5", "v2.1": "socks4 or v5?") is a number.
_VERSIONED = re.compile(r"^([a-z]{3,})[0-9]+$")
_VERSION_TAG = re.compile(r"^[vV]\d+(?:\.\d+)*$")


# A word written as a name inside a sentence ("the Zed editor", "Eclipse", "LaTeX",
# "JavaScript") names a thing: its frequency as an English word ("eclipse" 3.6, "zed"
# 3.1) says nothing about whether docs that never mention it cover it, so its absence
# counts as a rare word's. Not an acronym ("DB", "PR", "RAM" are everyday shorthand:
# counted as names, they declined 4 answerable dev-set questions), not a sentence's
# first word, not inside a code example ("`--name Bob`"). Measured: 4 more near-domain
# questions declined on Poetry and Prettier, no answerable one lost on the seven dev
# sets; SQuAD dev-a off-topic declined 0.978 -> 0.981, on-topic declined 0.016 -> 0.018
# (10 of 5,696 questions name a place or person their paragraph never does).
_NAME = re.compile(r"^[A-Z][a-z]+(?:[A-Z]\w*)?$")


def _names(question: str) -> set[str]:
    """Words the question writes as names (see _NAME), lower-cased."""
    text = CODE_EXAMPLE.sub(" ", question)
    return {m.group(0).lower() for m in WORD.finditer(text)
            if _NAME.match(m.group(0)) and text[: m.start()].rstrip()[-1:] not in ("", ".", "?", "!", ":", '"', "'", "(")}


def _zipf(word: str, inflected: bool = True) -> float:
    """How common ``word`` is in English, as its word: an inflected form is rarer than
    the word it inflects ("mutes" 2.5, "mute" 3.7; "riskier" 2.7, "risky" 3.9), and the
    asker who writes it uses an everyday word. wordfreq has no lemmatizer, so the
    regular inflections are undone by hand; "-er" is left alone, as it makes names
    ("docker" is not "dock"), and so is an acronym (``inflected`` False: "CORS" is no
    plural of "cor")."""
    from wordfreq import zipf_frequency  # ~0.15 s on first use; only when a word is absent

    return max(zipf_frequency(w, "en") for w in (_bases(word) if inflected else {word}))


def _bases(word: str) -> set[str]:
    out = {word}
    for suffix, ends in (("ies", ("y",)), ("ied", ("y",)), ("ier", ("y",)), ("iest", ("y",)), ("es", ("",)),
                         ("s", ("",)), ("ed", ("", "e")), ("ing", ("", "e"))):
        if word.endswith(suffix) and not (suffix == "s" and word.endswith(("ss", "us", "is"))):
            base = word[: -len(suffix)]
            out.update(base + e for e in ends)
            if len(base) > 3 and base[-1] == base[-2]:  # "dropped", "running"
                out.add(base[:-1])
    return {w for w in out if len(w) >= 3} | {word}


# A question word the passages lack may still be there in other spelling or as a
# synonym ("colour" for "color", "organisation", "firms" for "companies"): it counts as
# held when a word of the passage sits at least this close to it (MiniLM's cosine of
# the two words alone). At 0.85 only those pass: "folder"/"directory" (0.80),
# "whole"/"entire" (0.80) and "ssl"/"https" (0.81) do not, and at 0.75 the last two
# turned two MkDocs near-domain questions into confident answers.
# Measured on the four dev sets and SQuAD dev-a (bench/fit_abstain.py, shipped
# weights): no dev-set figure moves, SQuAD false abstention 0.036 -> 0.034, and the
# seed's "What kind of equipment do the two firms make?" is answered.
SYNONYM = 0.85
_DIGIT = re.compile(r"\d")


def synonyms_held(words: list[str], passage_texts: list[str], word_vectors, stopwords: frozenset[str]) -> list[set[str]]:
    """For each passage, which of ``words`` it holds as a near-synonym (see SYNONYM).
    Words with digits are left out on both sides: to MiniLM, 2019 is 0.86 from 2018 and
    "tls13" from "tls12", but a year or a version is not another's synonym."""
    words = [w for w in words if not _DIGIT.search(w)]
    if not words:
        return [set() for _ in passage_texts]
    vocab = [sorted({w.lower() for w in WORD.findall(t) if not _DIGIT.search(w)} - stopwords) for t in passage_texts]
    everything = sorted(set().union(*vocab))
    if not everything:
        return [set() for _ in passage_texts]
    sims = word_vectors([w.lower() for w in words]) @ word_vectors(everything).T
    at = {w: i for i, w in enumerate(everything)}
    return [{w for w, row in zip(words, sims) if v and row[[at[x] for x in v]].max() >= SYNONYM} for v in vocab]


def _written_apart(word: str, passage_texts: list[str]) -> bool:
    """Do the passages read write ``word`` as two words ("quickstart" as "Quick Start",
    "keepalive" as "keep-alive")? Then the sources use it. A product's name is often two
    words joined ("Flask-Login"), as is one written as a name ("HTTPRoute" is not "HTTP
    route"): only a word in lower case counts."""
    halves = _halves(word)
    if not halves:
        return False
    pattern = re.compile(r"\b(?:" + "|".join(f"{a}[ \t-]{b}" for a, b in halves) + r")\b", re.I)
    return any(pattern.search(t) for t in passage_texts)


def _halves(word: str) -> list[tuple[str, str]]:
    """The ways to cut ``word`` (lower case, letters only, 6 to 30 of them) into two
    words of three letters or more; none for another word."""
    w = word.lower()
    if not 6 <= len(w) <= 30 or not w.isalpha() or w != word:
        return []
    return [(w[:i], w[i:]) for i in range(3, len(w) - 2)]


# Found on DRF's, uvicorn's and fzf's docs: the sources write the word as two
# ("drop-down", "color scheme", "keep-alive") in a passage other than those read, so
# the stored text is searched too, with one regular expression: the two halves as
# words (a capital where a sentence or a header starts them), joined by a space or a
# hyphen, the second maybe inflected ("color schemes", "monkey-patched"). Not "d"
# alone: "fire based" is no "firebase". Looked for only once the word would be named
# missing, so a question costs the store one such search at most.
def _stored_apart(word: str, matches) -> bool:
    halves = _halves(word)
    if not halves:
        return False
    cased = lambda h: f"[{h[0].upper()}{h[0]}]{h[1:]}"  # noqa: E731
    joined = "|".join(f"{cased(a)}[ -]{cased(b)}" for a, b in halves)
    return matches(rf"\b(?:{joined})(?:s|es|ed|ing)?\b")


def _spelled_out(word: str, passage_texts: list[str], stopwords: frozenset[str]) -> bool:
    """Do the passages read spell out ``word``, an acronym ("TLD", "TLDs": "top-level
    domain", curl's cookie guide)? Words that are not stop words, one per letter; an
    acronym of two letters is too easily spelled by chance."""
    word = word[:-1] if word.endswith("s") else word
    if not (3 <= len(word) <= 6 and word.isalpha() and word.isupper()):
        return False
    pattern = re.compile(r"[\s-]+".join(rf"\b{c}\w+" for c in word.lower()) + r"\b", re.I)
    return any(all(w.lower() not in stopwords for w in re.split(r"[\s-]+", m.group(0)))
               for t in passage_texts for m in pattern.finditer(t))


def gather(question: str, lexical, passage_texts: list[str], passage_sim: float, unit_sim: float,
           word_vectors=None, matches=None) -> Evidence:
    """The evidence for ``question`` given the passages read (each with its header).
    ``word_vectors`` (words -> unit vectors) lets a synonym in a passage count;
    ``matches`` (a regular expression -> whether a stored chunk's text matches it)
    looks for what the passages read may not show: a word written as two, an option."""
    terms = question_terms(question, lexical.stemmer, lexical.stopwords)
    if not terms:
        return Evidence(passage_sim, unit_sim, 0.0, 0.0, 0.0)
    n_docs = max(lexical.num_docs, 1)
    dfs = lexical.doc_freqs([s for _, s in terms])
    held = [lexical.stems(t) for t in passage_texts]
    # A name given without its prefix stands for the names it ends (LexicalIndex.names_ending).
    for s in [s for s, df in dfs.items() if not df]:
        names = lexical.names_ending(s)
        if names:
            dfs[s] = max(lexical.doc_freqs(names).values())
            for h in held:
                if h.intersection(names):
                    h.add(s)
    if word_vectors is not None:
        lacking = [w for w, s in terms if not any(s in h for h in held)]
        stem = {w: s for w, s in terms}
        for h, similar in zip(held, synonyms_held(lacking, passage_texts, word_vectors, lexical.stopwords)):
            h.update(stem[w] for w in similar)
    anywhere = set().union(*held) if held else set()
    idf = _weights(terms, dfs, anywhere, n_docs)
    total = sum(idf.values()) or 1.0
    in_corpus = sum(idf[s] for s, df in dfs.items() if df > 0 or s in anywhere) / total
    # The passage holding most of the question's weight: the best by this measure may
    # not be the best by similarity.
    in_passage = max((sum(idf[s] for _, s in terms if s in h) / total for h in held), default=0.0)
    missing, rarest = None, None
    examples = _example_spans(question) | _setting_words(question, lexical.stopwords)
    names = _names(question)
    for w, s in terms:
        if w in examples or w.isdigit() or _VERSION_TAG.match(w):
            continue
        versioned = _VERSIONED.match(s)
        if versioned:
            name = lexical.stemmer.stemWord(versioned.group(1))
            if lexical.doc_freqs([name])[name] > 0:
                continue
        # A short form of a word the sources use ("env" for "environment", "vars") is
        # not absent. An acronym is not inflected, so it is matched as written: "CORS"
        # stems to "cor", which "correct" starts; "cors" starts nothing.
        acronym = w.isupper() and not question.isupper()
        short = w.lower() if acronym else s
        if (dfs[s] == 0 and s not in anywhere and not (len(short) >= 3 and lexical.has_prefix(short))
                and not lexical.derives(w.lower(), named=w.lower() in names or acronym) and not lexical.has_folded(s)
                and not _written_apart(w, passage_texts) and (question.isupper() or not _spelled_out(w, passage_texts, lexical.stopwords))):
            z = 0.0 if w.lower() in names else _zipf(w.lower(), inflected=not acronym)
            if (z < RARE_ZIPF and (rarest is None or z < rarest) and not _lemma_held(w, lexical)
                    and not (matches is not None and _stored_apart(w, matches))):
                missing, rarest = w, z
    if missing is None and matches is not None:
        missing = _absent_option(question, passage_texts, matches, lexical.stopwords)
    return Evidence(passage_sim, unit_sim, in_passage, in_corpus, 1.0 if missing else 0.0, missing)


# An option the question names ("like --select-1?", "with --listen") that the sources
# never write is one they do not document, however common its words are ("select",
# "listen" are in fzf's docs): BM25's words cannot tell, so the whole option is looked
# for in the stored text, as a whole ("--exit" is not "--exit-0"). Not one the asker
# gives as an example or tells as their setting ("I use --select-1 in my scripts."),
# unless they ask about it too. Found on fzf; near-domain declined there 0.33 -> 0.50,
# Compose, Redis, uvicorn +1 question each; no answerable question lost on 41 sets.
def _absent_option(question: str, passage_texts: list[str], matches, stopwords: frozenset[str]) -> str | None:
    """The first option ``question`` names that the sources never write, if any."""
    options = LONG_OPTION.findall(question)
    if not options:
        return None
    setting = told(question, stopwords)
    theirs = example_texts(question) + setting.parts
    for option in options:
        # One pattern for the passages and the store: Chroma's $regex (Rust's syntax) has
        # no lookaround, so the edges are matched, not looked at.
        pattern = rf"(?:^|[^\w-]){re.escape(option)}(?:[^\w-]|$)"
        whole = re.compile(pattern)
        if any(whole.search(t) for t in passage_texts):
            continue
        if any(whole.search(t) for t in theirs) and not any(whole.search(t) for t in setting.asking):
            continue
        if not matches(pattern):
            return option
    return None


def _lemma_held(word: str, lexical) -> bool:
    """Is ``word`` an irregular form of a word the sources use ("overrode" of "override",
    "rewrote" of "rewrite"), or the sources an irregular form of it ("parentheses" of
    "parenthesis", ripgrep's guide)? Their stems never meet, so the word read as absent,
    and as rare (Zipf 2.3) it was taken for the subject the sources lack (Gunicorn's and
    tox's "I overrode …" questions were declined). lemminflect's English tables hold the
    irregular forms; loaded (~0.2 s) only for a word about to be named missing."""
    from lemminflect import getAllInflections, getAllLemmas

    own = lexical.stemmer.stemWord(word.lower())
    lemmas = {lemma for found in getAllLemmas(word.lower()).values() for lemma in found}
    forms = lemmas | {form for lemma in lemmas for found in getAllInflections(lemma).values() for form in found}
    stems = {lexical.stemmer.stemWord(form.lower()) for form in forms} - {own}
    return any(df > 0 for df in lexical.doc_freqs(sorted(stems)).values())


# A small corpus says little about how telling a word is: in the seed article (two
# chunks) a word in both chunks has an IDF near 0 and a word in neither the most, so
# "roughly how big is the UNGC membership" held 8 % of its weight. Below PRIOR_UNTIL
# chunks, the corpus's IDF is blended with one from English (wordfreq: 7.5 - Zipf, at
# least 0.5), the corpus weighing n / (n + PRIOR_CHUNKS). Above it the corpus's share
# is over 0.9, and the blend is left out: it moved no dev-set figure there (fitted
# with the blend up to 490 chunks; cut at 100, one more near-domain question declined),
# and it costs a cold ask ~0.2 s, wordfreq's list being read for every question.
PRIOR_CHUNKS = 10
PRIOR_UNTIL = 100
# A word the sources lack that is everyday English ("move", "stored", "roughly") is
# the asker's wording, not the subject: its weight shrinks from whole at Zipf 3.5 to a
# tenth at Zipf 5 ("tweak" 3.3 keeps it all, "membership" 4.5 keeps 0.4). Rare absent
# words stay whole, and absent_rare counts them besides. Both measured with the model
# refitted (bench/RESULTS.md, round 29): the seed's false abstention on forty questions
# a helper wrote 0.375 -> 0; each dev set held out in turn, near-domain declined 0.576
# -> 0.594 at the same mean false abstention (0.033).
COMMON_FROM, COMMON_TO, COMMON_FLOOR = 3.5, 5.0, 0.1


def _weights(terms: list[tuple[str, str]], dfs: dict[str, int], anywhere: set[str], n_docs: int) -> dict[str, float]:
    """Each question stem's weight: its IDF in the corpus (an absent word weighs as a
    word seen once), blended with English's in a small corpus, shrunk for an everyday
    word the sources lack."""
    corpus = n_docs / (n_docs + PRIOR_CHUNKS) if n_docs < PRIOR_UNTIL else 1.0
    out = {}
    for w, s in terms:
        df = max(dfs[s], 1)
        v = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        absent = dfs[s] == 0 and s not in anywhere
        z = _zipf(w.lower()) if corpus < 1.0 or absent else None  # wordfreq only when needed
        if corpus < 1.0:
            v = corpus * v + (1 - corpus) * max(0.5, 7.5 - z)
        if absent and z >= COMMON_FROM:
            v *= max(COMMON_FLOOR, 1 - (z - COMMON_FROM) / (COMMON_TO - COMMON_FROM) * (1 - COMMON_FLOOR))
        out[s] = v
    return out


def p_answerable(ev: Evidence, weights: np.ndarray = WEIGHTS, bias: float = BIAS) -> float:
    return float(1.0 / (1.0 + math.exp(-(ev.vector() @ weights + bias))))


# A question naming something rare in English that the sources never mention ("LDAP",
# "HTTPRoute", "JupyterLab") is answered only on stronger evidence: the bar on P is
# raised by this much. Measured on the fourteen dev sets (bench/RESULTS.md, round 11):
# of the questions with such a word and P between 0.35 and 0.45, 4 were near-domain
# questions the docs don't answer and 3 answerable ones, 2 of those answered wrong
# (with the model of then; the refit of round 29 chose its threshold with this margin).
ABSENT_MARGIN = 0.10


# No unit this far from the question answers it, whatever words they share: the
# regression is linear, and a passage holding the question's everyday words ("what is
# the capital of australia?" against requests' docs: cosine 0.21, coverage 0.89) made
# up for it. In the evidence bench/fit_abstain.py gathered (thirty-two docs sets and
# SQuAD pairs), the lowest answerable question's best unit was at 0.243; below 0.22
# were 203 docs off-topic questions and 217 SQuAD off-article ones. On the forty-one
# sets, no answerable question was lost to it. It holds at any CITED_MIN_CONFIDENCE
# but 0, which never declines.
MIN_UNIT_SIM = 0.22


def declines(ev: Evidence, min_confidence: float) -> bool:
    """Does the evidence give the sources too little chance of answering? A
    ``min_confidence`` of 0 never declines (bench/fit_abstain.py gathers evidence so)."""
    if min_confidence <= 0:
        return False
    margin = ABSENT_MARGIN if ev.absent_rare else 0.0
    return ev.unit_sim < MIN_UNIT_SIM or p_answerable(ev) < min_confidence + margin

