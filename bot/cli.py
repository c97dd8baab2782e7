"""The `cited` command line. It only parses, calls the library and hands the results to
bot.cli_render, which prints them."""

from __future__ import annotations

import functools
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import List, Optional

import typer

from bot.cli_render import (Draft, err, index_progress, out, print_answer, print_metrics, print_note, print_report,
                            print_sources, print_status, ticker)
from bot.settings import BotSettings as Settings
from index.errors import CitedError, NoStore
from index.sources import printable

app = typer.Typer(
    help="Answer questions from a folder of documents, with cited passages.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj


def edge(fn):
    """Turn cited's errors into one line and an exit code; never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except CitedError as e:
            err.print(f"error: {e}", markup=False)
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            err.print("interrupted", markup=False)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader left (`cited sources | head`): nothing more to say, and the
            # interpreter's last flush must not fail on the closed pipe either.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(141) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as e:  # noqa: BLE001 - the edge: a bug is one line for the user, the traceback on request
            if os.environ.get("CITED_DEBUG") or "PYTEST_CURRENT_TEST" in os.environ:
                raise  # tests and developers need the real failure
            first = str(e).splitlines()[0] if str(e) else ""
            err.print(f"error: unexpected {type(e).__name__}: {first} (set CITED_DEBUG=1 for details)", markup=False)
            raise typer.Exit(1) from None

    return wrapper


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Store folder (env CITED_DATA_DIR, default .cited)"),
    chroma_host: Optional[str] = typer.Option(None, "--chroma-host", help="Use a Chroma server (env CITED_CHROMA_HOST)"),
    chroma_port: Optional[int] = typer.Option(None, "--chroma-port", help="Chroma server port (env CITED_CHROMA_PORT)"),
):
    """cited: answers from your documents, always with their sources."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from index.settings import load_settings

    overrides = {"data_dir": data_dir, "chroma_host": chroma_host, "chroma_port": chroma_port}
    try:
        ctx.obj = load_settings(Settings, **{k: v for k, v in overrides.items() if v is not None})
    except CitedError as e:  # a bad flag, a bad value in .env or the environment, an unreadable .env
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(e.exit_code) from None
    ctx.meta["data_dir_flag"] = data_dir is not None


def _service(settings: Settings):
    from index.cited import Cited

    return Cited(settings)


def _index(cited, folder: Path | None, rebuild: bool = False, wait: float = 0, prune: bool = True):
    with index_progress() as progress:
        return cited.index(folder, progress=progress, rebuild=rebuild, wait=wait, prune=prune)


@app.command("index")
@edge
def index_cmd(
    ctx: typer.Context,
    folder: Optional[Path] = typer.Argument(None, help="Sources folder (env CITED_SOURCES, else the folder last indexed, else the bundled seeds/)"),
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the store and index everything again."),
    watch: bool = typer.Option(False, "--watch", help="Keep watching the folder and re-index on changes."),
    wait: float = typer.Option(0, "--wait", help="Seconds to wait for another running index to finish."),
    prune: bool = typer.Option(
        False, "--prune", "--yes", help="Allow a run that removes more than half of the indexed files."
    ),
):
    """Index a folder of sources (only what changed since the last run)."""
    settings = _settings(ctx)
    cited = _service(settings)
    folder = folder or cited.sources_folder()
    print_report(_index(cited, folder, rebuild, wait, prune=prune))
    if watch:
        from index.watch import watch_folder

        err.print(f"watching {folder} (Ctrl-C to stop)", markup=False)
        for _ in watch_folder(folder, ignore=Path(settings.data_dir)):
            try:
                print_report(_index(cited, folder, wait=30, prune=prune))
            except CitedError as e:
                err.print(f"error: {e}", markup=False)


def _ensure_indexed(cited, ctx: typer.Context) -> None:
    # Only a store that does not exist at all gets the seeds: a damaged one raises
    # StoreDamaged here (one line, exit 1) rather than being indexed over, and a
    # --data-dir naming a folder that does not exist is a typo until `cited index` says
    # otherwise (a CITED_DATA_DIR set once in .env is a choice: it gets the seeds).
    s = cited.settings
    typed = ctx.meta.get("data_dir_flag", False)
    if typed and not s.chroma_host and not Path(s.data_dir).exists():
        raise NoStore(f"there is no store at {printable(str(s.data_dir))} (no such folder); "
                      f"build one with `cited --data-dir {printable(str(s.data_dir))} index FOLDER`")
    if not cited.store.exists():
        folder = cited.sources_folder()
        where = f"{s.chroma_host}:{s.chroma_port}" if s.chroma_host else str(s.data_dir)
        err.print(f"No store at {printable(where)} yet: indexing {printable(str(folder))} first "
                  f"(`cited index FOLDER` indexes your own documents).", markup=False)
        print_report(_index(cited, folder), console=err)  # stdout stays the answer alone
    elif not s.chroma_host and cited.interrupted():
        err.print("note: a `cited index` is under way or did not finish; answers come from what it had indexed. "
                  "If none is running, run `cited index` to repair the store.", markup=False)


def _answer(cited, question: str, *, as_json: bool = False, history=None, top_k=None, within=None):
    """Ask, streaming a written answer's draft on a terminal, and print the checked
    answer; a fall-back's reason and dropped sentences go to stderr in one line."""
    written_mode = bool(cited.settings.llm_url)
    with Draft(written_mode and not as_json) as draft:
        written = cited.ask_written(question, history=history, top_k=top_k, within=within,
                                    on_text=draft.feed if written_mode else None)
    ans = written.answer
    if as_json:
        print(json.dumps(ans.to_dict(), ensure_ascii=False))
    else:
        print_answer(ans)
    print_note(written)
    return ans


WITHIN_HELP = ("Search only these sources: a glob such as '*.pdf' or 'reports/2024-*', a folder, a file's name, "
               "or a path to one of them from here; repeatable.")


@app.command()
@edge
def ask(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="The question to answer."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    k: Optional[int] = typer.Option(None, "-k", min=1, max=50, help="Passages searched, and given to a language model (env CITED_TOP_K, default 5; an extractive answer reads the best 3 and quotes at most 4 of their units)"),
    within: Optional[List[str]] = typer.Option(None, "--in", help=WITHIN_HELP),
):
    """Answer one question from the indexed sources."""
    from index.answer import validate_question

    settings = _settings(ctx)
    validate_question(question, settings.max_question_chars)
    cited = _service(settings)
    _ensure_indexed(cited, ctx)
    _answer(cited, question, as_json=as_json, top_k=k, within=within)


@app.command()
@edge
def chat(ctx: typer.Context, within: Optional[List[str]] = typer.Option(None, "--in", help=WITHIN_HELP)):
    """Ask questions one after another; follow-ups are understood in context."""
    from index.conversation import Conversation

    cited = _service(_settings(ctx))
    _ensure_indexed(cited, ctx)
    if within:
        cited.select_sources(within)  # a filter matching nothing is refused before the first question
    conv = Conversation()
    err.print("Ask a question (empty line or Ctrl-D to quit).", markup=False)
    while True:
        try:
            line = input("? ")
        except EOFError:
            break
        if not line.strip() or line.strip() in ("exit", "quit"):
            break
        try:
            ans = _answer(cited, line, history=conv.questions, within=within)
        except CitedError as e:
            err.print(f"error: {e}", markup=False)
            continue
        conv.add(ans.question)
        out.print()


@app.command()
@edge
def sources(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """List the indexed files, their chunk counts and when they were indexed."""
    cited = _service(_settings(ctx))
    if not cited.on_disk():  # a mistyped --data-dir: say so, create nothing
        err.print(f"no store at {printable(str(cited.settings.data_dir))} yet: `cited index FOLDER` builds one",
                  markup=False)
    records = cited.sources()
    if as_json:
        print(json.dumps([asdict(r) for r in records], ensure_ascii=False))
        return
    print_sources(records)


@app.command()
@edge
def status(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Show where the store is, what it holds and which model built it."""
    st = _service(_settings(ctx)).status()
    if as_json:
        print(json.dumps(asdict(st)))
        return
    print_status(st)


eval_app = typer.Typer(help="Measure retrieval and answer quality on BEIR, SQuAD or your own checks.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


def _eval_store(ctx: typer.Context, store: Optional[Path]):
    """A Cited over its own store: ``store`` if given, else a temporary folder removed
    afterwards (the returned cleanup does that)."""
    import shutil
    import tempfile

    from index.cited import Cited

    folder = Path(store) if store else Path(tempfile.mkdtemp(prefix="cited-eval-"))
    settings = _settings(ctx).model_copy(update={"data_dir": folder / "data", "chroma_host": None,
                                                 "collection": "cited-eval", "sources": folder / "sources"})
    cleanup = (lambda: shutil.rmtree(folder, ignore_errors=True)) if not store else (lambda: None)
    return Cited(settings), cleanup


_limit = typer.Option(None, "--limit", min=1, help="Only the first N queries or questions.")
_store = typer.Option(None, "--store", help="Keep the evaluation store in this folder (default: a temporary one).")
_json = typer.Option(False, "--json", help="Print one JSON object.")


def _run_eval(ctx, store, write_sources, run, label: str, title: str, as_json: bool) -> None:
    """Index a data set into its own store, run the evaluation with a progress bar,
    clean up, print the metrics."""
    cited, cleanup = _eval_store(ctx, store)
    try:
        write_sources(cited.settings.sources)
        _index(cited, cited.settings.sources)
        bar, tick = ticker(label)
        with bar:
            result = run(cited, tick)
    finally:
        cleanup()
    print_metrics(title, result, as_json)


@eval_app.command("beir")
@edge
def eval_beir_cmd(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="BEIR folder: corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv"),
    split: str = typer.Option("test", "--split", help="Which qrels file to score against."),
    limit: Optional[int] = _limit, store: Optional[Path] = _store, as_json: bool = _json,
):
    """Index a BEIR corpus and report nDCG@10, Recall@100, MRR@10 and latency."""
    from index.evaluation import eval_beir, load_beir, write_beir_sources

    data = load_beir(folder, split)
    _run_eval(ctx, store, lambda dst: write_beir_sources(data, dst), lambda c, tick: eval_beir(c, data, limit, tick),
              "queries", f"BEIR {folder} ({split})", as_json)


@eval_app.command("squad")
@edge
def eval_squad_cmd(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="SQuAD v1.1 JSON file"),
    limit: Optional[int] = _limit, store: Optional[Path] = _store, as_json: bool = _json,
):
    """Index every SQuAD paragraph, ask every question as `cited ask` would, score the answers."""
    from index.evaluation import eval_squad, load_squad, write_sources

    paragraphs, questions = load_squad(file)
    asked = questions[:limit] if limit else questions
    _run_eval(ctx, store, lambda dst: write_sources(paragraphs, dst), lambda c, tick: eval_squad(c, asked, tick),
              "questions", f"SQuAD {file}", as_json)


@eval_app.command("questions")
@edge
def eval_questions_cmd(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help='JSON lines: {"q": ..., "expect": \\[words]} or {"q": ..., "abstain": true}'),
    limit: Optional[int] = _limit, as_json: bool = _json,
):
    """Run your own checks against the current store; list the ones that fail."""
    from index.evaluation import eval_checks, load_checks

    checks = load_checks(file)
    cited = _service(_settings(ctx))
    _ensure_indexed(cited, ctx)
    bar, tick = ticker("checks")
    with bar:
        result = eval_checks(cited, checks[:limit] if limit else checks, tick)
    if not as_json:
        for f in result["failures"]:
            out.print(f"FAIL {f['q']}: {f['why']}", markup=False)
    print_metrics(f"checks in {file}", result, as_json)
    if result["failures"]:
        raise typer.Exit(1)


@app.command()
@edge
def discord(
    ctx: typer.Context,
    sync: bool = typer.Option(False, "--sync", help="Sync the slash commands with Discord even if they look unchanged."),
):
    """Run the Discord bot (token from DISCORD_TOKEN in the environment or .env)."""
    from bot.discord_run import run

    run(_settings(ctx), sync=True if sync else None)


feedback_app = typer.Typer(help="Readers' 👍/👎 votes on the Discord bot's answers.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
@edge
def feedback_export_cmd(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Where to write the checks (JSON lines for `cited eval questions`)."),
):
    """Write the questions voted 👎 as checks; fill in each "expect" with the words a good answer needs."""
    from index.feedback import FeedbackLog

    n = FeedbackLog(Path(_settings(ctx).data_dir)).export_checks(file)
    if not n:
        err.print("no question has been voted 👎 yet: nothing written", markup=False)
        return
    err.print(f"{n} questions voted 👎 written to {printable(str(file))}; fill in \"expect\", then run "
              f"`cited eval questions {printable(str(file))}`", markup=False)


def entry() -> int:  # console script
    """Run the CLI. Usage errors are one line and exit 2 (click would draw a box)."""
    try:
        code = app(prog_name="cited", standalone_mode=False)
    except typer.Abort:
        err.print("interrupted", markup=False)
        return 130
    except Exception as e:
        # Typer vendors click privately (typer._click), so its exceptions are told
        # apart by class name rather than imported.
        kinds = {c.__name__ for c in type(e).__mro__}
        ctx = getattr(e, "ctx", None)
        if "NoArgsIsHelpError" in kinds:
            out.print(ctx.get_help() if ctx else "", markup=False)
            return 0
        if "ClickException" not in kinds:
            raise
        message = e.format_message()
        if "No such option" in message and ctx is not None and ctx.info_name == "ask":
            message += ' (a question starting with "-" goes after --: cited ask -- "-x?")'
        err.print(f"error: {message}", markup=False)
        return e.exit_code
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(entry())
