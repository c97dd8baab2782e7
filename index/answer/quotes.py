"""Which answer units an answer quotes, and how they are shown together.

select() chooses the units, joined() merges units of one passage into one span,
in_reading_order() puts a quote before the one it leads into, and quotes() adds another
file's best unit. Every constant here was measured on the dev sets (bench/RESULTS.md).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from index.answer.units import MAX_UNIT_CHARS, Candidate
from index.chunking import readable
from index.markup import DELIMITER_ROW, MARKER_LINE, unpadded, without_tags

# More units join the answer while they score nearly as well as the first and the
# answer stays readable in a chat message. Chosen on the three dev sets together
# (bench/RESULTS.md): two units at >= 0.9 of the first, the earlier rule, put the
# expected words in the answer for 0.803 / 0.667 / 0.654 of httpx / Poetry / MkDocs
# questions (median 468 / 431 / 385 characters); three at >= 0.8 within 900
# characters, for 0.844 / 0.683 / 0.727 (median 644 / 666 / 564). A docs question is
# often answered in two places (the option's entry, the how-to that uses it). SQuAD's
# answer_hit reads only the best unit, so it does not move. Round 6, on seven sets: a
# fourth unit within the same 900 characters put the expected words in the answer for
# 15 more of 925 questions, each set gaining (mean 0.747 -> 0.764; median answer 620 ->
# 700 characters); 1,100 characters with three units gained 8. Round 7, with joined
# spans and nine sets: 0.75 instead of 0.8 answered 7 more of 1,218 questions and cited
# the right file for 8 more, no set lower (median answer +50 to +100 characters); 0.7
# gained 5 more, with nearly every answer filling its budget.
JOIN_RATIO = 0.75
# At most four quotes, from more units than that (within the same budget): units quoted
# as one span (see joined) free places for the next ones. A fifth unit first (round 7):
# measured on nine dev sets, answer hit up on seven (Prettier +3, Vite +2), none
# lower; median answer +40 to +80 characters. Round 12: seven units, not five. The
# units of one short passage (a function's entry: its parameters, the sentence after
# them) are often all chosen first and quoted as one span, and with five the unit of the
# next passage that answers never got its turn (Node's "add a listener that runs before
# the others": five units of 'newListener', then none of `prependListener`). Measured on
# fifteen dev sets: answer hit up on seven (Node 0.716 -> 0.736, Cargo 0.641 -> 0.660,
# Flask 0.780 -> 0.791), none lower; right file requests +1, Black -1; median answer
# +5 to +35 characters. Twelve did the same; stopping at four quotes once joined, less.
MAX_QUOTES = 4
MAX_UNITS = 7
# Of quoted text as it reads: a link's target is not read, so it does not count
# (Prettier's answer hit +1, right file +1 on httpx and Prettier). Labels and markers
# come on top.
ANSWER_CHARS = 900


def select(cands: list[Candidate], scores: np.ndarray, ratio: float = JOIN_RATIO,
           similarity: np.ndarray | None = None) -> list[int]:
    """Indices of the units that make the answer, best first. Another unit joins when
    it scores nearly as well, fits in ANSWER_CHARS, and neither overlaps one already
    chosen nor holds or is held by its text (docs repeat themselves: the same sentence
    under `install` and `sync`). With ``similarity`` (each unit's cosine to the
    question), a table row or list item the first unit holds takes its place when it
    is closer to the question and scores nearly as well (see INNER_RATIO). Either way,
    a best sentence gives way to it and the next sentence that leans on it (PAIR_RATIO)."""
    if len(cands) == 0:
        return []
    order = list(np.argsort(-scores, kind="stable"))
    best = scores[order[0]]  # the bar to join stays the best unit's, promoted row or not
    if similarity is not None:
        top = order[0]
        inner = [i for i in order[1:] if cands[i].kind in ("row", "item") and _within(cands[i], cands[top])
                 and similarity[i] > similarity[top] and scores[i] >= INNER_RATIO * scores[top]]
        if inner:
            order.remove(inner[0])
            order.insert(0, inner[0])
    top = order[0]
    if cands[top].kind == "sentence":
        # The next sentence leans on the best one ("We don't support `is_ok`… Instead we
        # provide `is_success`"): nearly as good together, they answer together.
        outer = [i for i in order[1:] if cands[i].kind == "pair" and cands[i].hit.source == cands[top].hit.source
                 and cands[i].start == cands[top].start and scores[i] >= PAIR_RATIO * scores[top]]
        if outer:
            order.remove(outer[0])
            order.insert(0, outer[0])
    chosen = [order[0]]
    used = _read_len(cands[order[0]].text)
    for i in order[1:]:
        if len(chosen) == MAX_UNITS or scores[i] < ratio * best:
            break
        if any(_overlaps(cands[i], cands[j]) for j in chosen):
            continue
        size = _read_len(cands[i].text)
        if used + size > ANSWER_CHARS:
            continue
        chosen.append(i)
        used += size
    return chosen


def _read_len(text: str) -> int:
    # What a unit costs of ANSWER_CHARS: as read (a link's target is not read), a
    # table's cells without their padding. (Units are trimmed with the targets counted:
    # without them, units with links grew past others, bench/RESULTS.md round 11.)
    return len(unpadded(readable(text)))


# Two units chosen from the same passage with little between them are shown as the
# one span that holds both: the text between often says what the answer needs ("Each
# time a command is invoked, a new context is created and linked with the parent" …
# "a linked list"), and one quote reads better than two cut from the same paragraph.
# The text between may take the answer up to JOIN_GAP past ANSWER_CHARS. Measured on
# nine dev sets: answer hit +1 to +3 questions on seven (Click 0.721 -> 0.740, MkDocs
# 0.800 -> 0.818, Vite 0.766 -> 0.794), none lower; held to ANSWER_CHARS, half of that.
JOIN_GAP = 300


def joined(cands: list[Candidate], chosen: list[int]) -> list[tuple[Candidate, int]]:
    """The chosen units as shown: (unit, index of the chosen unit it stands for), a
    unit merged with a better one of the same passage when at most JOIN_GAP readable
    characters lie between them (see JOIN_GAP), both sit in the same section (a span
    across a heading would be cited under the wrong one) and no marker line lies
    between (MARKER_LINE). Units shown under a context line stay apart, but for rows of
    one table after the best unit: they are shown as one run of rows under its head row,
    not as a quote per row each under it (Hugo's "url" table took all four quotes, one row
    each, and left no place for the sentence that answered). The best unit stays alone:
    joined, the row asked about would sit inside a run of others instead of first."""
    size = {i: _read_len(cands[i].text) for i in chosen}
    used = sum(size.values())
    out: list[tuple[Candidate, int, int]] = []  # (unit as shown, index it stands for, its readable size)
    for i in chosen:
        c = cands[i]
        for n, (d, at, d_size) in enumerate(out):
            if d.hit.id != c.hit.id or c.section != d.section:
                continue
            s, e = min(c.start, d.start), max(c.end, d.end)
            hull = c.hit.text[s - c.hit.start : e - c.hit.start]
            if (c.context or d.context) and not (c.kind == d.kind == "row" and c.context == d.context
                                                 and not _holds_best(cands[chosen[0]], c.hit.id, s, e)
                                                 and _one_table(hull)):
                continue
            if any(m != n and _meets(o, c.hit.source, s, e) for m, (o, _, _) in enumerate(out)):
                # The span between would take in another quote: shown twice (a reviewer's
                # finding on FastAPI, lines 24-34 quoted beside lines 30-36).
                continue
            if MARKER_LINE.search(hull):
                # Joined, the quote would show ":::tip" or "!!! note" raw (a reviewer's
                # finding on Jest and Hatch); apart, each unit is quoted without it.
                # The same dev-set figures either way.
                continue
            hull_size = _read_len(hull)
            gap = hull_size - size[i] - d_size
            if gap <= JOIN_GAP and used + gap <= ANSWER_CHARS + JOIN_GAP:
                kind = d.kind if d.kind == c.kind else "section"
                # The introduction of the unit the span opens with, unless the other has its
                # own: a run of items under one, none for a run across two lists. But an
                # example's stays over it and what follows it when the span shows the
                # other's (Homebrew's licences: "Use `:any_of` to…:" over its example, then
                # "Use `:all_of` to…:" and its example).
                first, other = (c, d) if c.start < d.start else (d, c)
                shows_other = other.intro in hull and "item" not in (c.kind, d.kind)
                intro = first.intro if other.intro in ("", first.intro) or shows_other else ""
                out[n] = (replace(d, start=s, end=e, text=hull, kind=kind, trimmed=False, intro=intro), at, hull_size)
                used += gap
                break
        else:
            if not any(_meets(o, c.hit.source, c.start, c.end) for o, _, _ in out):
                out.append((c, i, size[i]))  # else a joined quote before already shows it
    return [(c, i) for c, i, _ in out]


def in_reading_order(shown: list[tuple[Candidate, int]]) -> list[tuple[Candidate, int]]:
    """The quotes, a quote moved before the one it leads into (_leads_into), and so on
    along a chain of them. Best first, a continuation ("It may have one of the following
    messages:") was read before the sentence it follows (a reviewer's finding on Flask's
    development server page)."""
    out = list(shown)
    for _ in range(len(out) ** 2):  # each move puts two quotes in text order; bounded all the same
        move = next(((j, p) for j in range(1, len(out)) for p in range(j) if _leads_into(out[j][0], out[p][0])), None)
        if move is None:
            break
        j, p = move
        out.insert(p, out.pop(j))
    return out


def _leads_into(c: Candidate, d: Candidate) -> bool:
    """Does ``c`` end at most JOIN_GAP characters before ``d`` starts, in the same section
    of the same file, yet apart (two chunks; or one, the joined span over the budget)?
    Not table rows or list items, which stand alone (the row asked about stays first),
    nor units shown under a context line."""
    return (c.hit.source == d.hit.source and c.section == d.section
            and 0 <= d.start - c.end <= JOIN_GAP and not {c.kind, d.kind} & {"row", "item"}
            and not c.context and not d.context)


def _holds_best(best: Candidate, hit_id: str, s: int, e: int) -> bool:
    return best.hit.id == hit_id and s < best.end and best.start < e


def _one_table(span: str) -> bool:
    """Are all the lines of ``span`` rows of one table (no prose, no second head row: a
    delimiter row below a head row starts another table)?"""
    return all("|" in line and not DELIMITER_ROW.fullmatch(line) for line in span.split("\n"))


# When every quote comes from one file, the best unit of another file read joins as a
# last quote if it scores at least this share of the best unit (over the budget: it is
# one more place to look, not a longer answer). A docs question is often answered in
# two files (the option's reference entry, the guide that uses it), and the file ranked
# first is not always the one that answers. Measured on ten dev sets: right file higher
# on eight (Click 0.909 -> 0.935, requests 0.893 -> 0.901, Jest 0.857 -> 0.868), answer
# hit higher on five, none lower; median answer +10 to +40 characters. The same at 0.5.
# Taking the place of the last unit instead lost answer hits on five sets. A unit whose
# text a quote already holds is not quoted twice, though its file may be the one asked.
# When the passages read all come from one file, the next passage of another file is
# read for this last quote only (it never answers first): answer hit up on five of ten
# sets (requests 0.802 -> 0.818), right file on four (requests 0.901 -> 0.926, Jest
# 0.868 -> 0.879), none lower.
SECOND_FILE_RATIO = 0.65
# Round 10: the same when the quotes come from two files, the next passage of a file not
# read giving a third's: right file higher on eleven of thirteen dev sets (Cargo 0.827
# -> 0.872, Vite 0.872 -> 0.901, Poetry 0.825 -> 0.858, Jest 0.894 -> 0.908; Hatch
# 0.882 -> 0.875), mean 0.892 -> 0.906; answer hit up on eight (Cargo +3, Vite +2, Flask
# +2), down on three (Hatch -2, Click -1, httpx -1), mean 0.780 -> 0.783; median answer
# +20 to +120 characters.
QUOTED_FILES = 3


def quotes(cands: list[Candidate], scores: np.ndarray, similarity: np.ndarray | None = None,
           read: int | None = None) -> list[tuple[Candidate, int]]:
    """What the answer quotes: the units select() chooses, joined, at most MAX_QUOTES,
    with another file's best unit when they come from fewer than QUOTED_FILES files
    (SECOND_FILE_RATIO). Only the first ``read`` units (default all) answer; the others
    may only be that other file's."""
    read = len(cands) if read is None else read
    chosen = select(cands[:read], scores[:read], similarity=None if similarity is None else similarity[:read])
    shown = in_reading_order(_carried_on(joined(cands, chosen)[:MAX_QUOTES], cands[:read]))
    files = {c.hit.source for c, _ in shown}
    if not shown or len(shown) == MAX_QUOTES or len(files) >= QUOTED_FILES:
        return shown
    for i in np.argsort(-scores, kind="stable"):
        if scores[i] < SECOND_FILE_RATIO * scores[chosen[0]]:
            break
        if cands[i].hit.source not in files and not any(_overlaps(cands[i], c) for c, _ in shown):
            return shown + [(cands[i], int(i))]
    return shown


