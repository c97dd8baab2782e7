"""kill -9 during indexing, concurrent writers and readers: the store stays sound."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from test_sync import make, rebuild_equals, snapshot, text_of  # noqa: F401

WORKER = Path(__file__).parent / "slow_indexer.py"


def start_worker(cited, src):
    s = cited.settings
    extra = [s.chroma_host, str(s.chroma_port), s.collection] if s.chroma_host else []
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(s.data_dir), str(src), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def fill(src, n, variant):
    src.mkdir(exist_ok=True)
    for i in range(n):
        (src / f"f{i:03d}.txt").write_text(text_of(range(i + variant, i + variant + 5)) + f" Version {variant}.")


def assert_whole_versions(cited, src_versions):
    """Every file the store answers from is whole: all its live chunks (those the
    manifest backs; orphans of the killed run are ignored) come from one version."""
    cited.store.refresh()
    manifest = cited.store.manifest()
    texts = {}
    for row in cited.store.iter_chunks(include=("documents", "metadatas")):
        m = row["metadatas"]
        if manifest.get(m["path"]) and manifest[m["path"]].sha == m["sha"]:
            texts.setdefault(m["path"], []).append(row["documents"])
    assert set(texts) == set(manifest)
    for path, parts in texts.items():
        versions = {w for w in src_versions if f"Version {w}." in " ".join(parts)}
        assert len(versions) == 1, (path, versions)
        assert len(parts) == manifest[path].chunks


@pytest.mark.parametrize("kill_after", [1, 4, 9])
def test_kill_9_mid_index_then_next_run_repairs(tmp_path, backend, kill_after):
    src = tmp_path / "src"
    fill(src, 12, 0)
    cited = make(tmp_path, backend)
    cited.index(src)  # last good state: version 0
    fill(src, 24, 1)  # 12 changed, 12 new
    proc = start_worker(cited, src)
    seen = 0
    for line in proc.stdout:
        if line.startswith("progress"):
            seen += 1
            if seen > kill_after:
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()

    # The killed store still answers, from whole files of either version.
    reader = make(tmp_path, backend)
    hits = reader.searcher.search("Bees dance to tell the hive", k=5)
    assert hits
    assert_whole_versions(reader, [0, 1])
    # The next run finishes the job: equal to a full rebuild.
    report = reader.index(src)
    assert report.touched
    rebuild_equals(tmp_path, backend, src, reader)


def test_second_index_waits_or_refuses(tmp_path):
    src = tmp_path / "src"
    fill(src, 16, 0)
    cited = make(tmp_path, {})
    proc = start_worker(cited, src)
    assert proc.stdout.readline().startswith("progress")
    r = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(cited.settings.data_dir), "index", str(src)],
        capture_output=True, text=True, env={k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
        cwd=Path(__file__).parent.parent,
    )
    assert r.returncode == 1 and "another `cited index`" in r.stderr and "Traceback" not in r.stderr
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    snapshot(cited)


def test_queries_during_reindex_see_old_or_new_never_half(tmp_path, backend):
    src = tmp_path / "src"
    fill(src, 10, 0)
    cited = make(tmp_path, backend)
    cited.index(src)
    fill(src, 10, 1)
    errors, answered = [], []
    stop = threading.Event()

    def ask_repeatedly():
        reader = make(tmp_path, backend)
        while not stop.is_set():
            try:
                hits = reader.searcher.search("Copper turns green Version", k=10)
                by_path = {}
                for h in hits:
                    v = "1" if "Version 1." in h.text else "0" if "Version 0." in h.text else None
                    if v:
                        by_path.setdefault(h.source, set()).add(v)
                assert all(len(v) == 1 for v in by_path.values()), by_path
                answered.append(len(hits))
            except Exception as e:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(e))

    t = threading.Thread(target=ask_repeatedly)
    t.start()
    proc = start_worker(cited, src)
    out, err = proc.communicate(timeout=180)
    stop.set()
    t.join()
    assert proc.returncode == 0, err
    assert errors == []
    assert len(answered) > 5 and all(n > 0 for n in answered)
