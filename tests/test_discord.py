"""The Discord bot, driven through real discord.py by dpytest, and its handlers as
plain async functions where dpytest cannot reach (slash-only paths, permissions,
rate limits, message splitting, threads)."""

import asyncio
import inspect
import time
from types import SimpleNamespace

import discord
import discord.ext.test as dpytest
import pytest
import pytest_asyncio

from index.answer import Answer, Citation
from bot.discord_bot import HELP_TEXT, CitedBot, RateLimiter, Refusal, can_reindex, run, strip_mention
from bot.discord_render import (
    ABSTAIN_MESSAGE, CONTENT_MAX, EMBED_TOTAL_MAX, FIELD_VALUE_MAX, FIELDS_MAX, render_answer, split_content,
)
from index.errors import CitedError

COMPANIES = "Which two companies joined the UN Global Compact?"


@pytest.fixture
def settings(settings):
    """The library's settings plus the bot's own (token, rate limit, …)."""
    from bot.settings import BotSettings

    return BotSettings(**settings.model_dump())


@pytest_asyncio.fixture
async def bot(seeded, settings):
    # dpytest resolves mentions through the member cache, which needs the members
    # intent; the real bot does not (Discord resolves mentions itself).
    intents = discord.Intents.default()
    intents.message_content = intents.members = True
    b = CitedBot(seeded, settings.model_copy(update={"discord_rate_limit": 100}), sync_commands=False, intents=intents)
    await b._async_setup_hook()
    await b.setup_hook()
    dpytest.configure(b, members=3)
    sent = []
    http = dpytest.backend.get_state().http
    original = http.send_message

    async def recording(channel_id, *, params):
        # dpytest finds the channel in its caller's locals: keep one named so.
        channel = inspect.currentframe().f_back.f_locals.get("channel")  # noqa: F841
        sent.append(params.payload)
        return await original(channel_id, params=params)

    http.send_message = recording
    b.sent_payloads = sent
    yield b
    await dpytest.empty_queue()
    b.executor.shutdown(wait=True)


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


async def test_quoted_mentions_never_ping(bot, tmp_path):
    # A source passage with @everyone and a role mention must be quoted, not pinged.
    src = tmp_path / "pings"
    src.mkdir()
    (src / "ping.txt").write_text("Attention @everyone and <@&123456>: the meeting about llamas is moved to Friday.")
    bot.cited.index(src)
    await dpytest.message(f"<@{bot.user.id}> When is the meeting about llamas?")
    msg = dpytest.get_message()
    assert "@everyone" in msg.content
    assert_within_limits_and_silent(bot)


async def test_follow_up_in_a_thread_uses_its_earlier_questions(bot):
    # dpytest has no threads: drive the handler with the thread's history directly.
    first = await bot.answer(1, COMPANIES)
    follow = await bot.answer(1, "Which of them is state-owned?", history=[COMPANIES])
    assert not isinstance(first, Refusal) and not isinstance(follow, Refusal)
    assert "state-owned Hikvision" in follow[0].content
    bot.remember(42, COMPANIES)
    assert bot.conversations[42].questions == [COMPANIES]


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


async def test_fifty_questions_at_once_all_answered_and_loop_stays_free(bot):
    questions = [COMPANIES, "What did the companies commit to?", "What is the capital of France?",
                 "Who called for a ban on the companies?", "What is the UNGC?"]
    # The work itself: the same questions answered one after another.
    t = time.perf_counter()
    for q in questions:
        bot.cited.ask(q)
    one_round = time.perf_counter() - t

    gaps, stop = [], asyncio.Event()

    async def ticker():
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    tick = asyncio.create_task(ticker())
    t = time.perf_counter()
    results = await asyncio.gather(*[bot.answer(100 + i % 7, questions[i % 5]) for i in range(50)])
    elapsed = time.perf_counter() - t
    stop.set()
    await tick
    assert all(not isinstance(r, Refusal) and r and r[0].content for r in results)
    # 50 questions = 10 rounds of the work; allow for the machine's noise, not for queuing on the loop.
    assert elapsed < 10 * one_round * 2.0 + 2, (elapsed, one_round)
    assert max(gaps) < 0.5, f"event loop blocked for {max(gaps):.2f} s"


async def test_help_is_answered_at_once_during_a_reindex(bot):
    task = asyncio.create_task(bot.reindex())
    await asyncio.sleep(0.3)  # the `cited index` process is now starting up
    t = time.perf_counter()
    await dpytest.message("!help")
    waited = time.perf_counter() - t
    assert dpytest.get_message().content == HELP_TEXT
    assert not task.done(), "the re-index finished before /help was tried; the test proves nothing"
    assert waited < 0.5
    summary = await task
    assert "unchanged" in summary


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
