"""Written answers (issue 13): the check on its own, the fall-backs without a model
(a dead port, a server that hangs, an error status, a malformed reply), and a few
answers from a real model served by `python -m llama_cpp.server` (fixture llm_server)."""

import http.server
import inspect
import json
import os
import subprocess
import sys
import threading
import time

import pytest

from conftest import SEED_FILE, SEEDS, _free_port
from index.answer.check import check, split_claims
from index.answer.facts import misplaced_facts
from index.answer.written import assemble
from index.search import Hit

COMPANIES = "Which two companies joined the UN Global Compact?"
EIFFEL = "The Eiffel Tower is in Paris. It was finished in 1889. Gustave Eiffel's company built it for the World's Fair."
PENGUINS = "Penguins live in the Southern Hemisphere. Emperor penguins breed in the Antarctic winter."


def hit(text: str, source: str = "a.txt", start: int = 0, line: int | None = 1) -> Hit:
    return Hit(source, source, None, start, start + len(text), text, 0.5, 0.5, 0.5, line)


def verdicts(written, passages, embedder):
    return [(c.text, c.supported, c.why) for c in check(written, passages, embedder.embed)]


# -- the check on its own ---------------------------------------------------------------
def test_sentences_keep_their_markers_wherever_they_are_written():
    assert split_claims("Answer: It is in Paris. [1] It was finished in 1889 [1, 2].\n- Penguins swim [3][2].") == [
        ("It is in Paris.", (1,)), ("It was finished in 1889.", (1, 2)), ("Penguins swim.", (3, 2))]
    assert split_claims("2. Hikvision and Dahua") == [("Hikvision and Dahua", ())]
    assert split_claims("") == []


def test_supported_sentences_are_kept_and_invented_facts_dropped(embedder):
    passages = [hit(EIFFEL), hit(PENGUINS, "b.txt")]
    got = verdicts("The Eiffel Tower was finished in 1889 [1]. The Eiffel Tower was finished in 1899 [1]. "
                   "The Eiffel Tower is in Berlin [1]. Penguins live in the Southern Hemisphere [2].",
                   passages, embedder)
    assert [s for _, s, _ in got] == [True, False, False, True], got
    assert "1899" in got[1][2] and "berlin" in got[2][2]


def test_a_sentence_citing_the_wrong_passage_is_dropped(embedder):
    passages = [hit(EIFFEL), hit(PENGUINS, "b.txt")]
    (c,) = check("Penguins live in the Southern Hemisphere [1].", passages, embedder.embed)
    assert not c.supported and c.similarity < 0.6


def test_unmarked_sentences_attach_to_the_passage_that_supports_them_or_go(embedder):
    passages = [hit(EIFFEL), hit(PENGUINS, "b.txt")]
    kept, invented, declined, bad_marker = check(
        "Penguins live in the Southern Hemisphere. Penguins live in the Arctic. The sources don't say. "
        "The Eiffel Tower is in Paris [7].", passages, embedder.embed)
    assert kept.supported and kept.attached and kept.cited == (1,)
    assert not invented.supported and "no marker" in invented.why
    assert not declined.supported
    assert bad_marker.supported and bad_marker.attached and bad_marker.cited == (0,)


def test_a_name_moved_onto_another_fact_of_the_same_passage_is_caught(embedder):
    text = ("The game was played at Levi's Stadium. Quarterback Cam Newton was named the Most Valuable Player. "
            "The team's coach was Ron Rivera.")
    (c,) = check("Quarterback Ron Rivera was named the Most Valuable Player [1].", [hit(text)], embedder.embed)
    assert not c.supported and "rivera" in c.why
    assert misplaced_facts("Quarterback Cam Newton was named MVP.", text, text) == []


def test_what_a_sentence_takes_from_the_question_is_given_not_claimed(embedder):
    text = ("The game was played in February. Denver linebacker Von Miller was named Super Bowl MVP, "
            "recording five solo tackles. The Panthers practiced at San Jose State.")
    q = "Who was the Super Bowl 50 MVP?"
    restated, framing, swapped = check(
        "Von Miller was the Super Bowl 50 MVP [1]. Super Bowl 50 had an MVP [1]. "
        "The Panthers were named Super Bowl MVP [1].", [hit(text)], embedder.embed, question=q)
    assert restated.supported, restated.why
    # Nothing beyond the question: "httpx supports GraphQL." for "Does httpx support GraphQL?"
    assert not framing.supported and "restates the question" in framing.why
    assert not swapped.supported
    # Without the question, its "50" is in no cited text.
    (alone,) = check("Von Miller was the Super Bowl 50 MVP [1].", [hit(text)], embedder.embed)
    assert not alone.supported
    # A yes/no question gives nothing: its facts are the claim, and a "no" is an answer.
    (premise,) = check("The Eiffel Tower was finished in 1890 [1].", [hit(EIFFEL)], embedder.embed,
                       question="Was the Eiffel Tower finished in 1890?")
    assert not premise.supported and "1890" in premise.why
    (negative,) = check("No, the Eiffel Tower is not in Berlin, it is in Paris [1].", [hit(EIFFEL)], embedder.embed,
                        question="Is the Eiffel Tower in Paris?")
    assert "restates" not in negative.why


