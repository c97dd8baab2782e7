"""Fusion is a pure function; hybrid search finds what each retriever alone finds."""

import pytest

from index.errors import NoSuchSource
from index.search import fuse
from index.sources import select


def test_fuse_combines_normalised_scores():
    dense = {"a": 0.9, "b": 0.5, "c": 0.1}
    lexical = {"c": 10.0, "b": 5.0}
    # a: 0.5*1 + 0.5*0 = .5; b: 0.5*0.5 + 0.5*0.5 = .5; c: 0 + 0.5*1 = .5 -> ties by id
    assert [i for i, _ in fuse(dense, lexical, 0.5)] == ["a", "b", "c"]
    assert [i for i, _ in fuse(dense, lexical, 0.8)] == ["a", "b", "c"]
    assert [i for i, _ in fuse(dense, lexical, 0.2)] == ["c", "b", "a"]
    assert all(0 <= s <= 1 for _, s in fuse(dense, lexical))


def test_fuse_handles_no_lexical_match_and_single_candidate():
    assert fuse({"a": 0.3}, {}, 0.5) == [("a", 0.5)]  # a lone candidate is the best dense one
    assert fuse({}, {}) == []


def test_hybrid_finds_exact_terms_and_paraphrases(seeded):
    hits = seeded.searcher.search("Letters of Commitment Guterres", k=3)
    assert hits and "Guterres" in hits[0].text
    hits = seeded.searcher.search("camera makers that helped persecute a Muslim minority in western China", k=3)
    assert hits and "Uyghurs" in hits[0].text
    for h in hits:
        assert h.source == "hikvision-dahua-un-global-compact.txt"
        assert 0 <= h.score <= 1


def test_search_and_answers_within_some_sources(tmp_path, corpus, embedder, backend):
    from index.settings import Settings
    from index.cited import Cited

    (corpus / "more").mkdir()
    (corpus / "more" / "towers.md").write_text("# Towers\n\nThe Eiffel Tower is a wrought-iron lattice tower in Paris.\n")
    cited = Cited(Settings(data_dir=tmp_path / ".c", sources=corpus, **backend), embedder=embedder)
    cited.index(corpus)
    everywhere = cited.searcher.search("Eiffel Tower Paris", k=10)
    assert {"notes.md", "more/towers.md"} <= {h.source for h in everywhere}
    only = cited.searcher.search("Eiffel Tower Paris", k=10, paths=cited.select_sources(["more"]))
    assert {h.source for h in only} == {"more/towers.md"}  # BM25 and dense both filtered

    ans = cited.ask("Where is the Eiffel Tower?", within=["*.md"])
    assert "Paris" in ans.answer and {c.source for c in ans.citations} <= {"notes.md", "more/towers.md"}
    # Limited to a file that does not answer, it abstains rather than cite another.
    ans = cited.ask("Where is the Eiffel Tower?", within=["page.html"])
    assert ans.abstained or {c.source for c in ans.citations} == {"page.html"}
    with pytest.raises(NoSuchSource):
        cited.select_sources(["nowhere/*"])


def test_select_sources_by_glob_or_folder():
    paths = ["a.txt", "reports/q1.pdf", "reports/2024/q2.pdf", "notes/reports.md"]
    assert select(paths, ["*.pdf"]) == {"reports/q1.pdf", "reports/2024/q2.pdf"}
    assert select(paths, ["reports"]) == select(paths, ["reports/"]) == {"reports/q1.pdf", "reports/2024/q2.pdf"}
    assert select(paths, ["a.txt", "notes/*"]) == {"a.txt", "notes/reports.md"}
    assert select(paths, ["report", "b.txt"]) == set()
    # "./reports" is the folder; a name without a slash is a file's name wherever it is.
    assert select(paths, ["./reports"]) == select(paths, ["reports"])
    assert select(paths, ["q2.pdf"]) == {"reports/2024/q2.pdf"}
    assert select(paths, ["reports.md"]) == {"notes/reports.md"}



def test_in_takes_paths_as_the_shell_gives_them(seeded, monkeypatch):
    """`--in` from the project's root: the sources folder itself, "." inside it, a file
    by its path from the working directory or absolute; all mean the same files."""
    from conftest import SEED_FILE, SEEDS

    every = {SEED_FILE}
    monkeypatch.chdir(SEEDS.parent)
    assert seeded.select_sources([SEEDS.name]) == every
    assert seeded.select_sources([f"./{SEEDS.name}/{SEED_FILE}"]) == every
    assert seeded.select_sources([str(SEEDS / SEED_FILE)]) == every
    monkeypatch.chdir(SEEDS)
    assert seeded.select_sources(["."]) == every
    with pytest.raises(NoSuchSource):
        seeded.select_sources([str(SEEDS.parent / "pyproject.toml")])  # on disk, but not a source


def test_bm25_finds_a_short_option_by_its_letter_and_case():
    # "what does -C do?": one-letter tokens were dropped, so the question had nothing
    # to find "-C, --skip-magic-trailing-comma" by; and -c is another option.
    from index.lexical import LexicalIndex

    texts = {"upper": "#### -C, --skip-magic-trailing-comma\n\nDo not use trailing commas as a reason to split lines.",
             "lower": "#### -c, --code\n\nFormat the code passed in as a string.",
             "other": "#### --config\n\nRead configuration options from a file. C is a language."}
    lx = LexicalIndex.build(list(texts), list(texts.values()), "g1")
    assert [i for i, _ in lx.search("what does the -C option do?", 3)][0] == "upper"
    assert [i for i, _ in lx.search("what is -c for?", 3)][0] == "lower"
    assert lx.stems("python -m black, not -C") >= {"-m", "-C", "python"}


def test_a_refresh_in_one_thread_never_breaks_a_read_in_another(seeded):
    """The bot answers in worker threads; after a re-index one of them refreshes the
    store (a new Chroma client, the old one stopped) while another is reading."""
    import threading

    store = seeded.store
    vector = seeded.embedder.embed(["state-owned"])[0]
    errors, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                assert store.manifest() and store.count() > 0
                assert store.query(vector, 3)["ids"][0]
                assert list(store.iter_chunks())
            except Exception as e:  # noqa: BLE001 - any failure is the finding
                errors.append(e)
                return

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(40):
            store.refresh()
            store.generation()
    finally:
        stop.set()
        reader.join(timeout=60)
    assert not errors, repr(errors[0])
