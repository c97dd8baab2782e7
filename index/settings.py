"""One Settings object, read from the environment and ``.env`` when a command starts.

Nothing reads settings at import time: the CLI builds a Settings, applies its flags,
and passes it down; tests build their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The bundled sources: `cited ask` answers from them with no other setup.
BUNDLED_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _default_cache() -> Path:
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cited"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CITED_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    sources: Path = Field(BUNDLED_SEEDS, description="folder of source documents")
    data_dir: Path = Field(Path(".cited"), description="where the Chroma store and lexical index live")
    cache_dir: Path = Field(default_factory=_default_cache, description="exported ONNX model cache")
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded store")
    chroma_port: int = Field(8000, description="Chroma server port")
    collection: str = Field("cited", description="Chroma collection name")
    embed_backend: Literal["onnx", "torch"] = Field("onnx", description="onnx (fast) or torch (sentence-transformers)")
    # Precision of document vectors: fp32 (the same vectors as sentence-transformers) or
    # int8 (about twice as fast to index; retrieval within 0.005 nDCG@10 on SciFact,
    # bench/RESULTS.md). Questions are always embedded in fp32.
    index_precision: Literal["fp32", "int8"] = Field("fp32", description="fp32 or int8 document vectors")
    # 256 tokens / 32 overlap: chosen on SciFact train and SQuAD (bench/chunking.py).
    chunk_size: int = Field(256, ge=32, le=256, description="chunk size in model tokens (MiniLM reads 256)")
    chunk_overlap: int = Field(32, ge=0, le=128)
    top_k: int = Field(5, ge=1, le=50, description="passages to retrieve for an answer")
    # Probability (0..1) that the sources answer, below which cited declines; the
    # probability comes from the evidence model in index/answer/abstain.py; 0.35 is the
    # highest threshold keeping false abstention <= 0.05 on every set it was fitted on
    # (bench/fit_abstain.py, bench/RESULTS.md).
    min_confidence: float = Field(0.35, ge=0.0, le=1.0, description="decline below this chance of answering (0.10 more when a rare word of the question is missing; 0: never)")
    max_question_chars: int = Field(2000, ge=1)
    # Written answers (index/answer/written.py): an OpenAI-compatible endpoint such as
    # Ollama's http://localhost:11434/v1 or llama.cpp's http://localhost:8080/v1.
    # Unset: answers are extractive, as without a model.
    llm_url: str | None = Field(None, description="OpenAI-compatible base URL; unset = extractive answers")
    llm_model: str = Field("default", description="model name sent to the endpoint")
    llm_api_key: SecretStr | None = Field(None, description="API key, when the endpoint wants one")
    # Seconds for the whole written answer, first token to last; past it the
    # extractive answer is shown. 60 s: a small local model on 2 cores takes ~10 s.
    llm_timeout: float = Field(60.0, gt=0, le=600, description="seconds a written answer may take")


def describe_error(error) -> str:
    """One line naming each bad setting and what it accepts, from a pydantic ValidationError."""
    parts = []
    for e in error.errors():
        name = "_".join(str(x) for x in e.get("loc", ())) or "?"
        var = name if name.isupper() else f"CITED_{name.upper()}"  # aliases (DISCORD_TOKEN) are already names
        parts.append(f"{var}={e.get('input')!r}: {e.get('msg')}")
    return "; ".join(parts)