def test_each_citation_is_the_verbatim_supporting_span_with_exact_offsets(embedder):
    source = "Intro line.\n" + EIFFEL + "\n\n" + PENGUINS
    at_e, at_p = source.index(EIFFEL), source.index(PENGUINS)
    passages = [hit(EIFFEL, "a.txt", at_e, line=2), hit(PENGUINS, "a.txt", at_p, line=4)]
    from index.answer.model import Answer

    claims = check("Gustave Eiffel's company built the tower for the World's Fair [1]. Emperor penguins breed in the Antarctic winter "
                   "[2]. Penguins are purple [2].", passages, embedder.embed)
    ans = assemble(Answer("q", "extractive [1]", False), claims, passages)
    assert ans.mode == "written" and ans.dropped_sentences == 1
    assert ans.answer.endswith("[2]") and "purple" not in ans.answer
    for c in ans.citations:
        assert source[c.start:c.end] == c.quote
    assert ans.citations[0].quote == "Gustave Eiffel's company built it for the World's Fair."
    assert ans.citations[0].lines == (2, 2) and ans.citations[1].lines == (4, 4)
    assert ans.citations[1].quote == "Emperor penguins breed in the Antarctic winter."


# -- without a model --------------------------------------------------------------------
@pytest.fixture
def written_cited(seeded):
    """The seeded Cited with settings for a language model at ``url``."""
    from index.cited import Cited

    def make(url, timeout=5.0):
        s = seeded.settings.model_copy(update={"llm_url": url, "llm_timeout": timeout})
        return Cited(s, embedder=seeded.embedder)

    return make


def test_without_a_model_nothing_changes(seeded):
    w = seeded.ask_written(COMPANIES)
    plain = seeded.ask(COMPANIES)
    assert w.answer.answer == plain.answer and w.note is None and w.answer.mode is None
    assert set(w.answer.to_dict()) == {"question", "answer", "abstained", "citations", "timings_ms"}


class Fake(http.server.BaseHTTPRequestHandler):
    """An endpoint that misbehaves as told by its server's ``mode``; counts requests."""

    def do_POST(self):
        self.server.requests += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.server.mode == "hang":
            time.sleep(30)
            return
        if self.server.mode == "500":
            body, status, kind = b'{"error": {"message": "model exploded"}}', 500, "application/json"
        else:  # malformed: a 200 that is not a stream of chat chunks
            body, status, kind = b"data: {not json\n\n", 200, "text/event-stream"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture
def fake_endpoint():
    servers = []

    def start(mode):
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Fake)
        srv.mode, srv.requests, srv.daemon_threads = mode, 0, True
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return srv, f"http://127.0.0.1:{srv.server_address[1]}/v1"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


@pytest.mark.parametrize("mode,said", [("500", "HTTP 500"), ("malformed", "malformed"), ("hang", "within 1 s")])
def test_a_failing_model_gives_the_extractive_answer_and_says_why(written_cited, fake_endpoint, mode, said):
    srv, url = fake_endpoint(mode)
    cited = written_cited(url, timeout=1.0)
    t = time.monotonic()
    w = cited.ask_written(COMPANIES)
    assert time.monotonic() - t < 6, "waited past the timeout"
    assert srv.requests == 1
    assert w.answer.mode == "extractive" and w.answer.answer == cited.ask(COMPANIES).answer
    assert said in w.note and "extractive answer shown" in w.note and "\n" not in w.note


def test_a_question_the_sources_do_not_answer_never_reaches_the_model(written_cited, fake_endpoint):
    srv, url = fake_endpoint("500")
    w = written_cited(url).ask_written("What is the capital of France?")
    assert w.answer.abstained and srv.requests == 0 and w.note is None
    assert w.answer.to_dict()["mode"] == "extractive"


def run_cli(args, env_extra, cwd, timeout=120):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "CITED_SOURCES": str(SEEDS), **env_extra}
    env.pop("PYTEST_CURRENT_TEST", None)  # the CLI re-raises under pytest; here it runs as a user's would
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=timeout)


