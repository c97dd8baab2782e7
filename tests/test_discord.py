"""The Discord bot through real discord.py, driven by dpytest. dpytest has no
interactions and raises on thread creation, so the fixture extends its fake backend:
FakeHttp creates threads and syncs commands, and a fake of discord.py's webhook adapter
(the one HTTP door interaction responses and followups go through) records what each
user sees. Slash commands and buttons arrive as INTERACTION_CREATE payloads parsed by
discord.py's own ConnectionState, so defer, followups, ephemeral flags, threads and
persistent views all run through discord.py's real code."""

import asyncio
import inspect
import itertools
import json
import logging
import statistics
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import discord
import discord.ext.test as dpytest
import discord.ext.test.backend as dback
import discord.ext.test.factories as facts
import pytest
import pytest_asyncio
from discord.webhook.async_ import AsyncWebhookAdapter

from index.answer import Answer, Citation
from bot.discord_bot import FAILED, FOLLOW_UP_HINT, HELP_TEXT, CitedBot, can_reindex
from bot.discord_messages import reads_as_question, strip_mention
from bot.discord_render import (
    ABSTAIN_MESSAGE, CONTENT_MAX, EMBED_TOTAL_MAX, FIELD_VALUE_MAX, FIELDS_MAX, render_answer, split_content,
)
from bot.discord_run import run, serve
from bot.limits import LRU, RateLimiter, Refusal
from index.errors import CitedError

COMPANIES = "Which two companies joined the UN Global Compact?"
EPHEMERAL = 1 << 6  # discord.MessageFlags.ephemeral


@pytest.fixture
def settings(settings):
    """The library's settings plus the bot's own (token, rate limit, …)."""
    from bot.settings import BotSettings

    return BotSettings(**settings.model_dump())


@dataclass
class Shown:
    """One thing a user sees from an interaction: a message or an edit of one."""

    kind: str  # "response", "defer", "edit", "followup"
    content: str | None
    embeds: list = field(default_factory=list)
    components: list = field(default_factory=list)
    ephemeral: bool = False
    message_id: int | None = None


