"""Which units an answer quotes and how (index/answer/quotes.py): units chosen within
the budget, units of one passage joined into one span, another file's best unit, a
unit that repeats another left out. Pure: no model."""

from helpers import md_hit


def test_two_units_close_in_one_passage_are_shown_as_one_span():
    from dataclasses import replace

    from index.answer.quotes import JOIN_GAP, joined
    from index.answer.units import Candidate

    text = "Each command gets a context. It is linked to its parent's. Together they form a linked list. " + "x " * 400 + "Far away."
    hit = md_hit(text)
    first, third = (text.index(s) for s in ("Each command", "Together"))
    far = text.index("Far away.")
    cands = [Candidate(hit, 0, first, first + 28, text[first : first + 28]),
             Candidate(hit, 2, third, third + 34, text[third : third + 34]),
             Candidate(hit, 3, far, far + 9, "Far away.")]
    shown = joined(cands, [1, 0, 2])
    # The better unit stands for the span, which holds the sentence between, as quoted.
    assert [(c.text, i) for c, i in shown] == [(text[first : third + 34], 1), ("Far away.", 2)]
    assert hit.text[shown[0][0].start - hit.start : shown[0][0].end - hit.start] == shown[0][0].text
    assert len(text[third + 34 : far]) > JOIN_GAP
    assert [c.text for c, _ in joined(cands, [0, 2])] == [cands[0].text, "Far away."]
    # Nor across a heading: the span would be cited under one section, half of it wrong.
    other = replace(cands[1], section="Guide › Contexts")
    assert len(joined([cands[0], other], [1, 0])) == 2
    # Nor across an admonition's marker line, which the span would show raw.
    marked = "Mocks last for one file.\n\n:::tip\n\nUse jest.mocked() for types.\n"
    mhit = md_hit(marked)
    tip = marked.index("Use")
    pair = [Candidate(mhit, 0, 0, 24, marked[:24]), Candidate(mhit, 1, tip, len(marked) - 1, marked[tip:-1])]
    assert [c.text for c, _ in joined(pair, [0, 1])] == [marked[:24], marked[tip:-1]]


def test_a_joined_span_keeps_the_introduction_of_the_unit_it_opens_with():
    # Homebrew's licences: the example under "Use `:any_of` to indicate…:" joined with the
    # prose after it lost its introduction, so the answer opened on bare code again.
    from dataclasses import replace

    from index.answer.quotes import joined
    from index.answer.units import Candidate

    text = '```ruby\nlicense any_of: ["MIT"]\n```\n\nUse `:all_of` when all apply.\n'
    hit = md_hit(text)
    said = text.index("Use")
    code = Candidate(hit, 0, 0, 34, text[:34], "code", intro="Use `:any_of` when the user chooses:")
    prose = Candidate(hit, 1, said, len(text) - 1, text[said:-1])
    assert [c.intro for c, _ in joined([code, prose], [1, 0])] == ["Use `:any_of` when the user chooses:"]
    # Nor when the other's introduction is part of the span: it reads there.
    shown = replace(prose, kind="code", intro="Use `:all_of` when all apply.")
    assert [c.intro for c, _ in joined([code, shown], [1, 0])] == ["Use `:any_of` when the user chooses:"]
    # Items of two lists, each under its own introduction, joined: under neither.
    other = replace(prose, kind="item", intro="Other options:")
    assert [c.intro for c, _ in joined([replace(code, kind="item"), other], [0, 1])] == [""]


def test_a_fifth_unit_is_quoted_only_in_the_place_a_joined_span_frees():
    import numpy as np

    from index.answer.quotes import MAX_QUOTES, quotes
    from index.answer.units import Candidate

    hit = md_hit("".join(f"word{n:04d} " for n in range(500)))  # distinct text: none holds another
    starts = [0, 150, 1000, 2000, 3000]  # the first two are 50 characters apart
    cands = [Candidate(hit, k, s, s + 100, hit.text[s : s + 100]) for k, s in enumerate(starts)]
    scores = np.array([1.0, 0.95, 0.9, 0.85, 0.82])
    shown = quotes(cands, scores)
    assert [(c.start, c.end, i) for c, i in shown] == [(0, 250, 0), (1000, 1100, 2), (2000, 2100, 3), (3000, 3100, 4)]
    apart = [Candidate(hit, k, s, s + 100, hit.text[s : s + 100]) for k, s in enumerate([0, 1000, 2000, 3000, 4000])]
    assert [i for _, i in quotes(apart, scores)] == [0, 1, 2, 3] and MAX_QUOTES == 4