def _carried_on(shown: list[tuple[Candidate, int]], cands: list[Candidate]) -> list[tuple[Candidate, int]]:
    """Each quote carried on through the sentence after it when that one leans on its
    last ("A range like `py{39-314}` will not do what you may expect. (It expands to 275
    names…)" then "Instead, use `py3{9-14}`.": a "pair" unit beginning inside the quote
    and ending after it), within MAX_UNIT_CHARS and clear of the other quotes: what the
    sentence warns about, the next one says what to do instead."""
    out = []
    for n, (c, i) in enumerate(shown):
        for p in cands:
            if (p.kind != "pair" or p.hit.id != c.hit.id or p.section != c.section
                    or not c.start <= p.start < c.end < p.end or c.kind in ("row", "code")):
                continue
            if p.text.rstrip().endswith(":"):
                break  # an introduction, carried on without what it introduces, would dangle
            hull = c.hit.text[c.start - c.hit.start : p.end - c.hit.start]
            others = [d for m, (d, _) in enumerate(shown) if m != n]
            if _read_len(hull) <= MAX_UNIT_CHARS and not any(_meets(d, c.hit.source, c.end, p.end) for d in others):
                c = replace(c, end=p.end, text=hull, kind="section", trimmed=False)
            break
        out.append((c, i))
    return out


