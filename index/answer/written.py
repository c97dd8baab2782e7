"""Written answers: a language model writes from the passages, the check keeps what
they support.

The extractive answer comes first and decides whether to answer at all: a question it
declines never reaches the model. The model sees the top passages numbered [1]…[k]
with their file and section; each sentence it writes is checked (check.py); the kept
sentences make the answer, each cited to the verbatim span that supports it best.
When the model fails or nothing it wrote is supported, the extractive answer stands
and ``note`` says why in one line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from index.answer.check import Claim, check
from index.answer.model import Answer, Citation
from index.answer.units import quote_lines
from index.llm import LLMConfig, LLMFailed, stream_chat
from index.search import Hit

# Passages shown to the model: the extractive answer reads the top 3; two more give
# the model room to combine, and five chunks of 256 tokens fit a 2,048-token context.
WRITTEN_PASSAGES = 5
_DECLINED = re.compile(r"sources? (?:do not|don't|does not|doesn't) (?:say|answer|mention)", re.I)
# Room for a short answer of a few sentences.
MAX_TOKENS = 300

SYSTEM = (
    "You answer questions using only the numbered sources given. Write a short answer of one to three "
    "sentences. End every sentence with the number of the source it comes from in square brackets, like [1]. "
    "Copy names, numbers and dates exactly as the sources write them. Do not add anything the sources do not say. "
    "If the sources do not answer the question, reply only: The sources don't say."
)


@dataclass
class Written:
    """A written answer's outcome: the answer to show (written, or the extractive one
    it fell back to), what the check said of each sentence, and why it fell back."""

    answer: Answer
    claims: list[Claim]
    note: str | None = None  # one line when the extractive answer is shown instead
    draft: str = ""  # the model's text as it arrived


def prompt(question: str, passages: list[Hit], history: list[str] | None = None) -> list[dict]:
    """The chat messages: the numbered passages with file and section, then the question."""
    blocks = []
    for n, h in enumerate(passages, start=1):
        where = h.source + (f" › {h.section}" if h.section else "") + (f", page {h.page}" if h.page else "")
        blocks.append(f"[{n}] ({where})\n{h.text.strip()}")
    earlier = ""
    if history:
        earlier = "Earlier questions in this conversation: " + " | ".join(history[-3:]) + "\n\n"
    user = "Sources:\n\n" + "\n\n".join(blocks) + f"\n\n{earlier}Question: {question}\nAnswer:"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def assemble(extractive: Answer, claims: list[Claim], passages: list[Hit]) -> Answer:
    """The checked answer: the kept sentences, each ending with the markers of its
    citations; a citation is the verbatim sentence of a cited passage that supports it
    best, with its exact offsets in the source. Citations shared by two sentences are
    one."""
    citations: list[Citation] = []
    numbered: dict[tuple[str, int, int], int] = {}
    parts = []
    for c in claims:
        if not c.supported:
            continue
        ns = []
        for span in c.spans:
            h = passages[span.passage]
            start, end = h.start + span.start, h.start + span.end
            key = (h.source, start, end)
            if key not in numbered:
                numbered[key] = len(citations) + 1
                quote = h.text[span.start:span.end]
                citations.append(Citation(numbered[key], h.source, h.page, start, end, quote,
                                          span.similarity, quote_lines(h, span.start, quote), h.cited_section(),
                                          h.anchor(h.section)))
            if numbered[key] not in ns:
                ns.append(numbered[key])
        parts.append(c.text + " " + "".join(f"[{n}]" for n in ns))
    return replace(extractive, answer=" ".join(parts), citations=citations, mode="written",
                   dropped_sentences=sum(not c.supported for c in claims))


def write(
    extractive: Answer,
    config: LLMConfig,
    embed: Callable[[list[str]], np.ndarray],
    *,
    history: list[str] | None = None,
    on_text: Callable[[str], None] | None = None,
    passages: int = WRITTEN_PASSAGES,
) -> Written:
    """A written answer built on ``extractive`` (the answer() result for the question).

    ``on_text`` receives the model's text piece by piece as it arrives (for streaming);
    the returned answer is the checked one. Never raises for the model's failures:
    they give the extractive answer with ``note`` saying why.
    """
    if extractive.abstained:  # the sources don't answer: the model is never asked
        return Written(replace(extractive, mode="extractive"), [])
    t0 = time.perf_counter()
    shown = extractive.passages[:passages]
    pieces: list[str] = []
    try:
        for piece in stream_chat(config, prompt(extractive.question, shown, history), max_tokens=MAX_TOKENS):
            pieces.append(piece)
            if on_text is not None:
                on_text(piece)
    except LLMFailed as e:
        return Written(replace(extractive, mode="extractive"), [], f"{e}; extractive answer shown", "".join(pieces))
    t1 = time.perf_counter()
    draft = "".join(pieces)
    claims = check(draft, shown, embed, question=extractive.question)
    t2 = time.perf_counter()
    timings = {**extractive.timings_ms, "write": round((t1 - t0) * 1000, 1), "check": round((t2 - t1) * 1000, 1)}
    timings["total"] = round(extractive.timings_ms.get("total", 0.0) + (t2 - t0) * 1000, 1)
    if not any(c.supported for c in claims):
        fallback = replace(extractive, mode="extractive", dropped_sentences=len(claims), timings_ms=timings)
        if _DECLINED.search(draft):
            why = "the language model found no answer in the passages"
        elif claims:
            why = "the sources did not support anything the language model wrote"
        else:
            why = "the language model wrote nothing"
        return Written(fallback, claims, f"{why}; extractive answer shown", draft)
    result = assemble(extractive, claims, shown)
    result.timings_ms = timings
    return Written(result, claims, None, draft)