def test_another_files_best_unit_is_quoted_when_the_quotes_come_from_one_or_two_files():
    from dataclasses import replace

    import numpy as np

    from index.answer.quotes import SECOND_FILE_RATIO, quotes
    from index.answer.units import Candidate

    ref = md_hit("The option `retries` sets how many times a download is tried. " + "x " * 600 + "It defaults to three.")
    guide = replace(md_hit("To make flaky downloads pass, raise `retries` in the config file."), id="c2", source="howto.md")
    first, far = 0, ref.text.index("It defaults")
    cands = [Candidate(ref, 0, first, 62, ref.text[:62]), Candidate(ref, 1, far, far + 21, "It defaults to three."),
             Candidate(guide, 0, 0, len(guide.text), guide.text)]
    scores = np.array([1.0, 0.8, SECOND_FILE_RATIO + 0.05])
    # The guide's unit scores under the bar to join (0.75 of the best), yet it is another
    # file: it comes last, as one more place to look.
    assert [i for _, i in quotes(cands, scores)] == [0, 1, 2]
    # Under SECOND_FILE_RATIO it does not.
    assert [i for _, i in quotes(cands, np.array([1.0, 0.8, SECOND_FILE_RATIO - 0.05]))] == [0, 1]
    # With two files quoted already, a third file's still comes; with three, no fourth.
    moved = [cands[0], replace(cands[1], hit=replace(ref, id="c3", source="other.md")), cands[2]]
    assert [i for _, i in quotes(moved, scores)] == [0, 1, 2]
    third = replace(md_hit("Retries back off exponentially, see `retries`."), id="c4", source="third.md")
    three = moved[:2] + [Candidate(third, 0, 0, len(third.text), third.text), cands[2]]
    assert [i for _, i in quotes(three, np.array([1.0, 0.8, 0.78, SECOND_FILE_RATIO + 0.05]))] == [0, 1, 2]
    # Nor when it says what a quote says already (docs repeat themselves across files).
    same = [cands[0], cands[1], replace(cands[2], text=cands[0].text)]
    assert [i for _, i in quotes(same, scores)] == [0, 1]
    # A unit read only for that place never answers first, however well it scores.
    assert [i for _, i in quotes(cands, np.array([1.0, 0.8, 2.0]), read=2)] == [0, 1, 2]
    assert [i for _, i in quotes(cands, np.array([1.0, 0.8, 2.0]))] == [2]  # read to answer, it does


def test_an_answer_takes_at_most_four_units_within_its_budget():
    import numpy as np

    from index.answer.quotes import ANSWER_CHARS, MAX_UNITS, select
    from index.answer.units import Candidate

    hit = md_hit("x" * 4000)
    cands = [Candidate(hit, k, k * 500, k * 500 + n, f"{k} " + "w" * (n - 2)) for k, n in enumerate([300, 300, 400, 200, 100])]
    chosen = select(cands, np.array([1.0, 0.95, 0.9, 0.85, 0.5]))
    assert chosen == [0, 1, 3]  # the 400-character one would pass 900; the fifth scores too low
    assert len(chosen) <= MAX_UNITS and sum(len(cands[i].text) for i in chosen) <= ANSWER_CHARS
    # The budget counts text as read: a link's target is not.
    linked = "See [the guide](https://example.org/" + "u" * 300 + ") for " + "w" * 200
    cands = [Candidate(hit, k, k * 800, k * 800 + len(t), t) for k, t in enumerate(["a" * 300, "b" * 300, linked])]
    assert select(cands, np.array([1.0, 0.95, 0.9])) == [0, 1, 2]
    assert select(cands[:2] + [Candidate(hit, 2, 1600, 1600 + 560, "c" * 560)], np.array([1.0, 0.95, 0.9])) == [0, 1]
    # Text another chosen unit already holds adds nothing (docs repeat their examples).
    other = md_hit("```bash\npoetry build\n```")
    dup = Candidate(other, 0, 0, 24, "```bash\npoetry build\n```")
    lead = Candidate(hit, 9, 0, 70, "The build command builds archives.\n\n```bash\npoetry build\n```")
    assert select([lead, dup], np.array([1.0, 0.99])) == [0]
    # A row the first unit holds may answer instead, but the bar to join stays the best's.
    table = "The options:\n\n| a | b |\n|---|---|\n| `port` | 8080 |\n"
    th = md_hit(table + "x" * 100)
    sec = Candidate(th, 0, 0, len(table), table, "section")
    row = Candidate(th, 1, table.index("| `port`"), len(table) - 1, "| `port` | 8080 |", "row")
    other = Candidate(md_hit("y" * 300), 0, 0, 50, "another unit entirely", "sentence")
    assert select([sec, row, other], np.array([1.0, 0.92, 0.75]), similarity=np.array([0.3, 0.6, 0.2])) == [1]


