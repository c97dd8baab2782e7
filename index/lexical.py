"""BM25 over the live chunks (bm25s, Snowball-stemmed, English stop words).

The lexical index is a cache derived from the Chroma collection: it is saved next to
the store with the store's generation, its chunk count and a digest of its chunk ids,
and rebuilt from the collection whenever the generation differs or (sync checks) the
ids do not match the live chunks. That keeps it consistent with Chroma across processes and after
crashes without a second source of truth.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np


log = logging.getLogger(__name__)

# BM25 parameters: k1=0.9, b=0.4 (Anserini's BEIR defaults) won a grid on SciFact
# *train* (k1 0.9/1.2/1.5 x b 0.4/0.75/0.9): fused nDCG@10 0.739 against 0.729 for
# bm25s' default 1.5/0.75 (bench/RESULTS.md). Short passages favour a weak length norm.
K1, B = 0.9, 0.4


def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def question_stopwords() -> frozenset[str]:
    """bm25s' longer English list: it also drops question words (who, how, does),
    which say nothing about what a passage covers. Used on the question side (answer
    scoring, abstention); BM25 itself indexes with bm25s' short list."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS)


# Tokens: bm25s' default words of two or more characters, and a short option ("-S",
# "-k"), its case kept: CLI docs answer "what does -C do?" under a heading "-C,
# --skip-magic-trailing-comma" (and "-c, --code" is another option), and with
# one-letter tokens dropped the question had nothing to find it by. The version is
# saved with the cache: another tokenizer's cache is rebuilt, not read with this one's
# queries.
_SHORT_OPTION = re.compile(r"(?<![\w-])-\w\b")
TOKEN_PATTERN = rf"(?u){_SHORT_OPTION.pattern}|\b\w\w+\b"
TOKENIZER = "words+short-options-cased"
# A word as bm25s' default pattern finds one (without the short options): the question
# side's words (index.answer.abstain, index.answer.asker).
WORD = re.compile(r"(?u)\b\w\w+\b")
# A long option as CLI docs and their askers write one: "--select-1", "--no-trunc".
LONG_OPTION = re.compile(r"(?<![\w-])--[A-Za-z][\w-]*[A-Za-z0-9]")


def _lower(text: str) -> str:
    """``text`` in lower case but for its short options."""
    parts, at = [], 0
    for m in _SHORT_OPTION.finditer(text):
        parts += [text[at : m.start()].lower(), m.group(0)]
        at = m.end()
    return "".join(parts) + text[at:].lower()


def tokenize(texts: list[str], stemmer) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize([_lower(t) for t in texts], lower=False, stopwords="en", stemmer=stemmer,
                          return_ids=False, show_progress=False, token_pattern=TOKEN_PATTERN)


# At most this many of the identifiers a question's partial name ends are searched for
# it, the most used first: a short ending ("_key") ends dozens, and the question would
# be drowned in them.
NAMES_ENDING = 3


# A question word derived from a source's word is not absent from the sources (see
# LexicalIndex.derives). On the Click dev set, 4 of its 11 false abstentions were such
# words ("countable", "cleanest", "reinstalling", "nonzero"); no near-domain question
# of the seven dev sets lost its decline. A people's or a place's adjective is derived
# from its name too ("Saharan", "Californian": 7 SQuAD dev-a questions).
DERIVED_MIN = 4
_SUFFIXES = frozenset("able ably ible ibly est er ers ing ings ed ly ness less ful fully ation ations ize ized "
                      "izes ise ised ment ments ity ive ively s es n an ian".split())
# Round 10: "sub", "auto", "multi", "mono", "post", "super", "inter" too ("subfolder",
# "autocomplete", "monorepo", "subpath": Vite's false abstention 0.035 -> 0.021,
# Poetry's 0.025 -> 0.017, Prettier's 0.024 -> 0.018, Cargo's 0.032 -> 0.026; no
# near-domain decline lost on the thirteen dev sets; SQuAD dev-a off-topic declined
# 0.981 at 0.034 false abstention, as before).
# Round 33: "de" and "dis", which undo ("decompress" where Docker's docs write "compressed").
# After a prefix, a word of three letters is enough ("rerun", "unset", "subnet"; curl,
# crewAI, ESLint, Gunicorn +1 question each), but not in a name: "React" is no "re" +
# "act" (a Jekyll near-domain question answered when it was).
PREFIXED_MIN = 3
_PREFIXES = ("re", "un", "non", "pre", "sub", "auto", "multi", "mono", "post", "super", "inter", "de", "dis")


