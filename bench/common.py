"""Shared set-up for the benchmarks: the SciFact store, built once and reused."""

from __future__ import annotations

import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

EVAL = Path(os.environ.get("CITED_EVAL_DIR", Path(__file__).resolve().parents[2] / "shared" / "eval"))
SCIFACT = EVAL / "scifact"
SQUAD = EVAL / "squad-dev-a" / "dev-v1.1-part-a.json"
OUT = Path(__file__).resolve().parent / "out"


def sync_store(cited, src, rebuild: bool = False):
    """Index ``src`` into ``cited``'s bench store; a store built by an older chunker or
    model is rebuilt (a user is asked to; a benchmark just does it)."""
    from index.errors import StoreMismatch

    try:
        return cited.index(src, rebuild=rebuild)
    except StoreMismatch:
        return cited.index(src, rebuild=True)


def scifact_cited(name: str = "scifact", **overrides):
    """A Cited over SciFact's corpus (one file per abstract), indexed if needed.
    Returns (cited, data, seconds spent indexing)."""
    from index.settings import Settings
    from index.evaluation import load_beir, write_beir_sources
    from index.cited import Cited

    data = load_beir(SCIFACT, "test")
    src = OUT / "scifact-sources"
    if not src.exists():
        write_beir_sources(data, src)
    cited = Cited(Settings(data_dir=OUT / name, sources=src, **overrides))
    t = time.perf_counter()
    report = sync_store(cited, src)
    return cited, data, time.perf_counter() - t, report
