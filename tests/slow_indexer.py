"""Runs a sync slowly, printing progress, so tests can kill -9 it mid-way.

Usage: python slow_indexer.py DATA_DIR SOURCES [HOST PORT COLLECTION]
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import index.sync as sync_mod  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.cited import Cited  # noqa: E402
from helpers import HashEmbedder  # noqa: E402


class SlowEmbedder(HashEmbedder):
    def embed(self, texts):
        time.sleep(0.05)
        return super().embed(texts)


def main():
    data, src = sys.argv[1], sys.argv[2]
    extra = {}
    if len(sys.argv) > 3:
        extra = {"chroma_host": sys.argv[3], "chroma_port": int(sys.argv[4]), "collection": sys.argv[5]}
    sync_mod.FILE_BATCH = 2  # many small commits: many places for a kill to land
    cited = Cited(Settings(data_dir=data, chunk_size=32, chunk_overlap=8, **extra), embedder=SlowEmbedder())

    def progress(done, total):
        print(f"progress {done}/{total}", flush=True)

    report = cited.index(Path(src), progress=progress, wait=30)
    print("done", report.summary(), flush=True)


if __name__ == "__main__":
    main()
