"""Watching a folder, odd file names, files vanishing mid-index, a shared Chroma server."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import index.sync as sync_mod
from test_sync import make, rebuild_equals, text_of

REPO = Path(__file__).resolve().parent.parent


def env():
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


def wait_for(predicate, timeout=60, every=0.3):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(every)
    return False


def test_odd_and_non_utf8_names(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "weird name (1) — ü ' \" #.md").write_text("Quokkas smile for photographs.")
    os.close(os.open(os.fsencode(src) + b"/caf\xe9.txt", os.O_CREAT | os.O_WRONLY, 0o644))
    with open(os.fsencode(src) + b"/caf\xe9.txt", "w") as f:
        f.write("Narwhal tusks are teeth.")
    cited = make(tmp_path, {})
    report = cited.index(src)
    assert sorted(report.added) == ["caf\ufffd.txt", "weird name (1) — ü ' \" #.md"]
    assert cited.index(src).summary() == "0 added, 0 changed, 0 removed, 2 unchanged"
    hits = cited.searcher.search("Narwhal tusks", k=1)
    assert hits[0].source == "caf\ufffd.txt"
    json.dumps([h.source for h in hits])  # names stay printable


def test_html_nested_too_deeply_is_skipped_with_one_line(tmp_path, caplog):
    src = tmp_path / "src"
    src.mkdir()
    (src / "deep.html").write_text("<html><body>" + "<div>" * 5000 + "<p>deep</p>" + "</div>" * 5000 + "</body></html>")
    (src / "ok.md").write_text("Quokkas smile for photographs.")
    report = make(tmp_path, {}).index(src)
    assert [(s.rel, s.reason) for s in report.skipped] == [("deep.html", "its HTML is nested too deeply to read")]
    assert report.added == ["ok.md"]
    assert "Traceback" not in caplog.text and "unexpected" not in caplog.text


def test_file_vanishing_mid_index_is_reported_and_the_rest_goes_on(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"f{i}.txt").write_text(text_of([i, i + 1]))
    real = sync_mod.find_sources

    def listing_then_delete(folder):
        files, skipped = real(folder)
        (src / "f1.txt").unlink()  # gone between listing and reading
        return files, skipped

    monkeypatch.setattr(sync_mod, "find_sources", listing_then_delete)
    cited = make(tmp_path, {})
    report = cited.index(src)
    assert [(s.rel, s.reason) for s in report.skipped] == [("f1.txt", "file disappeared while indexing")]
    assert sorted(report.added) == ["f0.txt", "f2.txt"]
    monkeypatch.setattr(sync_mod, "find_sources", real)
    rebuild_equals(tmp_path, {}, src, cited)


def test_watch_keeps_the_store_in_sync(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Axolotls regrow their limbs.")
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(data), "index", "--watch", str(src)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(), cwd=REPO,
    )
    try:
        assert proc.stdout.readline().strip() == "1 added, 0 changed, 0 removed, 0 unchanged"
        time.sleep(1.0)  # let the watcher start
        (src / "b.md").write_text("Pangolins are covered in scales.")
        assert proc.stdout.readline().strip() == "1 added, 0 changed, 0 removed, 1 unchanged"
        (src / "a.txt").unlink()
        assert proc.stdout.readline().strip() == "0 added, 0 changed, 1 removed, 1 unchanged"
    finally:
        proc.kill()
        proc.wait()
    r = subprocess.run([sys.executable, "-m", "bot.cli", "--data-dir", str(data), "sources", "--json"],
                       capture_output=True, text=True, env=env(), cwd=REPO)
    assert [x["path"] for x in json.loads(r.stdout)] == ["b.md"]


def test_cli_processes_share_a_chroma_server(tmp_path, chroma_server):
    host, port = chroma_server
    src = tmp_path / "src"
    src.mkdir()
    (src / "m.txt").write_text("Mantis shrimp punch with the speed of a bullet.")
    base = [sys.executable, "-m", "bot.cli", "--chroma-host", host, "--chroma-port", str(port)]
    e = {**env(), "CITED_COLLECTION": "shared-cli", "CITED_DATA_DIR": str(tmp_path / "d1")}
    r = subprocess.run(base + ["index", str(src)], capture_output=True, text=True, env=e, cwd=REPO)
    assert r.returncode == 0, r.stderr
    # A second process with its own data folder reads the same store from the server.
    e2 = {**e, "CITED_DATA_DIR": str(tmp_path / "d2")}
    r = subprocess.run(base + ["ask", "How fast does the mantis shrimp punch?", "--json"],
                       capture_output=True, text=True, env=e2, cwd=REPO)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert not out["abstained"] and out["citations"][0]["source"] == "m.txt"
    st = json.loads(subprocess.run(base + ["status", "--json"], capture_output=True, text=True, env=e2, cwd=REPO).stdout)
    assert st["store"] == f"http://{host}:{port}" and st["files"] == 1


def test_watch_filter_judges_paths_inside_the_folder(tmp_path, monkeypatch):
    # `cited index --watch ../docs`: the ".." must not make every event look hidden.
    from index.watch import relevant_in

    docs = tmp_path / "docs"
    (docs / ".git").mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    keep = relevant_in(Path("../docs"))
    assert keep(None, str(docs / "guide.md"))
    assert keep(None, str(Path("../docs/guide.md")))
    assert not keep(None, str(docs / ".git" / "HEAD"))
    assert not keep(None, str(docs / ".hidden.md"))
    hidden_parent = tmp_path / ".config" / "docs"
    hidden_parent.mkdir(parents=True)
    assert relevant_in(hidden_parent)(None, str(hidden_parent / "a.md"))