def test_a_best_sentence_gives_way_to_it_and_the_sentence_leaning_on_it():
    import numpy as np

    from index.answer.quotes import select
    from index.answer.units import candidates

    text = ("# Success\n\nWe don't support `response.is_ok` since the naming is ambiguous. "
            "Instead we provide the `response.is_success` property.\n")
    cands = candidates([md_hit(text)])
    kinds = [c.kind for c in cands]
    assert kinds == ["sentence", "pair"]  # the leaning sentence never stands alone
    assert [cands[i].kind for i in select(cands, np.array([1.0, 0.95]))] == ["pair"]
    assert [cands[i].kind for i in select(cands, np.array([1.0, 0.8]))] == ["sentence"]
    # It leans on it after a short opening phrase too.
    text = ("# Extra\n\nThe `extra_kwargs` option sets keyword arguments on fields. "
            "As in the case of `read_only_fields`, this means you need not declare the field.\n")
    assert [c.kind for c in candidates([md_hit(text)])] == ["sentence", "pair"]


def test_one_entry_repeated_by_several_pages_is_quoted_once():
    # Cargo's command pages each carry the same `--color` entry under their own HTML id:
    # as read they are one text, so the answer quotes it once.
    from dataclasses import replace

    from index.answer.quotes import _overlaps
    from index.answer.units import Candidate

    def entry(page):
        return (f'<dt class="option-term" id="option-cargo-{page}---color"><code>--color</code></dt>\n'
                '<dd class="option-desc"><p>Control when colored output is used.</p></dd>')

    a, b = md_hit(entry("add")), replace(md_hit(entry("publish")), id="c2", source="publish.md")
    ca, cb = Candidate(a, 0, 0, len(a.text), a.text), Candidate(b, 0, 0, len(b.text), b.text)
    assert ca.text != cb.text and _overlaps(ca, cb)
    other = replace(md_hit(entry("add").replace("colored output", "the progress bar")), id="c3", source="x.md")
    assert not _overlaps(ca, Candidate(other, 0, 0, len(other.text), other.text))


def test_an_indented_example_in_a_content_tab_is_shown_at_the_margin_under_its_tab():
    from dataclasses import replace

    # pydantic's install page: an example inside '=== "pip"' was shown with its lines
    # four spaces in (the closing fence then closes nothing in a chat) and without
    # saying which tool it is for. The quote itself stays exact.
    from index.answer.shown import shown_quote
    from index.answer.units import Candidate, candidates

    page = ("# Install\n\nTo install the extras:\n\n=== \"pip\"\n\n    ```bash\n    pip install 'pkg[email]'\n    ```\n\n"
            "=== \"uv\"\n\n    ```bash\n    uv add 'pkg[email]'\n    ```\n")
    hit = md_hit(page, "Install")
    code = [c for c in candidates([hit]) if c.text.startswith("```bash\n    uv add")]
    assert code and page[code[0].start : code[0].end] == code[0].text
    shown = shown_quote(code[0], 1)
    assert "uv:\n```bash\nuv add 'pkg[email]'\n```" in shown and "    " not in shown
    # A quote running from one tab into the next: the next tab's body at the margin
    # too, under its label (Ruff's Neovim setup showed it four spaces in, fences raw).
    s = page.index("```bash\n    pip")
    across = Candidate(hit, 0, s, len(page) - 1, page[s:-1], "section")
    assert "```bash\npip install 'pkg[email]'\n```\n\nuv:\n\n```bash\nuv add 'pkg[email]'\n```" in shown_quote(across, 1)
    # A quote from the margin running over the tabs ("run one of the following:" over a
    # tab per shell): each tab's body at the margin too (Ruff's shell completion).
    s = page.index("To install")
    lead = Candidate(hit, 0, s, len(page) - 1, page[s:-1], "lead")
    assert "extras:\n\npip:\n\n```bash\npip install 'pkg[email]'\n```\n\nuv:\n\n```bash\nuv add" in shown_quote(lead, 1)
    # A chunk opening on a tab's indented fence, its quote running on past the block to a
    # paragraph at the margin: dedented as deep as the fence, which then closes.
    tail = "    ```toml\n    line-length = 100\n    ```\n\nAll of the above rules apply.\n"
    chunk = replace(md_hit(tail[4:]), start=4, end=len(tail))
    shown = shown_quote(Candidate(chunk, 0, 4, len(tail) - 1, tail[4:-1], "section"), 1)
    assert "```toml\nline-length = 100\n```\n\nAll of the above rules apply." in shown


