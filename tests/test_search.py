"""Fusion is a pure function; hybrid search finds what each retriever alone finds."""

from index.search import fuse


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
