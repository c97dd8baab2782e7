"""Lists an answer quotes only part of: run on over the chunk the chunker cut them into,
and a quote that stops before a list ends says so ("…"). Pure: no model."""

from dataclasses import replace

from helpers import md_hit

PAGE = ("# Fix\n\nNot all problems are fixable, and the option does not work in these situations:\n\n"
        "1. It throws an error when code is piped to the linter.\n"
        "1. It has no effect on code that uses a processor.\n"
        "1. It skips files that are ignored.\n\n"
        "To fix code from stdin, use the `--fix-dry-run` option instead.\n")


def test_a_list_the_chunker_cut_is_read_on_into_the_next_chunk():
    from index.answer.neighbours import completed, ends_in_list
    from index.answer.units import units_of

    cut = PAGE.index("1. It has no effect")
    first = replace(md_hit(PAGE[:cut]), id="f-abc-00001", end=cut)
    assert ends_in_list(first)
    done = completed(first, (cut, PAGE[cut:]))
    # The rest of the list, and only the list: the paragraph after it is the next chunk's.
    assert done.id != first.id and done.text == PAGE[: PAGE.index("\n\nTo fix")]
    lead = [first.text[u.start : u.end] for u in units_of(first) if u.kind == "lead"]
    whole = [done.text[u.start : u.end] for u in units_of(done) if u.kind == "lead"]
    assert lead and lead[0].endswith("piped to the linter.") and whole[0].endswith("ignored.")
    # Nothing to run on: a passage that ends on a paragraph, a next chunk that opens a section.
    para = md_hit(PAGE)
    assert not ends_in_list(para) and completed(para, (len(PAGE), "\n## Next\n\nMore.\n")) is para
    assert completed(first, (cut, "## Other\n\n- an item of another list\n")) is first


def test_a_quote_of_a_section_that_stops_inside_a_list_ends_on_an_ellipsis():
    from index.answer.shown import shown_quote
    from index.answer.units import Candidate

    hit = md_hit(PAGE, "Fix")
    s, e = PAGE.index("Not all"), PAGE.index(" linter.") + len(" linter.")
    # Two units of one section joined into one span (quotes.joined) are a "section" quote.
    span = Candidate(hit, 0, s, e, PAGE[s:e], "section")
    assert shown_quote(span, 1).endswith("piped to the linter. … [1]")
    last = PAGE.index("ignored.") + len("ignored.")
    assert "…" not in shown_quote(replace(span, end=last, text=PAGE[s:last]), 1)
