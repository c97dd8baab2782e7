"""What an answer is: its text, its citations, how it is shown as JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from index.answer.rendered import as_shown
from index.search import Hit

ABSTAIN_TEXT = "The sources do not answer this question."


@dataclass
class Citation:
    n: int
    source: str
    page: int | None
    start: int
    end: int
    quote: str
    score: float
    # First and last line of the quote in text and Markdown sources (from old stores,
    # and for HTML and PDF, None). Not in the JSON, whose shape is fixed.
    lines: tuple[int, int] | None = None
    section: str = ""  # heading path of the quote's section, "Options › Password prompt"
    # The id of that section's heading in an HTML page, for a link (page.html#anchor);
    # None where the page gives none, and for other formats. Not in the JSON either.
    anchor: str | None = None

    def as_read(self, marks: bool = False) -> str:
        """The quote as a reader of its Markdown sees it: HTML written in it without its
        tags, table cells unpadded (the answer shows it so; ``marks``: code and emphasis as
        Markdown's marks)."""
        return as_shown(self.quote, marks)

    def where(self) -> str:
        """Where the quote is, for a reader: source (with the section's anchor, where an
        HTML page has one and there are no lines) › section, page or lines, and offsets."""
        source = f"{self.source}#{self.anchor}" if self.anchor and self.lines is None else self.source
        parts = [f"{source} › {self.section}" if self.section else source]
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.lines is not None:
            a, b = self.lines
            parts.append(f"line {a}" if a == b else f"lines {a}-{b}")
        parts.append(f"chars {self.start}-{self.end}")
        return ", ".join(parts)


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    # The passages the answer was read from, in reading order (searched, then
    # re-ranked); empty when it abstained. For evaluation; not part of the JSON.
    passages: list[Hit] = field(default_factory=list, repr=False, compare=False)
    # What the decision to answer or decline was made from (abstain.Evidence); None
    # when nothing was found. For evaluation; not part of the JSON.
    evidence: object | None = field(default=None, repr=False, compare=False)
    # With a language model configured (CITED_LLM_URL): "written" when the model wrote
    # the answer and some of it passed the check (index/answer/check.py), else
    # "extractive" (declined, the model failed, or nothing it wrote was supported).
    # None without a model: the JSON then keeps its earlier shape. dropped_sentences
    # counts the written sentences the check removed.
    mode: str | None = None
    dropped_sentences: int = 0

    def to_dict(self) -> dict:
        """The `cited ask --json` object."""
        out = {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [{k: v for k, v in asdict(c).items() if k not in ("lines", "anchor")} for c in self.citations],
            "timings_ms": self.timings_ms,
        }
        if self.mode is not None:
            out["mode"] = self.mode
            out["dropped_sentences"] = self.dropped_sentences
        return out
