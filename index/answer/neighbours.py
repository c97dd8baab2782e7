"""Passages extended over the chunks beside them: begun over the sentence introducing
the code block a passage opens with (preceded), run on over what its closing
introduction introduces (completed). The quote stays exact: offsets are the source's."""

from __future__ import annotations

from dataclasses import replace

from index.answer.units import MAX_INTRO, is_structured, units_of
from index.markup import FENCE_LINE
from index.search import Hit, Searcher
from index.sentences import split_sentences


def with_neighbours(searcher: Searcher, hits: list[Hit]) -> list[Hit]:
    """Each hit, begun over the sentence introducing the code block it opens with
    (preceded) and run on over what its closing introduction introduces
    (completed), from the chunks before and after it."""
    ending = [h for h in hits if ends_on_introduction(h)]
    opening = [h for h in hits if opens_with_code(h)]
    after = searcher.following(ending) if ending else {}
    before = searcher.preceding(opening) if opening else {}
    return [completed(preceded(h, before.get(h.id)), after.get(h.id)) for h in hits]


def ends_on_introduction(hit: Hit) -> bool:
    """Does a structured passage end on a sentence that introduces what follows (":")?"""
    return is_structured(hit) and hit.text.rstrip().endswith(":")


def completed(hit: Hit, after: tuple[int, str] | None) -> Hit:
    """``hit`` ending on an introduction ("If you specify a single value for the
    timeout, like this:") extended over what it introduces, read from the chunk after
    it (``after``: that chunk's start and text), so the introduction is quoted with its
    example; ``hit`` itself otherwise. Dropping such an introduction instead (the next
    chunk opens with it again) lost answers the passage read held: answer hit -0.002 on
    the 27 dev sets, Click -2 questions. The extended passage has its own id: its units
    are not the chunk's."""
    if after is None or not ends_on_introduction(hit):
        return hit
    text = hit.text.rstrip()
    start, following = after
    if not hit.start < start <= hit.start + len(hit.text):  # chunks overlap or touch; a gap is not known
        return hit
    merged = replace(hit, id=hit.id + "+next", text=hit.text + following[hit.start + len(hit.text) - start :])
    for u in units_of(merged):
        if u.kind == "lead" and u.start < len(text) < u.end:
            return replace(merged, text=merged.text[: u.end], end=hit.start + u.end)
    return hit


def preceded(hit: Hit, before: tuple[int, str] | None) -> Hit:
    """``hit`` opening with a code block whose introduction ("Here is an example for a
    404 exception:") ends the chunk before (``before``: that chunk's start and text),
    begun over that introduction so the example is quoted with its sentence; ``hit``
    itself otherwise. (The chunker carries a short block into the next chunk without
    its sentence; carried with it, the chunks after moved and answer hit fell on four
    of the first eleven dev sets, bench/RESULTS.md round 25.)"""
    if before is None or not opens_with_code(hit):
        return hit
    start, text = before
    if start + len(text) + len(hit.before) == hit.start:  # only white space between them
        text += hit.before
    if not start < hit.start <= start + len(text):  # the chunks overlap or touch
        return hit
    ahead = text[: hit.start - start]
    cut = ahead.rstrip().rfind("\n\n")
    para = cut + 2 if cut >= 0 else 0
    said = ahead[para:].strip()
    if not said.endswith(":") or said.startswith(("#", "|")) or "```" in said or "~~~" in said:
        return hit
    # Its last sentence: "If your script does not depend on the project, use the
    # `--no-project` flag to skip this:" ends a paragraph longer than MAX_INTRO.
    spans = split_sentences(ahead, para, len(ahead.rstrip()))
    intro = ahead[spans[-1][0] :] if spans else ""
    if not intro or len(intro.strip()) > MAX_INTRO:
        return hit
    # The passage now opens on the introduction's line: its indentation (a content tab's
    # body) is the white space before it there.
    lead = ahead[: len(ahead) - len(intro)]
    lead = lead[lead.rfind("\n") + 1 :]
    return replace(hit, id=hit.id + "+prev", start=hit.start - len(intro), text=intro + hit.text, intro=len(intro),
                   line=None if hit.line is None else hit.line - intro.count("\n"),
                   before=lead if not lead.strip(" \t") else "")


def opens_with_code(hit: Hit) -> bool:
    """Does a structured passage open with a fenced code block?"""
    return is_structured(hit) and FENCE_LINE.match(hit.text) is not None