# A short section or an introduction with its table or list holds more of the
# question's words than any one row, so it often scores first when one row is the
# answer ("What port does it listen on by default?" over an options table). The row
# closer to the question is the more precise answer.
INNER_RATIO = 0.9

# A best sentence that the next one leans on gives way to the two together (a "pair"
# unit) when they score at least this share of it. Measured: answer hit +1 question
# on httpx, 0 on the other dev sets; SQuAD dev-a (1,500 questions) 0.7767 -> 0.7773,
# median answer 394 -> 404 characters. The same at 0.90-0.97.
PAIR_RATIO = 0.94


def _within(a: Candidate, b: Candidate) -> bool:
    return a.hit.source == b.hit.source and b.start <= a.start and a.end <= b.end and (a.start, a.end) != (b.start, b.end)


def _overlaps(a: Candidate, b: Candidate) -> bool:
    # Docs repeat their examples ("poetry build" under `build` and in the packaging
    # guide): a unit whose text another holds adds nothing to the answer. Compared as
    # read: Cargo's command pages repeat one `--color` entry under per-page HTML ids.
    ta, tb = " ".join(without_tags(a.text).split()), " ".join(without_tags(b.text).split())
    if ta in tb or tb in ta:
        return True
    return _meets(b, a.hit.source, a.start, a.end)


def _meets(c: Candidate, source: str, s: int, e: int) -> bool:
    """Does unit ``c`` share characters with the span [s, e) of ``source``?"""
    return c.hit.source == source and s < c.end and c.start < e