class FakeDiscord:
    """Server-side fakes dpytest lacks: interactions, threads, command sync."""

    def __init__(self, bot: CitedBot, monkeypatch):
        self.bot = bot
        self.state = dback.get_state()
        self.http = self.state.http
        cfg = dpytest.get_config()
        self.guild, self.channel, self.members = cfg.guilds[0], cfg.channels[0], cfg.members
        self.shown: dict[str, list[Shown]] = {}  # interaction token -> what its user saw
        self.originals: dict[str, dict] = {}  # interaction token -> its original response
        self.threads: list[discord.Thread] = []
        self.synced: list[list] = []
        self.interactions: dict[str, dict] = {}  # token -> who, where, what kind
        self.ids = itertools.count(1)
        # The state dpytest made replaces the bot's: point the command tree at it.
        self.state._command_tree = bot.tree
        self.state.application_id = bot.user.id
        bot.tree._state, bot.tree._http = self.state, self.http
        monkeypatch.setattr(self.http, "start_thread_with_message", self.start_thread_with_message, raising=False)
        monkeypatch.setattr(self.http, "bulk_upsert_global_commands", self.bulk_upsert_global_commands, raising=False)
        monkeypatch.setattr(AsyncWebhookAdapter, "request", self.webhook_request)

    # -- FakeHttp additions -------------------------------------------------------------
    async def start_thread_with_message(self, channel_id, message_id, *, name, auto_archive_duration,
                                        rate_limit_per_user=None, reason=None):
        parent = self.state.get_channel(int(channel_id))
        data = self.thread_dict(message_id, parent, self.bot.user.id, name)
        self.state.parse_thread_create(data)
        self.threads.append(parent.guild.get_thread(int(message_id)))
        return data

    async def bulk_upsert_global_commands(self, application_id, payload):
        self.synced.append(payload)
        return [{**p, "id": str(facts.make_id()), "application_id": str(application_id), "version": "1"} for p in payload]

    def thread_dict(self, thread_id, parent, owner_id, name):
        return {
            "id": str(thread_id), "guild_id": str(parent.guild.id), "parent_id": str(parent.id), "owner_id": str(owner_id),
            "name": name, "type": discord.ChannelType.public_thread.value, "message_count": 0, "member_count": 1,
            "rate_limit_per_user": 0, "thread_metadata": {
                "archived": False, "auto_archive_duration": 1440, "archive_timestamp": "2024-01-01T00:00:00+00:00",
                "locked": False},
        }

    # -- the webhook adapter: interaction responses and followups ---------------------------
    def message_dict(self, token, payload, interaction):
        channel = interaction["channel_obj"]
        msg = facts.make_message_dict(channel, self.bot.user, content=payload.get("content") or "",
                                      embeds=[discord.Embed.from_dict(e) for e in payload.get("embeds") or []],
                                      guild_id=channel.guild.id if getattr(channel, "guild", None) else None)
        msg["components"] = payload.get("components") or []
        msg["flags"] = payload.get("flags", 0)
        msg["interaction_metadata"] = {"id": str(interaction["id"]), "type": 2, "user": facts.dict_from_user(interaction["user"]),
                                       "authorizing_integration_owners": {}}
        if not msg["flags"] & EPHEMERAL:  # others see it, and it is in the channel's history
            dback._cur_config.messages.setdefault(channel.id, []).append(msg)
            self.state.parse_message_create(msg)
        return msg

    async def webhook_request(self, route, session=None, *, payload=None, multipart=None, files=None, params=None, **kw):
        if multipart:
            payload = json.loads(next(p["value"] for p in multipart if p["name"] == "payload_json"))
        payload = payload or {}
        path, token = route.path, route.webhook_token
        it = self.interactions[token]
        seen = self.shown.setdefault(token, [])
        if path.endswith("/callback"):
            kind = payload["type"]
            data = payload.get("data") or {}
            ephemeral = bool(data.get("flags", 0) & EPHEMERAL)
            resource = {"type": kind}
            if kind in (4, 5):  # a message, or "thinking…"
                msg = self.message_dict(token, data if kind == 4 else {"flags": data.get("flags", 0)}, it)
                self.originals[token] = msg
                resource["message"] = msg
                seen.append(Shown("response" if kind == 4 else "defer", data.get("content"), data.get("embeds") or [],
                                  data.get("components") or [], ephemeral, int(msg["id"])))
            else:  # 6, 7: a component's own message acknowledged or updated
                seen.append(Shown("update", data.get("content"), ephemeral=ephemeral))
            return {"interaction": {"id": str(it["id"]), "type": it["type"], "response_message_loading": kind == 5,
                                    "response_message_ephemeral": ephemeral}, "resource": resource}
        if path.endswith("/messages/@original"):
            msg = self.originals[token]
            if route.method == "PATCH":
                for key in ("content", "embeds", "components"):
                    if key in payload:
                        msg[key] = payload[key] if payload[key] is not None else ([] if key != "content" else "")
                seen.append(Shown("edit", msg.get("content"), msg.get("embeds") or [], msg.get("components") or [],
                                  bool(msg.get("flags", 0) & EPHEMERAL), int(msg["id"])))
            return msg
        if route.method == "POST":  # a followup
            msg = self.message_dict(token, payload, it)
            seen.append(Shown("followup", payload.get("content"), payload.get("embeds") or [],
                              payload.get("components") or [], bool(payload.get("flags", 0) & EPHEMERAL), int(msg["id"])))
            return msg
        raise NotImplementedError(f"{route.method} {path}")

    # -- what users do ------------------------------------------------------------------
    def _base(self, kind, user, channel, data, message=None):
        iid = facts.make_id()
        token = f"token-{iid}"
        member = facts.dict_from_member(user) if isinstance(user, discord.Member) else None
        payload = {
            "id": str(iid), "application_id": str(self.bot.user.id), "type": kind, "token": token, "version": 1,
            "channel_id": str(channel.id), "channel": {"id": str(channel.id), "type": channel.type.value},
            "data": data, "app_permissions": str(discord.Permissions.all().value), "locale": "en-US",
            "attachment_size_limit": 8 << 20, "authorizing_integration_owners": {}, "context": 0,
        }
        if getattr(channel, "guild", None) is not None:
            payload["guild_id"] = str(channel.guild.id)
            payload["member"] = {**member, "permissions": str(user.guild_permissions.value)}
        else:
            payload["user"] = facts.dict_from_user(user)
        if message is not None:
            payload["message"] = message
        self.interactions[token] = {"id": iid, "type": kind, "user": user, "channel_obj": channel}
        return payload, token

    async def slash(self, name, member=0, channel=None, **options) -> list[Shown]:
        """A user runs /``name`` with ``options``; returns what that user saw."""
        user = self.members[member] if isinstance(member, int) else member
        channel = channel or self.channel
        cmd = self.bot.tree.get_command(name)
        data = {"id": str(facts.make_id()), "name": name, "type": 1,
                "options": [{"name": k, "type": 3, "value": v} for k, v in options.items()]}
        payload, token = self._base(2, user, channel, data)
        assert cmd is not None
        self.state.parse_interaction_create(payload)
        await self.settle()
        return self.shown.get(token, [])

    async def click(self, message: discord.Message | dict, custom_id, member=0) -> list[Shown]:
        user = self.members[member] if isinstance(member, int) else member
        msg = message if isinstance(message, dict) else facts.dict_from_message(message)
        channel = self.state.get_channel(int(msg["channel_id"])) or self.channel
        payload, token = self._base(3, user, channel, {"custom_id": custom_id, "component_type": 2}, message=msg)
        self.state.parse_interaction_create(payload)
        await self.settle()
        return self.shown.get(token, [])

    async def settle(self):
        """Wait until every task discord.py started for the last event is done."""
        while True:
            busy = [t for t in asyncio.all_tasks() if not t.done() and (
                t.get_name().startswith(("CommandTree-invoker", "discord-ui-view-dispatch"))
                or t.get_coro().__qualname__.endswith("_run_event"))]
            if not busy:
                return
            await asyncio.gather(*busy, return_exceptions=True)

    def thread_messages(self, thread) -> list[dict]:
        return dback._cur_config.messages.get(thread.id, [])

    def make_forum(self, name="help"):
        data = facts.make_text_channel_dict(name, guild_id=self.guild.id, position=5)
        data.update(type=discord.ChannelType.forum.value, available_tags=[], flags=0)
        self.state.parse_channel_create(data)
        return self.guild.get_channel(int(data["id"]))

    async def forum_post(self, forum, title, content, member=0):
        user = self.members[member]
        tid = facts.make_id()
        self.state.parse_thread_create(self.thread_dict(tid, forum, user.id, title))
        post = self.guild.get_thread(tid)
        dback.make_message(content, user, post, id_num=tid)  # a post's starter message has the post's id
        await self.settle()
        return post