@dataclass
class LexicalIndex:
    ids: list[str]
    generation: str
    _bm25: object | None
    _stemmer: object

    @classmethod
    def build(cls, ids: list[str], texts: list[str], generation: str) -> "LexicalIndex":
        import bm25s

        stemmer = _stemmer()
        bm25 = None
        if ids:
            bm25 = bm25s.BM25(k1=K1, b=B)
            bm25.index(tokenize(texts, stemmer), show_progress=False)
        return cls(list(ids), generation, bm25, stemmer)

    def search(self, query: str, k: int, keys: set[str] | None = None) -> list[tuple[str, float]]:
        """The ``k`` best chunks; with ``keys``, only chunks of those files (store.path_key)."""
        if self._bm25 is None or not self.ids:
            return []
        tokens = tokenize([query], self._stemmer)
        if not tokens[0]:
            return []
        vocab = self._bm25.vocab_dict
        searched = []
        for t in tokens[0]:
            searched += [t] if t in vocab else self.names_ending(t)[:NAMES_ENDING] or [t]
        tokens[0] = searched
        # get_scores + argpartition: bm25s' retrieve() adds ~4 ms of per-call set-up,
        # which was a fifth of a warm query; the scores are the same.
        scores = self._bm25.get_scores(tokens[0])
        if keys is not None:
            scores = np.where(np.isin(self._file_keys, list(keys)), scores, 0.0)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[int(d)], float(scores[d])) for d in top if scores[d] > 0]

    # -- corpus statistics, for the abstention decision -----------------------------
    @property
    def stemmer(self):
        return self._stemmer

    @property
    def stopwords(self) -> frozenset[str]:
        return question_stopwords()

    @property
    def num_docs(self) -> int:
        return len(self.ids)

    def doc_freqs(self, stems: list[str]) -> dict[str, int]:
        """How many chunks hold each stem (0 for stems the corpus never uses)."""
        if self._bm25 is None:
            return {s: 0 for s in stems}
        vocab = self._bm25.vocab_dict
        indptr = self._bm25.scores["indptr"]
        return {s: int(indptr[vocab[s] + 1] - indptr[vocab[s]]) if s in vocab else 0 for s in stems}

    @cached_property
    def _sorted_vocab(self) -> list[str]:
        return sorted(self._bm25.vocab_dict) if self._bm25 is not None else []

    def has_prefix(self, stem: str) -> bool:
        """Is ``stem`` a short form of an indexed stem ("env" of "environ")? Not when
        one more letter makes it a word of its own: "quic" + "k" is "quick", so
        "quickstart" does not make "QUIC" a word the sources use."""
        import bisect

        vocab = self._sorted_vocab

        def indexed(word: str) -> bool:
            at = bisect.bisect_left(vocab, word)
            return at < len(vocab) and vocab[at] == word

        at = bisect.bisect_left(vocab, stem)
        while at < len(vocab) and vocab[at].startswith(stem):
            w = vocab[at]
            if len(w) > len(stem) + 1 and not indexed(w[: len(stem) + 1]):
                return True
            at += 1
        return False

    @cached_property
    def _folded_vocab(self) -> frozenset[str]:
        # The stems of the accented words' plain spellings: "beyoncé" is indexed as it
        # is, and "beyonce" stems to "beyonc".
        vocab = self._bm25.vocab_dict if self._bm25 is not None else {}
        return frozenset(self._stemmer.stemWord(fold(w)) for w in vocab if not w.isascii())

    @cached_property
    def _reversed_names(self) -> list[str]:
        vocab = self._bm25.vocab_dict if self._bm25 is not None else {}
        return sorted(w[::-1] for w in vocab if "_" in w)

    def names_ending(self, stem: str) -> list[str]:
        """The indexed identifiers that ``stem``, an identifier itself, ends, the most
        used first: askers leave out a name's prefix ("emu_group_mapping" for the
        Terraform GitHub provider's "github_emu_group_mapping"), and BM25 matches
        whole tokens."""
        import bisect

        if "_" not in stem.strip("_"):
            return []
        key, names = ("_" + stem)[::-1], self._reversed_names
        at, out = bisect.bisect_left(names, key), []
        while at < len(names) and names[at].startswith(key):
            out.append(names[at][::-1])
            at += 1
        used = self.doc_freqs(out)
        return sorted(out, key=lambda n: -used[n])

    def has_folded(self, stem: str) -> bool:
        """Is ``stem`` the stem of an indexed word written without its accents
        ("beyonce" of "Beyoncé", "gospic" of "Gospić")? Askers often type names so."""
        return stem in self._folded_vocab

    def derives(self, word: str, named: bool = False) -> bool:
        """Is ``word`` (lower case) derived from a word the sources use? Either it is an
        indexed stem of at least DERIVED_MIN letters followed by a suffix ("count" +
        "able", "clean" + "est", which Snowball leaves whole; "graph" + "ql" is no
        such word), or a stem of at least PREFIXED_MIN letters after a prefix that
        repeats, negates or undoes ("reinstalling", "rerun", "nonzero", "decompress");
        after one, a ``named`` word (the asker writes it as a name) needs DERIVED_MIN.
        """
        if self._bm25 is None:
            return False
        vocab = self._bm25.vocab_dict
        for n in range(len(word) - 1, DERIVED_MIN - 1, -1):
            if word[n:] in _SUFFIXES and (word[:n] in vocab or self._stemmer.stemWord(word[:n]) in vocab):
                return True
        for prefix in _PREFIXES:
            rest = word[len(prefix):].lstrip("-")
            if word.startswith(prefix) and len(rest) >= (DERIVED_MIN if named else PREFIXED_MIN) and self._stemmer.stemWord(rest) in vocab:
                return True
        return False

    def stems(self, text: str) -> set[str]:
        """The stems BM25 sees in ``text``."""
        return set(tokenize([text], self._stemmer)[0])

    @cached_property
    def _file_keys(self) -> np.ndarray:
        from index.records import path_key_of

        return np.array([path_key_of(i) for i in self.ids])

    # -- persistence: a folder per build, a pointer file swapped atomically -------
    @property
    def digest(self) -> str:
        """What the index covers: a digest of its sorted chunk ids, to compare with the
        store's live chunks (ids_digest) whatever the generation says."""
        return ids_digest(self.ids)

    def save(self, folder: Path) -> None:
        """Keep the index on disk, with its generation, chunk count and ids digest.
        An index of a sync under way (generation ``sync-…``) is not saved: if that
        sync dies, the generation stays and a saved cache would be trusted forever."""
        if self.generation.startswith("sync-"):
            return
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        build = folder / f"build-{uuid.uuid4().hex[:8]}"
        build.mkdir()
        if self._bm25 is not None:
            self._bm25.save(str(build))
        meta = {"generation": self.generation, "count": len(self.ids), "digest": self.digest, "ids": self.ids,
                "tokenizer": TOKENIZER}
        (build / "ids.json").write_text(json.dumps(meta))
        tmp = folder / f"current.tmp{os.getpid()}"
        tmp.write_text(build.name)
        os.replace(tmp, folder / "current")
        for old in folder.glob("build-*"):
            if old.name != build.name:
                shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex | None":
        """The saved index, or None (rebuild it) when there is none, it cannot be read,
        or it does not hold together: ids against their count and digest, the BM25
        matrix against the ids, a generation of a sync under way."""
        import bm25s

        try:
            build = Path(folder) / (Path(folder) / "current").read_text().strip()
            meta = json.loads((build / "ids.json").read_text())
            ids, generation = meta["ids"], str(meta["generation"])
            if (generation.startswith("sync-") or meta["count"] != len(ids) or meta["digest"] != ids_digest(ids)
                    or meta.get("tokenizer") != TOKENIZER):
                return None
            bm25 = None
            if ids:
                bm25 = bm25s.BM25.load(str(build), mmap=False)
                sc = bm25.scores
                if sc.get("num_docs") != len(ids) or len(sc["data"]) != len(sc["indices"]) or int(sc["indptr"][-1]) != len(sc["data"]):
                    return None
        except Exception:  # noqa: BLE001 - a cache that cannot be read is rebuilt: zero-byte
            # or truncated .npy files raise ValueError, EOFError, pickle errors...
            log.info("the BM25 cache in %s cannot be read; it will be rebuilt", folder, exc_info=True)
            return None
        return cls(ids, generation, bm25, _stemmer())


def fold(word: str) -> str:
    """``word`` without its accents (NFKD, combining marks dropped)."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def ids_digest(ids) -> str:
    import hashlib

    h = hashlib.sha256()
    for i in sorted(ids):
        h.update(i.encode("utf-8", "surrogatepass") + b"\n")
    return h.hexdigest()


def rebuild_from_store(store, generation: str) -> LexicalIndex:
    """A fresh index of the store's live chunks (those its manifest backs), each read
    with its contextual header, as it was embedded."""
    from index.chunking import indexed_text

    manifest = store.manifest()
    ids, texts = [], []
    for row in store.iter_chunks(include=("documents", "metadatas")):
        meta = row["metadatas"] or {}
        rec = manifest.get(meta.get("path"))  # a damaged record (no path) is no file's
        if rec is not None and rec.sha == meta.get("sha"):
            ids.append(row["ids"])
            texts.append(indexed_text(meta.get("title"), meta.get("section", ""), row["documents"], meta.get("fence", "")))
    return LexicalIndex.build(ids, texts, generation)
