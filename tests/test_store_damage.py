"""Issue 12, the store's side: a damaged store is not taken for an empty one, the BM25
cache never outlives the chunks it indexes, the CLI prints names as they are and never
removes most of the store unasked. Each test reproduces one way it used to go wrong."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.errors import StoreDamaged
from index.lexical import LexicalIndex
from test_sync import make, text_of

REPO = Path(__file__).resolve().parent.parent


def cli(*args, timeout=240, env=None):
    env = {**{k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}, **(env or {})}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=timeout)


def indexed_src(tmp_path, *files):
    """A folder of numbered-fact files (a.txt, b.txt… one per list of fact numbers,
    default one file of three facts), indexed by a fresh Cited: (folder, cited)."""
    src = tmp_path / "src"
    src.mkdir()
    for name, facts in zip("abcdefgh", files or ([1, 2, 3],)):
        (src / f"{name}.txt").write_text(text_of(facts))
    cited = make(tmp_path, {})
    cited.index(src)
    return src, cited


# -- 7. a damaged store is not an empty one ------------------------------------------
def test_missing_manifest_is_damage_not_orphans(tmp_path):
    src, cited = indexed_src(tmp_path)
    chunks_before = cited.store.chunks.count()
    cited.store.client.delete_collection(f"{cited.settings.collection}-files")
    cited.store.refresh()
    for call in (lambda: cited.index(src), cited.store.generation, cited.sources, cited.status):
        with pytest.raises(StoreDamaged, match="cited index --rebuild"):
            call()
    cited.store.refresh()
    assert cited.store.client.get_collection(cited.settings.collection).count() == chunks_before
    # The repair the message names works, and as named (no folder): the store still
    # knows which folder it was built from.
    assert cited.index(rebuild=True).added == ["a.txt"]


def test_cli_on_a_damaged_store_says_so_and_indexes_nothing(tmp_path):
    data = tmp_path / "data"
    src = tmp_path / "src"
    src.mkdir()
    (src / "mine.txt").write_text("Tardigrades survive in space.")
    assert cli("--data-dir", str(data), "index", str(src)).returncode == 0
    import chromadb

    chromadb.PersistentClient(path=str(data / "chroma")).delete_collection("cited-files")
    r = cli("--data-dir", str(data), "ask", "Where do tardigrades survive?")
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "damaged" in r.stderr and "cited index --rebuild" in r.stderr
    assert "indexing" not in r.stderr
    assert chromadb.PersistentClient(path=str(data / "chroma")).get_collection("cited").count() > 0



def test_a_store_an_upgrade_left_behind_is_rebuilt_by_index_not_by_ask(tmp_path):
    """A store cut by another version of the chunking code (CHUNKER), model and settings
    as configured: `cited ask` refuses it in one line naming the fix, and `cited index`
    (no --rebuild) rebuilds it from its folder. A changed setting still waits for --rebuild."""
    data = tmp_path / "data"
    src = tmp_path / "src"
    src.mkdir()
    (src / "mine.txt").write_text("Tardigrades survive in space.")
    assert cli("--data-dir", str(data), "index", str(src)).returncode == 0
    import chromadb

    col = chromadb.PersistentClient(path=str(data / "chroma")).get_collection("cited")
    col.modify(metadata={**col.metadata, "chunker": "sections-0"})
    r = cli("--data-dir", str(data), "ask", "Where do tardigrades survive?")
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert "chunker sections-0" in r.stderr and "`cited index` rebuilds it" in r.stderr
    r = cli("--data-dir", str(data), "index", env={"CITED_CHUNK_SIZE": "128"})
    assert r.returncode == 1 and "chunk_size=" in r.stderr  # not rebuilt: a setting differs too
    r = cli("--data-dir", str(data), "index")
    assert r.returncode == 0, r.stderr
    assert "1 added" in r.stdout + r.stderr and "rebuilt: the store was cut by chunker sections-0" in r.stdout + r.stderr
    r = cli("--data-dir", str(data), "ask", "Where do tardigrades survive?", "--json")
    assert r.returncode == 0 and "Tardigrades" in json.loads(r.stdout)["answer"]



def test_the_discord_bot_rebuilds_a_store_an_upgrade_left_behind(tmp_path):
    from bot.discord_run import warm

    src, cited = indexed_src(tmp_path)
    meta = cited.store.chunks.metadata
    cited.store.chunks.modify(metadata={**meta, "chunker": "sections-0"})
    cited.store.refresh()
    assert cited.store.outdated() == "sections-0"
    warm(cited)  # what `cited discord` does before it connects
    assert cited.store.outdated() is None and cited.store.chunks.metadata["chunker"] == meta["chunker"]
    assert cited.searcher.search("Bees dance hive", k=1)


# -- 8. the BM25 cache -----------------------------------------------------------------
def test_broken_bm25_files_are_rebuilt_not_fatal(tmp_path):
    src, cited = indexed_src(tmp_path)
    build = cited.lexical_dir / (cited.lexical_dir / "current").read_text()
    npy = sorted(build.glob("*.npy"))
    npy[0].write_bytes(b"")  # zero bytes
    assert LexicalIndex.load(cited.lexical_dir) is None
    import numpy as np

    np.save(npy[0], np.zeros(3, dtype=np.int32))  # a valid .npy of the wrong length
    assert LexicalIndex.load(cited.lexical_dir) is None
    assert cited.index(src).unchanged == 1
    assert LexicalIndex.load(cited.lexical_dir) is not None
    assert cited.searcher.search("Bees dance hive", k=1)


def test_a_cache_that_does_not_match_the_live_chunks_is_rebuilt(tmp_path):
    """A reader's cache saved under the generation a dead sync left behind: same
    generation, other chunks. The next sync finds nothing to do, yet rebuilds it."""
    src, cited = indexed_src(tmp_path, [1, 2, 3], [4, 5])
    gen = cited.store.generation()
    live = LexicalIndex.load(cited.lexical_dir)
    LexicalIndex.build(live.ids[:1], ["stale"], gen).save(cited.lexical_dir)
    r = cited.index(src)
    assert not r.touched
    lex = LexicalIndex.load(cited.lexical_dir)
    assert sorted(lex.ids) == sorted(live.ids) and lex.generation == cited.store.generation()


def test_a_cache_of_a_sync_under_way_is_never_kept(tmp_path):
    src, cited = indexed_src(tmp_path)
    saved = (cited.lexical_dir / "current").read_text()
    gen = cited.store.bump_generation(syncing=True)  # a sync starts... and dies
    LexicalIndex.build(["x"], ["stale"], gen).save(cited.lexical_dir)
    assert (cited.lexical_dir / "current").read_text() == saved
    r = cited.index(src)  # nothing changed, but the dead sync's generation is replaced
    assert not r.touched and not cited.store.generation().startswith("sync-")
    assert LexicalIndex.load(cited.lexical_dir).generation == cited.store.generation()


# -- 9. names printed by the CLI ----------------------------------------------------
def test_cli_escapes_file_names(tmp_path):
    data = tmp_path / "data"
    src = tmp_path / "src"
    src.mkdir()
    (src / "x[").mkdir()  # the file's path reads "x[/]y.txt", a closing tag to Rich
    (src / "x[/]y.txt").write_text("Flamingos are pink from their food.")
    (src / "[bold red]z.txt").write_text("Okapis are related to giraffes.")
    (src / "a\n[9] fake.txt").write_text("Wombats make cube-shaped droppings.")
    r = cli("--data-dir", str(data), "index", str(src))
    assert r.returncode == 0, r.stderr
    r = cli("--data-dir", str(data), "sources")
    assert r.returncode == 0, r.stderr
    assert "x[/]y.txt" in r.stdout and "[bold red]z.txt" in r.stdout
    assert "a\\n[9] fake.txt" in r.stdout
    assert not any(line.startswith("[9]") for line in r.stdout.splitlines())
    r = cli("--data-dir", str(data), "ask", "What shape are wombat droppings?")
    assert r.returncode == 0, r.stderr
    assert "a\\n[9] fake.txt" in r.stdout
    assert not any(line.startswith("[9] fake") for line in r.stdout.splitlines())


# -- 10. a run that would remove most of the store ------------------------------------
def test_index_refuses_to_remove_most_files_without_prune(tmp_path):
    data = tmp_path / "data"
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"f{i}.txt").write_text(text_of([i, i + 1]))
    assert cli("--data-dir", str(data), "index", str(src)).returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    r = cli("--data-dir", str(data), "index", str(empty))
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert "would remove 3 of the 3 indexed files" in r.stderr and "--prune" in r.stderr
    r = cli("--data-dir", str(data), "sources", "--json")
    assert len(json.loads(r.stdout)) == 3
    (src / "f0.txt").unlink()  # one of three: no question asked
    assert cli("--data-dir", str(data), "index", str(src)).stdout.startswith("0 added, 0 changed, 1 removed")
    # The bot's /reindex child (`python -m index.sync`) is held to the same rule.
    env = {**os.environ, "CITED_DATA_DIR": str(data)}
    r = subprocess.run([sys.executable, "-m", "index.sync", "--json", str(empty)], capture_output=True, text=True,
                       env=env, timeout=300)
    assert r.returncode == 1 and "would remove 2 of the 2 indexed files" in r.stderr, r.stderr
    r = cli("--data-dir", str(data), "index", "--prune", str(empty))
    assert r.returncode == 0 and "2 removed" in r.stdout


# -- a reviewer's findings (round 14): losses of Chroma's files, rebuilds, skipped files ---
def test_lost_chroma_files_are_damage_and_the_repair_rebuilds_the_users_folder(tmp_path):
    import shutil

    data, src = tmp_path / "data", tmp_path / "src"
    src.mkdir()
    (src / "mine.txt").write_text("Tardigrades survive in space.")
    assert cli("--data-dir", str(data), "index", str(src)).returncode == 0
    shutil.rmtree(data / "chroma")  # or a deleted chroma.sqlite3: Chroma makes an empty store anew
    r = cli("--data-dir", str(data), "ask", "What survives in space?")
    assert r.returncode == 1 and "damaged" in r.stderr and "seeds" not in r.stderr
    assert cli("--data-dir", str(data), "sources").returncode == 1
    # The repair the message names rebuilds from the folder the store was indexed from.
    r = cli("--data-dir", str(data), "index", "--rebuild")
    assert r.returncode == 0 and "1 added" in r.stdout
    assert "Tardigrades" in cli("--data-dir", str(data), "ask", "What survives in space?").stdout


def test_a_rebuild_checks_its_folder_before_dropping_anything(tmp_path):
    from index.errors import WouldRemove

    src, cited = indexed_src(tmp_path, [1], [2], [3])
    with pytest.raises(Exception, match="does not exist"):
        cited.index(tmp_path / "srcc", rebuild=True)  # a typo
    (tmp_path / "empty").mkdir()
    with pytest.raises(WouldRemove, match="would index 0 files where the store holds 3"):
        cited.index(tmp_path / "empty", rebuild=True, prune=False)
    assert len(cited.sources()) == 3


def test_a_rebuild_cut_short_is_resumed_from_the_users_folder(tmp_path):
    src, cited = indexed_src(tmp_path, [1], [2])
    cited.store.reset()  # where a kill -9 during --rebuild leaves it: empty, the folder in the marker
    fresh = make(tmp_path, {})
    assert fresh.sources_folder() == src.resolve()
    assert sorted(fresh.index().added) == ["a.txt", "b.txt"]


def test_files_the_walk_skips_keep_their_last_version(tmp_path, monkeypatch):
    src, cited = indexed_src(tmp_path, [1], [2], [3])
    (src / "sub").mkdir()
    (src / "sub" / "d.txt").write_text(text_of([4]))
    cited.index(src)
    (src / "a.txt").unlink()
    os.mkfifo(src / "a.txt")  # a named pipe where a file was
    (src / "b.txt").unlink()
    (src / "b.txt").symlink_to(tmp_path / "nowhere")  # a broken link: a deleted document
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p=".": (_ for _ in ()).throw(PermissionError(13, "denied"))
                        if str(p).endswith("sub") else real(p))
    report = cited.index(src)
    assert report.removed == ["b.txt"] and {s.rel for s in report.skipped} == {"a.txt", "b.txt", "sub"}
    assert [r.path for r in cited.sources()] == ["a.txt", "c.txt", "sub/d.txt"]


def test_a_mistyped_data_dir_is_not_made_a_store(tmp_path):
    nope = tmp_path / "nope"
    r = cli("--data-dir", str(nope), "ask", "What survives in space?")
    assert r.returncode == 1 and "no store" in r.stderr and not nope.exists()
    r = cli("--data-dir", str(nope), "sources")
    assert r.returncode == 0 and "no store" in r.stderr and not nope.exists()


def test_a_damaged_chunk_record_is_repaired_not_fatal(tmp_path):
    src, cited = indexed_src(tmp_path, [1], [2])
    cid = cited.store.chunks.get()["ids"][0]
    cited.store.chunks.update(ids=[cid], metadatas=[{"path": None, "start": None}])
    cited.store.refresh()
    assert cid not in {h.id for h in cited.searcher.search("fact", k=10)}  # searching skips it
    assert cited.index(src).repaired == 1  # and the next sync removes it


def test_an_index_run_that_died_is_named_when_asking(tmp_path):
    data, src = tmp_path / "data", tmp_path / "src"
    src.mkdir()
    (src / "mine.txt").write_text("Tardigrades survive in space.")
    assert cli("--data-dir", str(data), "index", str(src)).returncode == 0
    from index.cited import Cited
    from index.settings import Settings

    Cited(Settings(data_dir=data)).store.bump_generation(syncing=True)  # where a kill -9 mid-sync leaves it
    r = cli("--data-dir", str(data), "ask", "What survives in space?")
    assert r.returncode == 0 and "Tardigrades" in r.stdout and "did not finish" in r.stderr
    assert cli("--data-dir", str(data), "index").returncode == 0  # the repair
    r = cli("--data-dir", str(data), "ask", "What survives in space?")
    assert "did not finish" not in r.stderr