def test_a_quote_running_past_its_indented_block_keeps_the_code_after_it_as_written():
    # A quote begun in a note's body (four spaces in) ran on into a Python example at
    # the margin, whose own indentation was taken off with the note's (a reviewer's finding).
    from index.answer.shown import shown_quote
    from index.answer.units import Candidate

    page = ('!!! note\n    Required fields may be None.\n    Pass them anyway.\n\n'
            '```python\nclass Foo(BaseModel):\n    f1: str | None\n```\n')
    hit = md_hit(page, "Fields")
    s = page.index("Required")
    unit = Candidate(hit, 0, s, len(page) - 1, page[s:-1], "section")
    shown = shown_quote(unit, 1)
    assert "Required fields may be None.\nPass them anyway." in shown
    assert "class Foo(BaseModel):\n    f1: str | None\n```" in shown


def test_the_dedent_takes_columns_and_keeps_a_recipes_tab():
    from index.answer.shown import _dedented

    assert _dedented("```make\n    all:\n    \tcc a.c\n    ```", 4) == "```make\nall:\n\tcc a.c\n```"
    assert _dedented("```bash\n\tpip x\n\t```", 4) == "```bash\npip x\n```"  # a tab is four columns


LIST_PAGE = ("# Fix\n\nNot all problems are fixable, and the option does not work in these situations:\n\n"
             "1. It throws an error when code is piped to the linter.\n"
             "1. It has no effect on code that uses a processor.\n"
             "1. It skips files that are ignored.\n\n"
             "To fix code from stdin, use the `--fix-dry-run` option instead.\n")


def test_a_quote_of_a_section_that_stops_inside_a_list_ends_on_an_ellipsis():
    from dataclasses import replace

    from index.answer.shown import shown_quote
    from index.answer.units import Candidate

    hit = md_hit(LIST_PAGE, "Fix")
    s, e = LIST_PAGE.index("Not all"), LIST_PAGE.index(" linter.") + len(" linter.")
    # Two units of one section joined into one span (quotes.joined) are a "section" quote.
    span = Candidate(hit, 0, s, e, LIST_PAGE[s:e], "section")
    assert shown_quote(span, 1).endswith("piped to the linter. … [1]")
    last = LIST_PAGE.index("ignored.") + len("ignored.")
    assert "…" not in shown_quote(replace(span, end=last, text=LIST_PAGE[s:last]), 1)


def test_a_quote_carries_on_through_the_sentence_that_leans_on_its_last():
    # tox: "A range like `py{39-314}` will not do what you may expect. (It expands to 275
    # names.)" was quoted without "Instead, use `py3{9-14}`.", the advice the asker wanted.
    import numpy as np

    from index.answer.quotes import quotes
    from index.answer.units import candidates

    text = ("# Lists\n\nA range like `py{39-314}` will not do what you may expect. (It expands to 275 names.) "
            "Instead, use `py3{9-14}`.\n\nOther text about something else entirely.\n")
    cands = candidates([md_hit(text, "Lists")])
    kinds = {c.text: c.kind for c in cands}
    first = next(i for i, c in enumerate(cands) if c.text.startswith("A range like") and kinds[c.text] == "sentence")
    second = next(i for i, c in enumerate(cands) if c.text == "(It expands to 275 names.)")
    scores = np.array([1.0 if i == first else 0.95 if i == second else 0.1 for i in range(len(cands))])
    (c, i), *_ = quotes(cands, scores)
    assert i == first and c.text.endswith("(It expands to 275 names.) Instead, use `py3{9-14}`.")
    assert text[c.start - cands[first].hit.start : c.end - cands[first].hit.start] == c.text
    # Nor through an introduction: without what it introduces, it would dangle.
    text2 = "# Ranges\n\nUse `3.{10-}` for ranges. This expands from the oldest version. Both forms can be mixed:\n"
    cands2 = candidates([md_hit(text2, "Ranges")])
    top = next(i for i, c in enumerate(cands2) if c.text == "Use `3.{10-}` for ranges. This expands from the oldest version.")
    shown = quotes(cands2, np.array([1.0 if i == top else 0.1 for i in range(len(cands2))]))
    assert shown[0][0].text == cands2[top].text
    # A quote whose next sentence stands alone stays as it was.
    alone = next(i for i, c in enumerate(cands) if c.text.startswith("Other text"))
    scores = np.array([1.0 if i == alone else 0.1 for i in range(len(cands))])
    assert quotes(cands, scores)[0][0].text == "Other text about something else entirely."
