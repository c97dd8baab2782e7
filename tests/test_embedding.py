"""The fast ONNX path gives the same vectors as sentence-transformers."""

import json
from pathlib import Path

import numpy as np

from index.embedding import TorchEmbedder


def test_onnx_matches_sentence_transformers(embedder):
    texts = json.loads((Path(__file__).parent / "data" / "scifact_1000_texts.json").read_text())
    # 300 SciFact titles + 50 full abstracts, 26 of them longer than 256 tokens (cut
    # the same way by both). All 1,000 passed too; a third of them keeps the suite short.
    texts = texts[:300] + texts[900:950]
    fast = embedder.embed(texts)
    ref = TorchEmbedder().embed(texts)
    cos = (fast * ref).sum(axis=1)
    assert fast.shape == ref.shape == (350, 384)
    assert cos.min() >= 0.999, f"worst cosine {cos.min():.5f}"
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-4)


def test_int8_document_vectors_stay_close(embedder):
    from index.settings import Settings
    from index.embedding import load_embedder

    texts = json.loads((Path(__file__).parent / "data" / "scifact_1000_texts.json").read_text())[900:]
    q8 = load_embedder(Settings().cache_dir, "onnx-int8").embed(texts)
    cos = (q8 * embedder.embed(texts)).sum(axis=1)
    # per-channel MatMul-only quantization: measured mean 0.995, min 0.991 on abstracts
    assert cos.mean() >= 0.99 and cos.min() >= 0.98, (cos.mean(), cos.min())


def test_the_onnx_cache_key_is_the_weights_content_not_their_install_time(tmp_path):
    # Each fresh install of the model package has new file times; keyed by them, each
    # left another 87 MB export in the cache.
    import os

    from index.embedding import _weights_fingerprint

    a, b, c = (tmp_path / n for n in "abc")
    for d, data in ((a, b"w" * 3_000_000), (b, b"w" * 3_000_000), (c, b"w" * 2_999_999 + b"x")):
        d.mkdir()
        (d / "model.safetensors").write_bytes(data)
    os.utime(b / "model.safetensors", (1, 1))
    assert _weights_fingerprint(a) == _weights_fingerprint(b) != _weights_fingerprint(c)