@pytest_asyncio.fixture
async def discord_bot_factory(seeded, settings, monkeypatch, caplog):
    """Builds a bot around the seeded index in dpytest's fake Discord; after the test,
    any error the bot logged for the operator fails the test unless the test read it
    (and cleared caplog)."""
    made = []

    async def make(**overrides):
        # dpytest resolves mentions through the member cache, which needs the members
        # intent; the real bot does not (Discord resolves mentions itself).
        intents = discord.Intents.default()
        intents.message_content = intents.members = True
        sync = overrides.pop("sync_commands", False)
        s = settings.model_copy(update={"discord_rate_limit": 100, **overrides})
        b = CitedBot(seeded, s, sync_commands=sync, intents=intents)
        dpytest.configure(b, members=3)
        fake = FakeDiscord(b, monkeypatch)
        await b._async_setup_hook()
        await b.setup_hook()
        sent = []
        original = fake.http.send_message

        async def recording(channel_id, *, params):
            # dpytest finds the channel in its caller's locals: keep one named so.
            channel = inspect.currentframe().f_back.f_locals.get("channel")  # noqa: F841
            sent.append(params.payload)
            return await original(channel_id, params=params)

        fake.http.send_message = recording
        b.sent_payloads = sent
        b.fake = fake
        made.append(b)
        return b

    caplog.set_level(logging.INFO, logger="cited")
    yield make
    for b in made:
        await dpytest.empty_queue()
        b.executor.shutdown(wait=True)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("cited")]
    assert not errors, f"the bot logged errors: {[r.getMessage() for r in errors]}"


@pytest_asyncio.fixture
async def bot(discord_bot_factory):
    return await discord_bot_factory()


def embed_len(e: discord.Embed) -> int:
    return len(e.title or "") + len(e.description or "") + sum(len(f.name) + len(f.value) for f in e.fields)


def assert_within_limits_and_silent(bot):
    assert bot.sent_payloads, "the bot sent nothing"
    for p in bot.sent_payloads:
        assert p.get("allowed_mentions", {}).get("parse") == [], p.get("allowed_mentions")
        assert not p.get("allowed_mentions", {}).get("replied_user")
        assert len(p.get("content") or "") <= CONTENT_MAX
        for e in p.get("embeds") or []:
            emb = discord.Embed.from_dict(e)
            assert embed_len(emb) <= EMBED_TOTAL_MAX and len(emb.fields) <= FIELDS_MAX


async def test_mention_is_answered_as_a_reply_with_cited_passages(bot):
    await dpytest.message(f"<@{bot.user.id}> {COMPANIES}")
    msg = dpytest.get_message()
    assert "Hikvision" in msg.content and "Dahua" in msg.content and "[1]" in msg.content
    assert bot.sent_payloads[0].get("message_reference"), "the answer must reply to the question"
    fields = msg.embeds[0].fields
    assert msg.embeds[0].title == "Sources"
    assert fields[0].name.startswith("[1] hikvision-dahua-un-global-compact.txt")
    assert fields[0].value.startswith("“")
    assert_within_limits_and_silent(bot)