def test_cli_on_a_dead_port_answers_extractively_with_one_line_on_stderr(seeded, tmp_path):
    dead = f"http://127.0.0.1:{_free_port()}/v1"
    r = run_cli(["ask", "--json", COMPANIES], {"CITED_LLM_URL": dead, "CITED_DATA_DIR": str(seeded.settings.data_dir)},
                tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["mode"] == "extractive" and data["dropped_sentences"] == 0 and data["citations"]
    assert r.stderr.strip().count("\n") == 0 and "cannot be reached" in r.stderr and "Traceback" not in r.stderr


async def test_discord_footer_says_why_on_a_dead_port(seeded, settings, monkeypatch, caplog):
    import discord.ext.test as dpytest

    bot = await discord_bot(seeded, settings, monkeypatch, llm_url=f"http://127.0.0.1:{_free_port()}/v1")
    try:
        await dpytest.message(f"<@{bot.user.id}> {COMPANIES}")
        msg = dpytest.get_message()
        assert "Hikvision" in msg.content and "[1]" in msg.content
        assert msg.embeds[0].footer.text.startswith("Extractive answer: the language model at")
    finally:
        await dpytest.empty_queue()
        bot.executor.shutdown(wait=True)
    assert [r for r in caplog.records if r.name == "cited.discord" and "fell back" in r.getMessage()]


async def discord_bot(seeded, settings, monkeypatch, **overrides):
    """A CitedBot in dpytest's fake Discord around the seeded store (as in discord_harness)."""
    import discord
    import discord.ext.test as dpytest

    from bot.discord_bot import CitedBot
    from bot.settings import BotSettings
    from discord_harness import FakeDiscord

    from index.cited import Cited

    s = BotSettings(**settings.model_dump()).model_copy(update={"discord_rate_limit": 100, **overrides})
    intents = discord.Intents.default()
    intents.message_content = intents.members = True
    b = CitedBot(Cited(s, embedder=seeded.embedder), s, sync_commands=False, intents=intents)
    dpytest.configure(b, members=2)
    FakeDiscord(b, monkeypatch)  # threads, which a mention's answer opens
    await b._async_setup_hook()
    await b.setup_hook()
    return b


# -- with a real model ----------------------------------------------------------------------
def test_written_answer_streams_then_is_checked_and_cited(written_cited, llm_server):
    cited = written_cited(llm_server, timeout=120)
    pieces = []
    w = cited.ask_written(COMPANIES, on_text=pieces.append)
    assert len(pieces) > 1 and "".join(pieces) == w.draft, "the text did not arrive piece by piece"
    ans = w.answer
    assert ans.mode == "written", (w.draft, [(c.text, c.why) for c in w.claims])
    assert w.note is None and "Hikvision" in ans.answer and "[1]" in ans.answer
    assert ans.dropped_sentences == sum(not c.supported for c in w.claims)
    source = (SEEDS / SEED_FILE).read_text()
    for c in ans.citations:
        assert source[c.start:c.end] == c.quote
    assert {"write", "check"} <= set(ans.timings_ms)


def test_cli_streams_the_draft_on_a_terminal_then_prints_the_checked_answer(seeded, llm_server, tmp_path):
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "CITED_LLM_URL": llm_server, "CITED_LLM_TIMEOUT": "120",
           "CITED_DATA_DIR": str(seeded.settings.data_dir), "CITED_SOURCES": str(SEEDS), "COLUMNS": "200"}
    env.pop("PYTEST_CURRENT_TEST", None)
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "ask", COMPANIES], stdin=slave, stdout=slave,
                            stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    os.close(slave)
    screen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    proc.wait(timeout=180)
    os.close(master)
    text = screen.decode(errors="replace")
    assert proc.returncode == 0, proc.stderr.read()
    assert " …" in text, "no draft was shown while the answer arrived"
    assert "hikvision-dahua-un-global-compact.txt" in text and "[1]" in text


async def test_discord_edits_one_message_while_the_answer_arrives(seeded, settings, monkeypatch, llm_server):
    import discord.ext.test as dpytest

    import bot.discord_bot as discord_bot_module

    import index.answer.written as written_module

    # The server answers a repeated prompt from its cache in a blink; paced here so the
    # text arrives over a few seconds, as a real model's does, and edits can be seen.
    real_stream = written_module.stream_chat

    def paced(*args, **kwargs):
        for piece in real_stream(*args, **kwargs):
            time.sleep(0.25)
            yield piece

    monkeypatch.setattr(written_module, "stream_chat", paced)
    monkeypatch.setattr(discord_bot_module, "DRAFT_EVERY", 0.3)
    bot = await discord_bot(seeded, settings, monkeypatch, llm_url=llm_server, llm_timeout=120)
    edits = []
    http = bot.http
    original_edit = http.edit_message

    async def edit_message(channel_id, message_id, *, params):
        # dpytest finds the message in its caller's locals: keep one named so.
        self = inspect.currentframe().f_back.f_locals.get("self")  # noqa: F841
        edits.append(params.payload)
        return await original_edit(channel_id, message_id, params=params)

    monkeypatch.setattr(http, "edit_message", edit_message)
    try:
        await dpytest.message(f"<@{bot.user.id}> {COMPANIES}")
        msg = dpytest.get_message()
        assert len(edits) >= 2, "the draft was not edited as the answer arrived"
        assert any(str(e.get("content", "")).endswith(" …") for e in edits[:-1])
        final = edits[-1]
        assert final["embeds"] and final["embeds"][0]["footer"]["text"].startswith("Written by a language model")
        assert "[1]" in final["content"] and msg.id  # the one message, now the checked answer
    finally:
        await dpytest.empty_queue()
        bot.executor.shutdown(wait=True)
