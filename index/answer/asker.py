"""The asker's own words in a question: what they quote, own, paste or tell about
their setting before they ask. The sources need not hold these to answer, so their
absence is no evidence that the sources lack the subject (index.answer.abstain)."""

from __future__ import annotations

import re
from typing import NamedTuple

from index.lexical import WORD

# Back-ticked text with a space in it: a command or code the asker writes out.
CODE_EXAMPLE = re.compile(r"`[^`]*\s[^`]*`")


# Quoted or bracketed text in a question is the asker's own example ("a '(c) 2024
# ACME Corp' line", "my ID (G-XXXX)"), and a number is a value ("port 8080"): the docs
# need not hold them to answer, so their absence is no evidence (on the MkDocs dev set
# they caused 3 of its 10 false abstentions). Back-ticked text is not among them: it
# is usually the very option asked about ("what does `foo_bar` do?"), and a word with
# letters and digits ("S3", "SigV4") is a name. A folder the asker names ("watch only
# src/", "my ./static folder") is theirs too, and so is what they call their own code
# ("my function is called say_hello"), but not a name asked about ("is there an option
# called frobnicate?"). So is a path to a file ("main() in mypkg/cli.py"; round 10:
# Hatch's false abstention 0.066 -> 0.059, no decline lost on the thirteen sets).
_EXAMPLE = re.compile(r"(?<!\w)'[^']*'(?!\w)|\"[^\"]*\"|“[^”]*”|\([^)]*\)|(?<![\w/~])\.?/?[\w.-]+/(?![\w.])"
                      r"|(?<![\w/~])[\w.~-]*(?:/[\w.-]+)+\.[A-Za-z]\w*\b"
                      r"|\b(?:my|our|i|we)\b[^.?!;]*?\b(?:called|named)\s+`?[\w.-]+", re.I)


# What the asker owns is theirs to name, not the docs': the word right after "my" or
# "our" ("my Tkinter app", "my OAuth redirect URL", "my _variables.scss"). With the
# constants and placeholder names abstain._example_spans adds, found on the Hatch and
# Vite dev sets: such words caused 8 of their 23 false abstentions (Hatch 0.099 ->
# 0.072, Vite 0.057 -> 0.035, Click 0.039 -> 0.033); one near-domain question lost its
# decline ("convert my Pipfile.lock", Poetry).
_OWNED = re.compile(r"\b(?:my|our)\s+(\w[\w.-]*)", re.I)
# A file named as an argument of a command the asker ran is theirs: "why does `rg foo
# somefile.bin` search the binary file?" (ripgrep; "somefile" was taken for the subject
# the sources lack). Not a command's first word, which may be a name the docs lack.
_FILE_ARGUMENT = re.compile(r"(?<=\s)[\w-]+\.[A-Za-z][A-Za-z0-9]{0,4}(?=[\s`])")


# An error the asker pastes is what they saw, not what they ask the docs to hold: an
# exception's class ("a FieldError about…", "NameError") and what follows "Error:" or
# redis-cli's "(error)" up to the sentence's end ("ModuleNotFoundError: crewai_files",
# "(error) WRONGTYPE Operation against a key…"). Found on the Redis set.
_PASTED_ERROR = re.compile(r"(?:\((?i:error)\)|\w*(?i:error):)[^.?!\n]*|\b[A-Z]\w*(?:Error|Exception)\b")


def example_texts(question: str) -> list[str]:
    """The spans of ``question`` that are the asker's (quoted, owned, pasted)."""
    spans = [m.group(0) for m in _EXAMPLE.finditer(question)] + [m.group(1) for m in _OWNED.finditer(question)]
    spans += [m.group(0) for m in _PASTED_ERROR.finditer(question)]
    return spans + [f.group(0) for m in CODE_EXAMPLE.finditer(question) for f in _FILE_ARGUMENT.finditer(m.group(0))]


# A question often tells its setting before it asks ("My key has a passphrase. How do
# I give uvicorn the password?", "our network is flaky, can poetry retry?"): words of
# a part that asks nothing are the asker's circumstances, not what the sources must
# hold. A part asks when it holds a question word or mark, or opens with a verb that
# asks ("can", "does", "is there"…). On the uvicorn dev set, 4 of its 9 false
# abstentions were such words ("passphrase", "subnet", "combos", "vim"). "When",
# "which", "where", "who" and "why" ask only at a part's start: inside one they join
# clauses ("my app pops up a console window when launched").
_PARTS = re.compile(r"(?<=[.!?;,:])\s+|\s+[-\u2013\u2014]+\s+")
_ASKS = re.compile(r"\?|\b(?:what|how|any|anything|anyway|whether)\b|"
                   r"^(?:which|who|whom|whose|when|where|why|"
                   r"can|could|does|do|did|is|are|was|were|will|would|should|shall|may|might|must|has|have)\b",
                   re.I)


# A setting is told in the first person ("my key…", "our network…", "I run…", "black
# uses every core on our CI box and the container gets OOM-killed"); a part that names
# the subject otherwise ("For GraphQL subscriptions, what do I set?") is the question's
# own. And the asking part must say something itself: in "I want GraphQL
# subscriptions. Is that supported?" the first part is what is asked about. A first
# person anywhere in the part, not only first (round 9, found on the Black set): false
# abstention Black 0.046 -> 0.041, Click 0.026 -> 0.019, Hatch 0.072 -> 0.066, Jest
# 0.037 -> 0.033; no decline lost on the eleven sets.
_FIRST_PERSON = re.compile(r"\b(?:my|our|i|i'm|i've|im|we|we're|we've|us)\b", re.I)


class Told(NamedTuple):
    parts: list[str]  # the parts that tell the asker's setting (ask nothing, in the first person)
    asking: list[str]  # the parts that ask

    @property
    def said(self) -> set[str]:
        """The words of the asking parts."""
        return {w for p in self.asking for w in WORD.findall(p)}


def told(question: str, stopwords: frozenset[str] = frozenset()) -> Told:
    """The question's parts that tell the asker's setting (see _PARTS) and those that ask."""
    parts = [p for p in _PARTS.split(question.strip()) if p]
    if len(parts) < 2:
        return Told([], parts)
    asks = [bool(_ASKS.search(p.strip())) for p in parts]
    setting = [p for p, a in zip(parts, asks) if not a and _FIRST_PERSON.search(p)]
    out = Told(setting, [p for p, a in zip(parts, asks) if a])
    if not setting or len({w.lower() for w in out.said} - stopwords) < 2:
        return out._replace(parts=[])
    return out
