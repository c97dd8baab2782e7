"""The `cited` command as a user runs it: real processes, exit codes, output shape."""

import json
import re
import os
import subprocess
import sys

import pytest
from typer.main import get_command

from bot.cli import app
from conftest import SEEDS


def cited(*args, input=None, env=None, timeout=240):
    full_env = {**os.environ, **(env or {})}
    full_env.pop("PYTEST_CURRENT_TEST", None)  # the CLI hides tracebacks only outside pytest
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, input=input, env=full_env, timeout=timeout
    )


@pytest.fixture
def indexed(tmp_path):
    r = cited("index", str(SEEDS))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "1 added, 0 changed, 0 removed, 0 unchanged"
    return tmp_path


def test_ask_on_empty_store_indexes_seeds_first_and_answers_json():
    r = cited("ask", "Which two companies joined the UN Global Compact?", "--json")
    assert r.returncode == 0, r.stderr
    assert "indexing" in r.stderr and "seeds" in r.stderr
    data = json.loads(r.stdout)  # exactly one JSON object on stdout
    assert set(data) == {"question", "answer", "abstained", "citations", "timings_ms"}
    assert data["abstained"] is False
    assert set(data["timings_ms"]) == {"retrieve", "answer", "total"}
    for c in data["citations"]:
        assert set(c) == {"n", "source", "page", "start", "end", "quote", "score", "section"}
        text = (SEEDS / c["source"]).read_text(encoding="utf-8")
        assert text[c["start"] : c["end"]] == c["quote"]
    assert "Hikvision" in data["answer"] and "Dahua" in data["answer"]


def test_ask_within_some_sources(indexed):
    r = cited("ask", "Which two companies joined the UN Global Compact?", "--in", "hikvision*", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert not data["abstained"] and {c["source"] for c in data["citations"]} == {"hikvision-dahua-un-global-compact.txt"}
    r = cited("ask", "Which two companies joined the UN Global Compact?", "--in", "reports/*")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip() == "error: no indexed source matches 'reports/*' (see `cited sources`)"


def test_abstention_exits_zero(indexed):
    r = cited("ask", "What is the capital of France?", "--json")
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert data["abstained"] is True and data["citations"] == []


def test_text_output_shows_markers_and_sources(indexed):
    r = cited("ask", "Which two companies joined the UN Global Compact?", "-k", "3")
    assert r.returncode == 0, r.stderr
    assert "[1]" in r.stdout and "hikvision-dahua-un-global-compact.txt" in r.stdout
    # A reader is pointed at the line as well as the offsets.
    assert re.search(r"hikvision-dahua-un-global-compact\.txt, lines? \d+(-\d+)?, chars \d+-\d+ \(score", r.stdout)
    # The answer is its quotes: they are not printed a second time under the citations.
    assert r.stdout.count("Two Chinese manufacturers of video surveillance equipment") == 1


@pytest.mark.parametrize(
    "question, message",
    [("", "empty"), ("q" * 2001, "2,000"), ("bad\x01question", "control characters")],
)
def test_bad_questions_exit_2_with_one_line(question, message):
    r = cited("ask", question)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and message in r.stderr and "Traceback" not in r.stderr


def test_bad_usage_exits_2():
    r = cited("ask")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = cited("ask", "x?", "-k", "0")
    assert r.returncode == 2


def test_missing_folder_is_one_line_exit_1(tmp_path):
    r = cited("index", str(tmp_path / "does-not-exist"))
    assert r.returncode == 1
    assert r.stderr.strip().startswith("error: sources folder") and "Traceback" not in r.stderr
    assert not (tmp_path / ".cited").exists()  # not even a lock file or an empty chroma.sqlite3
    # ...and leaves no store behind: the next `cited ask` still indexes the seeds and
    # answers (an empty store made before the check once answered nothing, exit 0).
    r = cited("ask", "Which two companies joined the UN Global Compact?", "--json")
    assert r.returncode == 0 and "indexing" in r.stderr and not json.loads(r.stdout)["abstained"]
    (tmp_path / "afile.txt").write_text("x")
    r = cited("index", str(tmp_path / "afile.txt"))
    assert r.returncode == 1 and "is a file" in r.stderr


def test_model_or_chunking_mismatch_is_refused(indexed):
    r = cited("ask", "Which companies?", env={"CITED_CHUNK_SIZE": "128"})
    assert r.returncode == 1
    assert "chunk_size=256" in r.stderr and "--rebuild" in r.stderr and "Traceback" not in r.stderr
    # `cited status`, where one looks next, describes the store as built, and says why it is refused.
    r = cited("status", "--json", env={"CITED_CHUNK_SIZE": "128"})
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    assert st["chunk_size"] == 256 and st["files"] == 1 and "chunk_size=256" in st["problem"]
    r = cited("index", "--rebuild", str(SEEDS), env={"CITED_CHUNK_SIZE": "128"})
    assert r.returncode == 0, r.stderr
    r = cited("ask", "Which companies joined?", "--json", env={"CITED_CHUNK_SIZE": "128"})
    assert r.returncode == 0 and not json.loads(r.stdout)["abstained"]


def test_sources_and_status(indexed):
    r = cited("sources", "--json")
    rows = json.loads(r.stdout)
    assert [x["path"] for x in rows] == ["hikvision-dahua-un-global-compact.txt"]
    assert rows[0]["chunks"] >= 1 and rows[0]["indexed_at"]
    st = json.loads(cited("status", "--json").stdout)
    assert st["files"] == 1 and st["chunks"] == rows[0]["chunks"] and st["model"] == "all-MiniLM-L6-v2"
    assert st["store"].endswith(os.path.join(".cited", "chroma"))
    assert "hikvision" in cited("sources").stdout


def test_reindex_without_changes_touches_nothing(indexed):
    r = cited("index", str(SEEDS))
    assert r.stdout.strip() == "0 added, 0 changed, 0 removed, 1 unchanged"


def test_index_without_a_folder_keeps_to_the_folder_last_indexed(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "retries.md").write_text("# Retries\n\nA failed download is tried three more times.\n")
    assert cited("index", str(docs)).returncode == 0
    # `cited index` (and /reindex, --watch) read ./docs again, not the bundled seeds.
    r = cited("index")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "0 added, 0 changed, 0 removed, 1 unchanged"
    assert json.loads(cited("status", "--json").stdout)["sources"] == str(docs.resolve())
    # CITED_SOURCES, when set, is the folder: here it would remove every indexed file.
    r = cited("index", env={"CITED_SOURCES": str(SEEDS)})
    assert r.returncode != 0 and "remove" in r.stderr


def test_the_demo_store_gives_way_to_the_users_folder(tmp_path):
    # The quick start: `cited ask` builds the store from the bundled seeds; then the user
    # indexes their own docs, with no --prune to learn first.
    assert cited("ask", "Which two companies joined the UN Global Compact?").returncode == 0
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "retries.md").write_text("# Retries\n\nA failed download is tried three more times.\n")
    r = cited("index", str(docs))
    assert r.returncode == 0 and r.stdout.strip() == "1 added, 0 changed, 1 removed, 0 unchanged", r.stderr
    assert cited("sources").stdout.strip().endswith("1 file, 1 chunk")
    # A store of the user's own files is not replaced by another folder unasked, and
    # the refusal says which folder the store holds.
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("Unrelated notes.\n")
    r = cited("index", str(other))
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert f"the store was indexed from {docs.resolve()}, not {other}" in r.stderr and "--prune" in r.stderr


