import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_FILE = "hikvision-dahua-un-global-compact.txt"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Every test gets its own data folder and working directory, and no .env of ours."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("CITED_") and key != "CITED_CACHE_DIR" or key == "DISCORD_TOKEN":
            monkeypatch.delenv(key)
    monkeypatch.setenv("CITED_DATA_DIR", str(tmp_path / ".cited"))
    yield


@pytest.fixture(scope="session")
def embedder():
    """The real MiniLM (ONNX path), loaded once per session."""
    from bot.config import Settings
    from index.embedding import load_embedder

    return load_embedder(Settings().cache_dir, "onnx")


@pytest.fixture
def settings(tmp_path):
    from bot.config import Settings

    return Settings(data_dir=tmp_path / ".cited", sources=SEEDS)


@pytest.fixture
def seeded(settings, embedder):
    """A real Chroma store holding the bundled seeds, with the real model."""
    from bot.service import Cited

    cited = Cited(settings, embedder=embedder)
    cited.index()
    return cited


@pytest.fixture
def corpus(tmp_path):
    """A small sources folder: the seed plus a Markdown and an HTML file."""
    d = tmp_path / "sources"
    d.mkdir()
    shutil.copy(SEEDS / SEED_FILE, d / SEED_FILE)
    (d / "notes.md").write_text("# Notes\n\nThe Eiffel Tower is in Paris. It was finished in 1889.\n")
    (d / "page.html").write_text(
        "<html><head><title>t</title><style>p{color:red}</style></head><body>"
        "<script>alert('x')</script><p>Penguins live in the Southern Hemisphere.</p></body></html>"
    )
    return d
