"""One Settings object, read from the environment and ``.env`` when a command starts.

Nothing reads settings at import time: the CLI builds a Settings, applies its flags,
and passes it down; tests build their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
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
    chroma_port: int = Field(8000, ge=1, le=65535, description="Chroma server port")
    # Chroma's own rule for names, checked here so a bad one is a bad setting (exit 2).
    collection: str = Field("cited", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,504}[A-Za-z0-9]$",
                            description="Chroma collection name (3-512 of letters, digits, . _ -)")
    embed_backend: Literal["onnx", "torch"] = Field("onnx", description="onnx (fast) or torch (sentence-transformers)")
    # Precision of document vectors: fp32 (the same vectors as sentence-transformers) or
    # int8 (about twice as fast to index; retrieval within 0.005 nDCG@10 on SciFact,
    # bench/RESULTS.md). Questions are always embedded in fp32.
    index_precision: Literal["fp32", "int8"] = Field("fp32", description="fp32 or int8 document vectors")
    # 256 tokens / 32 overlap: chosen on SciFact train and SQuAD (bench/chunking.py).
    chunk_size: int = Field(256, ge=32, le=256, description="chunk size in model tokens (MiniLM reads 256)")
    # At most a quarter of the chunk (index/chunking.py cuts it to that): checked below.
    chunk_overlap: int = Field(32, ge=0, le=64)
    top_k: int = Field(5, ge=1, le=50, description="passages searched (at least 5 are), and given to a language model")
    # Probability (0..1) that the sources answer, below which cited declines; the
    # probability comes from the evidence model in index/answer/abstain.py; 0.27 keeps
    # the mean false abstention over the dev sets it was fitted on at 0.033, as before
    # its refit (bench/fit_abstain.py, bench/RESULTS.md).
    min_confidence: float = Field(0.27, ge=0.0, le=1.0, description="decline below this chance of answering (0.10 more when a rare word of the question is missing; 0: never)")
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

    @field_validator("data_dir", "sources", "cache_dir", mode="before")
    @classmethod
    def _not_empty(cls, v):
        # "CITED_DATA_DIR=" would be Path(""), the current folder: a store where it was not meant.
        if isinstance(v, str) and not v.strip():
            raise ValueError("is empty: name a folder, or leave the setting out for its default")
        # "~/.cache/cited" in .env is read by no shell: unexpanded, it made a folder
        # named "~" in the working directory.
        return Path(v).expanduser() if isinstance(v, (str, Path)) else v

    @model_validator(mode="after")
    def _overlap_fits(self):
        if "chunk_overlap" not in self.model_fields_set:
            # The default follows a smaller chunk size down, as the chunker would.
            self.chunk_overlap = min(self.chunk_overlap, self.chunk_size // 4)
        elif self.chunk_overlap > self.chunk_size // 4:
            raise ValueError(f"CITED_CHUNK_OVERLAP={self.chunk_overlap} is more than a quarter of "
                             f"CITED_CHUNK_SIZE={self.chunk_size} (at most {self.chunk_size // 4})")
        return self


def describe_error(error, flags: frozenset[str] = frozenset()) -> str:
    """One line naming each bad setting and what it accepts, from a pydantic ValidationError;
    a setting in ``flags`` came from the command line and is named as its flag."""
    parts = []
    for e in error.errors():
        name = "_".join(str(x) for x in e.get("loc", ()))
        if not name:  # a rule over several settings names them in its message
            parts.append(str(e.get("msg", "")).removeprefix("Value error, "))
            continue
        if name in flags:
            var = "--" + name.replace("_", "-")
        else:
            var = name if name.isupper() else f"CITED_{name.upper()}"  # aliases (DISCORD_TOKEN) are already names
        parts.append(f"{var}={e.get('input')!r}: {e.get('msg')}")
    return "; ".join(parts)


def load_settings(cls: type[Settings] = Settings, **overrides) -> Settings:
    """``cls()`` read from the environment and ``.env``, with ``overrides`` (command-line
    flags) taking precedence and checked by the same rules; BadSetting (one line, exit 2)
    for a value it refuses or a ``.env`` that is not UTF-8 (a Windows editor's cp1252)."""
    from pydantic import ValidationError

    from index.errors import BadSetting

    try:
        return cls(**overrides)
    except ValidationError as e:
        raise BadSetting(f"bad setting: {describe_error(e, frozenset(overrides))}") from None
    except UnicodeDecodeError as e:
        raise BadSetting(f"cannot read .env: it is not UTF-8 text ({e.reason} at byte {e.start}); "
                         f"save it as UTF-8") from None