def test_status_of_a_store_not_built_yet_creates_nothing(tmp_path):
    where = tmp_path / "typo"
    r = cited("--data-dir", str(where), "status", "--json")
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    assert st["files"] == 0 and "no store yet" in st["store"]
    assert not where.exists()


def test_chat_understands_follow_ups(indexed):
    r = cited("chat", input="Which two companies joined the UN Global Compact?\nWhich of them is state-owned?\n")
    assert r.returncode == 0, r.stderr
    assert "state-owned Hikvision" in r.stdout
    assert r.stdout.count("[1]") >= 2


def test_every_command_has_help():
    group = get_command(app)
    for name, cmd in group.commands.items():
        assert cmd.help and len(cmd.help) > 10, name
        for p in cmd.params:
            if p.name not in ("ctx",) and getattr(p, "help", None) is not None:
                assert p.help.strip(), (name, p.name)


def test_discord_without_token_is_one_line_exit_1(indexed):
    r = cited("discord", env={"DISCORD_TOKEN": ""})
    assert r.returncode == 1 and r.stderr.strip() == (
        "error: DISCORD_TOKEN is not set: put it in the environment or in .env (see .env.example and the README)")


def test_discord_with_a_bad_token_is_one_line_exit_1(indexed):
    # Here Discord is unreachable; elsewhere Discord rejects the token. Either way: one line, exit 1.
    r = cited("discord", env={"DISCORD_TOKEN": "not.a.real-token"}, timeout=120)
    assert r.returncode == 1, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Discord" in errors[0] and "Traceback" not in r.stderr