async def test_prefix_ask_and_off_topic_abstains(bot):
    await dpytest.message("!ask What is the capital of France?")
    msg = dpytest.get_message()
    assert msg.content == ABSTAIN_MESSAGE and not msg.embeds
    assert_within_limits_and_silent(bot)


async def test_help_and_sources(bot):
    await dpytest.message("!help")
    assert dpytest.get_message().content == HELP_TEXT
    await dpytest.message("!sources")
    assert "hikvision-dahua-un-global-compact.txt" in dpytest.get_message().content


async def test_ignores_bots_and_unaddressed_messages(bot):
    await dpytest.message("Which two companies joined the UN Global Compact?")
    assert dpytest.verify().message().nothing()
    other = dpytest.get_config().members[1]
    other._user.bot = True
    await dpytest.message(f"<@{bot.user.id}> {COMPANIES}", member=1)
    assert dpytest.verify().message().nothing()


def index_one(bot, folder, name: str, text: str) -> None:
    """A folder holding one file, indexed into the bot's store beside the seeds."""
    folder.mkdir()
    (folder / name).write_text(text)
    bot.cited.index(folder)


async def test_quoted_mentions_never_ping(bot, tmp_path):
    # A source passage with @everyone and a role mention must be quoted, not pinged.
    index_one(bot, tmp_path / "pings", "ping.txt",
              "Attention @everyone and <@&123456>: the meeting about llamas is moved to Friday.")
    await dpytest.message(f"<@{bot.user.id}> When is the meeting about llamas?")
    msg = dpytest.get_message()
    assert "@everyone" in msg.content
    assert_within_limits_and_silent(bot)


async def test_slash_ask_answers_opens_a_thread_on_the_answer_and_follow_ups_continue_it(bot):
    fake = bot.fake
    seen = await fake.slash("ask", question=COMPANIES)
    assert [s.kind for s in seen] == ["defer", "edit"], seen
    assert not any(s.ephemeral for s in seen)
    answer = seen[-1]
    assert answer.content.startswith(f"> {COMPANIES}\n") and "Hikvision" in answer.content
    assert answer.embeds[0]["title"] == "Sources"
    buttons = [c["custom_id"] for row in answer.components for c in row["components"]]
    assert buttons == ["cited:vote:up", "cited:vote:down"]
    # The thread is opened on the answer itself (the interaction's original response).
    assert len(fake.threads) == 1 and fake.threads[0].id == answer.message_id
    thread = fake.threads[0]
    assert [m["content"] for m in fake.thread_messages(thread)] == [FOLLOW_UP_HINT]
    assert dpytest.get_message().content == FOLLOW_UP_HINT
    # The asker's follow-up in the thread is answered there, with the thread's question as context.
    await dpytest.message("Which of them is state-owned?", channel=thread)
    reply = dpytest.get_message()
    assert reply.channel.id == thread.id and "state-owned Hikvision" in reply.content
    # /ask inside the thread continues the same conversation.
    seen = await fake.slash("ask", channel=thread, question="And which of them is state-owned?")
    assert "state-owned Hikvision" in seen[-1].content
    assert len(fake.threads) == 1, "no thread opened inside a thread"
    assert bot.conversations[thread.id].conversation.questions[0] == COMPANIES


async def test_bad_questions_are_refused_politely(bot):
    r = await bot.answer(1, "x" * 2001)
    assert isinstance(r, Refusal) and "2,000" in r.text
    r = await bot.answer(1, "   ")
    assert isinstance(r, Refusal) and "empty" in r.text


async def test_rate_limit_per_user(seeded, settings):
    b = CitedBot(seeded, settings.model_copy(update={"discord_rate_limit": 2}), sync_commands=False)
    assert not isinstance(await b.answer(7, COMPANIES), Refusal)
    assert not isinstance(await b.answer(7, COMPANIES), Refusal)
    third = await b.answer(7, COMPANIES)
    assert isinstance(third, Refusal) and "2 questions a minute" in third.text
    assert not isinstance(await b.answer(8, COMPANIES), Refusal)  # other users unaffected
    b.executor.shutdown(wait=True)


def test_rate_limiter_window_slides():
    now = [0.0]
    rl = RateLimiter(2, 60, clock=lambda: now[0])
    assert rl.allow(1) and rl.allow(1) and not rl.allow(1)
    assert rl.retry_after(1) == 60
    now[0] = 60.0
    assert rl.allow(1)


