"""Terminal output for the `cited` command: everything it prints, and where.

Results go to stdout (``out``): an answer with its numbered citations and quotes, the
table of sources, the store's status, evaluation metrics. Everything else goes to
stderr (``err``), so piped stdout holds the result alone: files skipped while indexing,
notes on a written answer, progress bars (on a terminal only), errors. A written
answer's draft is shown while it arrives on a terminal and replaced by the checked
answer. Names are escaped by printable() and printed with markup=False or in a rich
Text, so neither a newline nor "[bold]" in a file name changes the output.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import asdict

from rich.console import Console

from index.sources import printable

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_report(report, console: Console = out) -> None:
    for s in report.skipped:
        err.print(f"skipped {printable(s.rel)}: {printable(s.reason)}", markup=False)
    console.print(report.summary(), markup=False)


@contextmanager
def index_progress():
    """A bar on stderr while indexing (on a terminal); yields the progress callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    ) as bar:
        task = None

        def progress(done: int, total: int) -> None:
            nonlocal task
            # A bar only when there is enough work to watch.
            if total <= 5:
                return
            if task is None:
                task = bar.add_task("index", total=total)
            bar.update(task, completed=done)

        yield progress


def print_answer(ans) -> None:
    out.print(ans.answer, markup=False)
    if ans.citations:
        out.print()
    for c in ans.citations:
        out.print(f"[{c.n}] {printable(c.where())} (score {c.score:.2f})", markup=False)
        # An extractive answer is its quotes: printed again, every answer would read
        # twice. A written answer's sentences are the model's, so its quotes show.
        # Compared white space aside: the answer shows an indented quote at the margin.
        if " ".join(c.as_read(marks=True).split()) not in " ".join(ans.answer.split()):
            out.print(f"    \u201c{c.as_read()}\u201d", markup=False)


def print_note(written) -> None:
    """A written answer's fall-back reason, or how many of its sentences were removed,
    in one line on stderr."""
    ans = written.answer
    if written.note:
        err.print(f"note: {written.note}", markup=False)
    elif ans.mode == "written" and ans.dropped_sentences:
        n = ans.dropped_sentences
        err.print(f"note: {n} written sentence{'s' if n > 1 else ''} the sources do not support "
                  f"{'were' if n > 1 else 'was'} removed", markup=False)


class Draft:
    """The model's text shown as it arrives, on a terminal only, then replaced by the
    checked answer (rich's transient Live): piped output holds the checked answer alone."""

    def __init__(self, enabled: bool):
        self.live = None
        self.text = ""
        if enabled and out.is_terminal:
            from rich.live import Live

            self.live = Live("", console=out, transient=True, refresh_per_second=8)

    def __enter__(self):
        if self.live is not None:
            self.live.__enter__()
        return self

    def __exit__(self, *exc):
        if self.live is not None:
            self.live.__exit__(*exc)

    def feed(self, piece: str) -> None:
        from rich.text import Text

        self.text += piece
        if self.live is not None:
            self.live.update(Text(self.text + " …", style="dim"))


def print_sources(records) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table("source", "chunks", "indexed at")
    for r in records:
        # Text, not str: a name like "x[/]y.txt" is not read as Rich markup.
        table.add_row(Text(printable(r.path)), str(r.chunks), Text(printable(r.indexed_at)))
    out.print(table)
    n, chunks = len(records), sum(r.chunks for r in records)
    out.print(f"{n} file{'s' * (n != 1)}, {chunks} chunk{'s' * (chunks != 1)}", markup=False)


def print_status(st) -> None:
    for k, v in asdict(st).items():
        if k != "problem":
            out.print(f"{k:>15}: {v}", markup=False)
    if st.problem:
        err.print(f"note: {st.problem}", markup=False)


def ticker(label: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=err, transient=True, disable=not err.is_terminal)
    task = bar.add_task(label, total=None)

    def tick(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, tick


def print_metrics(title: str, result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table("metric", "value", title=title)
    for k, v in result.items():
        if isinstance(v, dict):
            v = ", ".join(f"{a} {b}" for a, b in v.items())
        elif isinstance(v, list):
            continue
        table.add_row(k, str(v))
    out.print(table)