@pytest.mark.parametrize("var,value,allowed", [
    ("CITED_EMBED_BACKEND", "onxx", "'onnx' or 'torch'"),
    ("CITED_INDEX_PRECISION", "fp16", "'fp32' or 'int8'"),
    ("CITED_COLLECTION", "a b", "should match pattern"),  # Chroma's rule, told before anything opens
    ("CITED_CHUNK_OVERLAP", "100", "less than or equal to 64"),
    ("CITED_DATA_DIR", "", "is empty"),  # not the current folder
    ("CITED_DISCORD_RATE_LIMIT", "0", "greater than or equal to 1"),
    ("CITED_CHROMA_PORT", "0", "greater than or equal to 1"),
])
def test_bad_setting_is_one_line_exit_2_naming_allowed_values(tmp_path, var, value, allowed):
    import os
    import sys

    env = {**os.environ, var: value}
    r = subprocess.run([sys.executable, "-m", "bot.cli", "status"], capture_output=True, text=True, env=env,
                       cwd=tmp_path, timeout=120)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and var in lines[0] and allowed in lines[0], r.stderr


def test_a_smaller_chunk_size_brings_the_default_overlap_down():
    from index.settings import Settings

    assert Settings(chunk_size=100).chunk_overlap == 25 and Settings().chunk_overlap == 32


def test_a_dotenv_that_is_not_utf8_is_one_line_exit_2(tmp_path):
    (tmp_path / ".env").write_bytes(b"CITED_SOURCES=./R\xe9sum\xe9s\n")  # cp1252, from a Windows editor
    r = subprocess.run([sys.executable, "-m", "bot.cli", "status"], capture_output=True, text=True, cwd=tmp_path,
                       timeout=120)
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        "error: cannot read .env: it is not UTF-8 text (invalid continuation byte at byte 17); save it as UTF-8"]


@pytest.mark.parametrize("args,expect", [
    (["ask", "-foo?"], "No such option"),
    (["ask", "-k", "0", "hello?"], "greater than or equal to 1"),
    (["--chroma-port", "-5", "status"], "--chroma-port=-5: Input should be greater than or equal to 1"),
    (["--chroma-port", "70000", "--chroma-host", "localhost", "status"], "less than or equal to 65535"),
])
def test_usage_errors_are_one_line_exit_2(tmp_path, args, expect):
    import sys

    r = subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, cwd=tmp_path,
                       timeout=120)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expect in lines[0], r.stderr


def test_a_store_from_a_newer_cited_is_one_line_exit_1(tmp_path):
    # A store whose schema is newer than this version reads is refused, never mixed.
    import sys

    import chromadb

    data = tmp_path / ".cited"
    env = {**os.environ, "CITED_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    r = subprocess.run([sys.executable, "-m", "bot.cli", "index"], capture_output=True, text=True, env=env,
                       cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr
    client = chromadb.PersistentClient(path=str(data / "chroma"))
    col = client.get_collection("cited")
    col.modify(metadata={**col.metadata, "schema": "99"})
    del client
    r = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "Which companies joined?"], capture_output=True,
                       text=True, env=env, cwd=tmp_path, timeout=300)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "newer version of cited" in lines[0], r.stderr


def test_readme_seed_examples_answer_as_shown(tmp_path):
    # The README opens with `cited ask` over the bundled seeds: each shown command must
    # still print what the README shows under it (its first 60 characters).
    import re
    import sys

    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("```", 2)[1]  # the first example block
    examples = re.findall(r'^\$ cited ask "([^"]+)"\n(.+)$', block, re.M)
    assert len(examples) >= 3
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "CITED_DATA_DIR": str(tmp_path / ".cited")}
    for question, shown in examples:
        r = subprocess.run([sys.executable, "-m", "bot.cli", "ask", question], capture_output=True, text=True,
                           env=env, cwd=tmp_path, timeout=300)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith(shown[:60]), (question, r.stdout[:200])


def test_a_home_relative_folder_setting_is_expanded(monkeypatch, tmp_path):
    # A .env line "CITED_CACHE_DIR=~/.cache/cited" passes through no shell.
    from index.settings import Settings

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CITED_CACHE_DIR", "~/.cache/cited")
    s = Settings(data_dir="~/store")
    assert s.cache_dir == tmp_path / ".cache" / "cited" and s.data_dir == tmp_path / "store"


def test_feedback_export_says_when_there_is_nothing_or_it_cannot_write(tmp_path):
    r = cited("feedback", "export", str(tmp_path / "checks.jsonl"))
    assert r.returncode == 0 and "no question has been voted" in r.stderr
    assert not (tmp_path / "checks.jsonl").exists()
    from index.errors import CitedError
    from index.feedback import FeedbackLog, Vote

    log = FeedbackLog(tmp_path / "data")
    log.record(Vote(vote="down", question="Who?", answer="Nobody. [1]"))
    with pytest.raises(CitedError, match="cannot write"):
        log.export_checks(tmp_path / "no-such-folder" / "checks.jsonl")