def test_reindex_permission():
    admin = SimpleNamespace(guild_permissions=SimpleNamespace(manage_guild=True), roles=[])
    librarian = SimpleNamespace(guild_permissions=SimpleNamespace(manage_guild=False), roles=[SimpleNamespace(name="librarian")])
    member = SimpleNamespace(guild_permissions=SimpleNamespace(manage_guild=False), roles=[SimpleNamespace(name="fan")])
    assert can_reindex(admin, None)
    assert can_reindex(librarian, "librarian") and not can_reindex(librarian, None)
    assert not can_reindex(member, "librarian")


async def test_reindex_refused_for_plain_members(bot):
    await dpytest.message("!reindex")
    assert "only members with Manage Server" in dpytest.get_message().content


def long_answer(n_cites=30, quote_len=900):
    cites = [Citation(i, f"dir/file-{i}.txt", i, 0, quote_len, ("word " * (quote_len // 5)).strip(), 0.5) for i in range(1, n_cites + 1)]
    text = " ".join(f"{c.quote} [{c.n}]" for c in cites)
    return Answer("q", text, False, cites)


def test_long_answers_are_split_and_trimmed_cleanly():
    msgs = render_answer(long_answer())
    assert len(msgs) > 1
    assert all(len(m.content) <= CONTENT_MAX for m in msgs)
    assert "".join(m.content for m in msgs).replace(" ", "") == long_answer().answer.replace(" ", "")
    embed = discord.Embed.from_dict(msgs[-1].embed)
    assert all(m.embed is None for m in msgs[:-1])
    assert len(embed.fields) <= FIELDS_MAX and embed_len(embed) <= EMBED_TOTAL_MAX
    assert all(len(f.value) <= FIELD_VALUE_MAX and f.value.endswith("…") for f in embed.fields)
    assert embed.fields[0].name == "[1] dir/file-1.txt, page 1, chars 0-900"


def test_split_prefers_sentence_ends():
    text = ("A sentence that ends here. " * 100).strip()
    parts = split_content(text, 300)
    assert all(p.endswith(".") and len(p) <= 300 for p in parts)
    assert split_content("x" * 4500) == ["x" * 2000, "x" * 2000, "x" * 500]


def test_strip_mention():
    user = SimpleNamespace(id=5)
    assert strip_mention("<@5>  what is <@!5> this?", user) == "what is this?"


def fifty_distinct_questions() -> list[str]:
    """50 different questions about the seed (no answer is a repeat of another)."""
    from tests.conftest import SEED_FILE, SEEDS

    words = sorted({w.strip(".,;:()\"'").lower() for w in (SEEDS / SEED_FILE).read_text().split()
                    if len(w.strip(".,;:()\"'")) > 6 and w.strip(".,;:()\"'").isalpha()})
    step = max(1, len(words) // 50)
    return [f"What do the sources say about {w}?" for w in words[::step][:50]]


async def lag_while_answering(bot, questions) -> tuple[list[float], float]:
    """Send ``questions`` at once through on_message from three users; the event
    loop's lag (a 10 ms heartbeat's lateness) while they are answered, and the time taken."""
    lags, stop = [], asyncio.Event()

    async def heartbeat():
        while not stop.is_set():
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - t - 0.01)

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.05)
    t = time.perf_counter()
    cfg = dpytest.get_config()
    for i, q in enumerate(questions):
        dback.make_message(f"<@{bot.user.id}> {q}", cfg.members[i % 3], cfg.channels[0])  # each on_message is a task
    await dpytest.run_all_events()
    elapsed = time.perf_counter() - t
    stop.set()
    await beat
    return lags, elapsed


def p95(xs):
    return statistics.quantiles(xs, n=20)[-1]


async def test_fifty_distinct_questions_at_once_all_answered_and_the_loop_stays_free(bot):
    questions = fifty_distinct_questions()
    assert len(set(questions)) == 50
    lags, elapsed = await lag_while_answering(bot, questions)
    answers = [p for p in bot.sent_payloads if p.get("message_reference")]
    assert len(answers) == 50
    print(f"off the loop: 50 questions in {elapsed:.1f} s, lag p95 {p95(lags) * 1000:.1f} ms, max {max(lags) * 1000:.0f} ms")
    assert p95(lags) <= 0.100, f"event loop lag p95 {p95(lags) * 1000:.0f} ms over {elapsed:.1f} s"


async def test_answering_on_the_loop_would_fail_the_lag_bound(discord_bot_factory):
    """The same measurement with the work moved onto the event loop: the bound above
    is not met, so that test does tell the two apart."""
    bot = await discord_bot_factory()

    async def on_the_loop(fn):
        return fn()

    bot.off_loop = on_the_loop
    lags, elapsed = await lag_while_answering(bot, fifty_distinct_questions()[:20])
    print(f"on the loop: 20 questions in {elapsed:.1f} s, lag p95 {p95(lags) * 1000:.1f} ms")
    assert p95(lags) > 0.100, f"p95 {p95(lags) * 1000:.0f} ms"


async def test_help_is_answered_at_once_during_a_reindex(bot):
    task = asyncio.create_task(bot.reindex())
    await asyncio.sleep(0.3)  # the `cited index` process is now starting up
    t = time.perf_counter()
    await dpytest.message("!help")
    waited = time.perf_counter() - t
    assert dpytest.get_message().content == HELP_TEXT
    assert not task.done(), "the re-index finished before /help was tried; the test proves nothing"
    assert waited < 0.5
    report = await task
    assert report.unchanged == 1 and not report.added


def test_start_without_token_is_a_clear_error(settings):
    with pytest.raises(CitedError, match="DISCORD_TOKEN is not set"):
        run(settings)


async def test_bot_watch_serves_new_sources_without_restart(settings, embedder, tmp_path, corpus):
    from index.cited import Cited

    s = settings.model_copy(update={"sources": corpus, "discord_watch": True, "discord_rate_limit": 1000})
    cited = Cited(s, embedder=embedder)
    cited.index()
    b = CitedBot(cited, s, sync_commands=False)
    await b._async_setup_hook()
    await b.setup_hook()
    try:
        before = await b.answer(1, "At what temperature does liquid nitrogen boil?")
        assert before[0].content == ABSTAIN_MESSAGE
        await asyncio.sleep(1.0)  # the watcher is up
        (corpus / "nitrogen.md").write_text("Liquid nitrogen boils at minus 196 degrees Celsius.")
        deadline = time.time() + 90
        while time.time() < deadline:
            await asyncio.sleep(1.0)
            after = await b.answer(1, "At what temperature does liquid nitrogen boil?")
            assert not isinstance(after, Refusal), after.text
            if after[0].content != ABSTAIN_MESSAGE:
                break
        assert "minus 196 degrees" in after[0].content
        assert after[-1].embed["fields"][0]["name"].startswith("[1] nitrogen.md")
    finally:
        await b.close()


async def test_every_slash_command_has_a_description(bot):
    names = {c.name: c.description for c in bot.tree.get_commands()}
    assert set(names) == {"ask", "sources", "help", "reindex"}
    assert all(d and len(d) > 10 for d in names.values()), names


async def test_slash_refusals_are_private_and_sent_before_any_thinking(discord_bot_factory):
    bot = await discord_bot_factory(discord_rate_limit=1)
    seen = await bot.fake.slash("ask", question="x" * 2001)
    assert [(s.kind, s.ephemeral) for s in seen] == [("response", True)]
    assert "2,000" in seen[0].content
    assert [s.kind for s in await bot.fake.slash("ask", question=COMPANIES)] == ["defer", "edit"]
    limited = await bot.fake.slash("ask", question=COMPANIES)
    assert [(s.kind, s.ephemeral) for s in limited] == [("response", True)]
    assert "1 questions a minute" in limited[0].content
    assert not any(m.get("flags", 0) & EPHEMERAL for m in dback._cur_config.messages[bot.fake.channel.id])


async def test_slash_ask_in_a_channel_not_configured_is_refused_privately(discord_bot_factory):
    bot = await discord_bot_factory(discord_channels=["support"])
    seen = await bot.fake.slash("ask", question=COMPANIES)
    assert [(s.kind, s.ephemeral) for s in seen] == [("response", True)]
    assert "don't answer questions in this channel" in seen[0].content
    await dpytest.message(f"<@{bot.user.id}> {COMPANIES}")
    assert "don't answer" in dpytest.get_message().content  # short-lived (delete_after) in a channel


async def test_an_unexpected_error_is_one_line_for_the_user_and_a_traceback_for_the_operator(bot, caplog, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("chroma fell over")

    monkeypatch.setattr(bot.cited, "ask", broken)
    seen = await bot.fake.slash("ask", question=COMPANIES)
    assert [s.kind for s in seen] == ["defer", "edit"] and seen[-1].content == FAILED, "left thinking"
    # dpytest hands command errors on to the test as well: they are not swallowed.
    _, surfaced = await dpytest.runner.error_queue.get()
    assert "chroma fell over" in str(surfaced)
    await dpytest.message(f"<@{bot.user.id}> {COMPANIES}")
    assert dpytest.get_message().content == FAILED
    with pytest.raises(discord.ext.commands.CommandInvokeError, match="chroma fell over"):
        await dpytest.message(f"!ask {COMPANIES}")
    assert dpytest.get_message().content == FAILED
    logged = [r for r in caplog.records if r.name == "cited.discord" and r.levelno == logging.ERROR]
    assert len(logged) == 3 and all(r.exc_info and "chroma fell over" in str(r.exc_info[1]) for r in logged)
    caplog.clear()


async def test_thread_chit_chat_is_ignored_and_others_must_mention(bot):
    await dpytest.message(f"<@{bot.user.id}> {COMPANIES}")
    dpytest.get_message()
    thread = bot.fake.threads[0]
    assert thread.id == dpytest.get_config().channels[0].last_message_id or thread.name == COMPANIES
    dpytest.get_message()  # the hint
    await dpytest.message("thanks!", channel=thread)
    await dpytest.message("is one of them state-owned", channel=thread, member=1)  # not the asker, no mention
    assert dpytest.verify().message().nothing()
    await dpytest.message(f"<@{bot.user.id}> which of them is state-owned?", channel=thread, member=1)
    assert "state-owned Hikvision" in dpytest.get_message().content


def test_what_reads_as_a_question():
    assert reads_as_question("Which of them is state-owned?") and reads_as_question("how do I reset it")
    assert not reads_as_question("thanks!") and not reads_as_question("ok, got it") and not reads_as_question("")


async def test_after_a_restart_a_thread_history_is_read_back_without_the_current_message(bot, discord_bot_factory):
    await dpytest.message(f"<@{bot.user.id}> {COMPANIES}")
    thread = bot.fake.threads[0]
    await dpytest.message("thanks!", channel=thread)  # chit-chat stays out of the history
    await dpytest.empty_queue()
    # A new process: nothing in memory, the same Discord.
    bot.conversations.clear()
    seen = []
    real = bot.cited.ask

    def spy(question, history=None, **kw):
        seen.append((question, list(history or [])))
        return real(question, history=history, **kw)

    bot.cited.ask = spy
    await dpytest.message("Which of them is state-owned?", channel=thread)
    assert seen == [("Which of them is state-owned?", [COMPANIES])]
    assert "state-owned Hikvision" in dpytest.get_message().content


async def test_after_a_restart_a_slash_thread_knows_its_asker_and_question(bot):
    await bot.fake.slash("ask", question=COMPANIES, member=2)
    thread = bot.fake.threads[0]
    await dpytest.empty_queue()
    bot.conversations.clear()
    await dpytest.message("Which of them is state-owned?", channel=thread, member=2)
    assert "state-owned Hikvision" in dpytest.get_message().content
    talk = bot.conversations[thread.id]
    assert talk.asker_id == bot.fake.members[2].id
    assert talk.conversation.questions == [COMPANIES, "Which of them is state-owned?"]


def test_caches_are_bounded():
    lru = LRU(2)
    for k in range(5):
        lru.put(k, k)
    assert list(lru) == [3, 4]
    rl = RateLimiter(1, max_keys=3)
    for user in range(100):
        rl.allow(user)
    assert len(rl._events) == 3


async def test_a_new_post_in_a_configured_forum_is_answered_in_the_post(discord_bot_factory):
    bot = await discord_bot_factory(discord_forums=["help"])
    forum = bot.fake.make_forum("help")
    other = bot.fake.make_forum("ideas")
    post = await bot.fake.forum_post(forum, "UN Global Compact", COMPANIES)
    msg = dpytest.get_message()
    assert msg.channel.id == post.id and "Hikvision" in msg.content and msg.embeds
    await dpytest.message("Which of them is state-owned?", channel=post)
    assert "state-owned Hikvision" in dpytest.get_message().content
    await bot.fake.forum_post(other, "unrelated", COMPANIES)
    assert dpytest.verify().message().nothing()


async def test_dms_answered_unless_turned_off(discord_bot_factory):
    bot = await discord_bot_factory()
    member = bot.fake.members[0]
    dm = await member.create_dm()
    await dpytest.message(COMPANIES, channel=dm, member=member)
    assert "Hikvision" in dpytest.get_message().content
    bot.settings = bot.settings.model_copy(update={"discord_dms": False})
    await dpytest.message(COMPANIES, channel=dm, member=member)
    assert dpytest.verify().message().nothing()


async def test_sources_link_to_file_and_line_and_source_text_cannot_format(discord_bot_factory, tmp_path):
    bot = await discord_bot_factory(source_url="https://github.com/org/docs/blob/main")
    index_one(bot, tmp_path / "fmt", "guide.md",
              "# Guide\n\nThe *llama* setting is `on_by_default` and lives at https://example.com/llama_conf page.\n")
    await dpytest.message(f"<@{bot.user.id}> What is the llama setting?")
    msg = dpytest.get_message()
    assert r"\*llama\*" in msg.content and "<https://example.com/llama_conf>" in msg.content
    value = msg.embeds[0].fields[0].value
    assert value.startswith("[guide.md](https://github.com/org/docs/blob/main/guide.md#L3)")
    assert r"\*llama\*" in value


def test_split_keeps_code_fences_closed():
    parts = split_content("intro ```\n" + "line\n" * 30 + "``` end", 60)
    assert len(parts) > 1 and all(p.count("```") % 2 == 0 and len(p) <= 60 for p in parts)


async def test_feedback_buttons_record_votes_and_thumbs_down_export_as_checks(bot, tmp_path):
    from index.feedback import FeedbackLog

    seen = await bot.fake.slash("ask", question=COMPANIES)
    answer_msg = bot.fake.originals[next(iter(bot.fake.shown))]
    thanks = await bot.fake.click(answer_msg, "cited:vote:down", member=1)
    assert [(s.kind, s.ephemeral) for s in thanks] == [("response", True)] and "not helpful" in thanks[0].content
    # After a restart the buttons still work (persistent view), and the question is read from the message.
    bot.answers.clear()
    await bot.fake.click(answer_msg, "cited:vote:up", member=2)
    votes = FeedbackLog(bot.settings.data_dir).votes()
    assert [v.vote for v in votes] == ["down", "up"]
    assert all(v.question == COMPANIES for v in votes) and "Hikvision" in votes[0].answer
    assert votes[0].citations[0].startswith("hikvision-dahua-un-global-compact.txt")
    assert str(bot.fake.members[1].id) not in json.dumps([v.voter for v in votes]) and votes[0].voter != votes[1].voter
    out = tmp_path / "checks.jsonl"
    assert FeedbackLog(bot.settings.data_dir).export_checks(out) == 1
    line = json.loads(out.read_text())
    assert line["q"] == COMPANIES and line["expect"] == []
    bot.fake.exported = out.read_text()  # shown in the report
    assert seen


async def test_commands_synced_only_when_changed(discord_bot_factory):
    bot = await discord_bot_factory(sync_commands=None)
    assert len(bot.fake.synced) == 1 and {c["name"] for c in bot.fake.synced[0]} == {"ask", "sources", "help", "reindex"}
    assert await bot.sync_if_changed() is False and len(bot.fake.synced) == 1
    bot.sync_commands = True  # `cited discord --sync`
    assert await bot.sync_if_changed() is True and len(bot.fake.synced) == 2


async def test_a_rejected_token_fails_before_the_index_is_warmed(bot, monkeypatch):
    async def reject(token):
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(bot.fake.http, "static_login", reject)
    bot.ws = None  # dpytest's fake gateway cannot be closed; the real one is opened only by connect()
    warmed = []
    with pytest.raises(discord.LoginFailure):
        await serve(bot, "bad", lambda: warmed.append(1))
    assert not warmed


async def test_sigterm_closes_the_bot_cleanly(bot, monkeypatch):
    """`docker stop` / systemd send SIGTERM: serve() closes the bot (its watcher and
    worker threads) and returns, instead of dying mid-answer. Login and the gateway
    loop stand in for the network, which the tests cannot reach."""
    import os
    import signal

    async def login(token):
        pass

    async def connect(*args, **kwargs):  # the gateway loop: runs until the bot is closed
        while not bot.is_closed():
            await asyncio.sleep(0.01)

    monkeypatch.setattr(bot, "login", login)
    monkeypatch.setattr(bot, "connect", connect)
    bot.ws = None
    warmed = []

    task = asyncio.create_task(serve(bot, "token", lambda: warmed.append(1)))
    for _ in range(200):
        await asyncio.sleep(0.01)
        if warmed:
            break
    await asyncio.sleep(0.05)  # the handler is installed right after warming
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(task, timeout=5)
    assert warmed and bot.is_closed()
    assert bot.executor._shutdown  # no worker thread left answering


async def test_slash_reindex_reports_from_the_sync_report(discord_bot_factory):
    bot = await discord_bot_factory(discord_reindex_role="librarian")
    member = bot.fake.members[0]
    role = dback.make_role("librarian", bot.fake.guild)
    dback.update_member(member, roles=[role])
    seen = await bot.fake.slash("reindex", member=member)
    assert seen[-1].ephemeral and seen[-1].content.startswith("Re-indexed: 0 added, 0 changed, 0 removed, 1 unchanged")
    refused = await bot.fake.slash("reindex", member=1)
    assert refused[-1].ephemeral and "only members with Manage Server" in refused[-1].content


def test_the_reindex_child_gets_settings_but_no_secrets(settings):
    from pydantic import SecretStr

    from bot.discord_bot import settings_env

    env = settings_env(settings.model_copy(update={"llm_api_key": SecretStr("sk-secret"), "top_k": 7}))
    assert env["CITED_TOP_K"] == "7"
    assert "CITED_LLM_API_KEY" not in env and not any("*****" in v for v in env.values())
