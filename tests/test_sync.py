"""Incremental sync: only what changed is touched, and the result equals a rebuild."""

import shutil

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from index.settings import Settings
from index.cited import Cited
from helpers import HashEmbedder
from index.lexical import LexicalIndex


def make(tmp_path, backend, name="a", **kw):
    s = Settings(data_dir=tmp_path / f"data-{name}", chunk_size=32, chunk_overlap=8, **{**backend, **kw})
    return Cited(s, embedder=HashEmbedder())


def snapshot(cited: Cited):
    """Everything a user could observe of a store, and checks that it is sound."""
    store = cited.store
    store.refresh()  # look as a fresh process would, whoever wrote last
    manifest = store.manifest()
    rows = list(store.iter_chunks(include=("documents", "metadatas", "embeddings")))
    live = {}
    for r in rows:
        m = r["metadatas"]
        rec = manifest.get(m["path"])
        assert rec is not None and rec.sha == m["sha"], f"orphan chunk {r['ids']} of {m['path']}"
        key = (m["path"], m["start"], m["end"], m.get("page"))
        assert key not in live, f"duplicate chunk {key}"
        live[key] = (r["documents"], np.round(np.asarray(r["embeddings"]), 5).tobytes())
    for path, rec in manifest.items():
        assert rec.chunks == sum(1 for k in live if k[0] == path)
    lex = LexicalIndex.load(cited.lexical_dir)
    assert lex is not None and lex.generation == store.generation()
    assert sorted(lex.ids) == sorted(r["ids"] for r in rows), "lexical and dense indexes disagree"
    return {p: r.sha for p, r in manifest.items()}, live


def rebuild_equals(tmp_path, backend, folder, incremental: Cited):
    fresh = make(tmp_path, backend, name="fresh-" + str(len(list(tmp_path.iterdir()))))
    fresh.index(folder)
    assert snapshot(incremental) == snapshot(fresh)


SENTENCES = [
    "Alpine lakes freeze early in the year.",
    "Bees dance to tell the hive where flowers are.",
    "Copper turns green as it weathers outdoors.",
    "Desert foxes have large ears to shed heat.",
    "Echoes bounce off canyon walls at dusk.",
    "Ferns spread by spores instead of seeds.",
]


def text_of(ids):
    return " ".join(SENTENCES[i % len(SENTENCES)] + f" Note {i}." for i in ids)


def test_incremental_touches_only_changes(tmp_path, backend):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(5):
        (src / f"f{i}.txt").write_text(text_of(range(i, i + 6)))
    cited = make(tmp_path, backend)
    r = cited.index(src)
    assert (len(r.added), len(r.changed), len(r.removed), r.unchanged) == (5, 0, 0, 0)
    emb = cited.embedder

    before = emb.texts
    r = cited.index(src)
    assert r.summary() == "0 added, 0 changed, 0 removed, 5 unchanged"
    assert emb.texts == before, "a run with nothing changed must embed nothing"

    # Edit the end of one file: its untouched leading chunks keep their vectors.
    (src / "f0.txt").write_text(text_of(range(0, 6)) + " A brand new closing sentence about owls.")
    (src / "f1.txt").unlink()
    (src / "new.md").write_text("# New\n\nOwls can turn their heads a long way.")
    before = emb.texts
    r = cited.index(src)
    assert (r.added, r.changed, r.removed, r.unchanged) == (["new.md"], ["f0.txt"], ["f1.txt"], 3)
    assert r.reused >= 1 and 1 <= r.embedded < 4
    assert emb.texts - before == r.embedded
    rebuild_equals(tmp_path, backend, src, cited)


def test_unreadable_file_keeps_its_old_version(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    (src / "keep.txt").write_text(text_of([1, 2]))
    cited = make(tmp_path, {})
    cited.index(src)
    import index.sync as sync_mod
    from index.errors import SourceError

    real = sync_mod.read_bytes

    def flaky(s):
        if s.rel == "keep.txt":
            raise SourceError("permission denied")
        return real(s)

    monkeypatch.setattr(sync_mod, "read_bytes", flaky)
    r = cited.index(src)
    assert [(s.rel, s.reason) for s in r.skipped] == [("keep.txt", "permission denied")]
    assert r.removed == [] and [x.path for x in cited.sources()] == ["keep.txt"]


ops = st.lists(
    st.tuples(
        st.sampled_from(["add", "edit", "delete", "rename", "sync"]),
        st.integers(0, 4),
        st.lists(st.integers(0, 11), min_size=1, max_size=8),
    ),
    min_size=1,
    max_size=8,
)


@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops)
def test_any_sequence_of_changes_equals_a_rebuild(tmp_path_factory, ops):
    tmp = tmp_path_factory.mktemp("seq")
    src = tmp / "src"
    src.mkdir()
    (src / "base.txt").write_text(text_of([0, 1, 2, 3]))
    cited = make(tmp, {})
    cited.index(src)
    for op, n, ids in ops:
        p = src / f"doc{n}.txt"
        if op in ("add", "edit"):
            p.write_text(text_of(ids))
        elif op == "delete" and p.exists():
            p.unlink()
        elif op == "rename" and p.exists():
            p.rename(src / f"doc{(n + 1) % 5}.txt")
        else:
            cited.index(src)
    cited.index(src)
    rebuild_equals(tmp, {}, src, cited)
    shutil.rmtree(tmp)


def test_lock_refuses_a_second_writer(tmp_path):
    from index.errors import StoreLocked
    from index.sync import lock

    cited = make(tmp_path, {})
    with lock(cited.settings.data_dir):
        with pytest.raises(StoreLocked, match="another `cited index`"):
            cited.index(tmp_path)
