"""The Discord bot as a user meets it: mentions, `!` commands and /ask, threads and
their follow-ups (also after a restart), forum posts, DMs, private refusals and errors.
The harness (dpytest extended with interactions and threads) is discord_harness.py."""

# ruff: noqa: F811

import logging
from types import SimpleNamespace

import discord
import discord.ext.test as dpytest
import discord.ext.test.backend as dback
import pytest

from bot.discord_bot import FAILED, FOLLOW_UP_HINT, HELP_TEXT, CitedBot
from bot.discord_messages import reads_as_question, strip_mention
from bot.discord_render import (
    ABSTAIN_MESSAGE,
)
from bot.limits import Refusal

from discord_harness import COMPANIES, EPHEMERAL, assert_within_limits_and_silent, index_one
# The harness's fixtures, imported so pytest finds them here; each test then takes
# them as parameters of the same names (hence the file-wide F811 exemption above).
from discord_harness import bot, discord_bot_factory, settings  # noqa: F401


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


def test_strip_mention():
    user = SimpleNamespace(id=5)
    assert strip_mention("<@5>  what is <@!5> this?", user) == "what is this?"


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
    assert thread.name == COMPANIES
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
    seen = spy_questions(bot)
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


async def test_a_forum_post_is_asked_by_its_title_and_body(discord_bot_factory):
    bot = await discord_bot_factory(discord_forums=["help"])
    forum = bot.fake.make_forum("help")
    asked = spy_questions(bot)
    await bot.fake.forum_post(forum, COMPANIES, "I read about it in the news but cannot find the names, help please")
    assert asked[0][0].startswith(COMPANIES + "\n") and "Hikvision" in dpytest.get_message().content
    await bot.fake.forum_post(forum, COMPANIES, "")  # a post that is a title and an image
    assert asked[1][0] == COMPANIES and "Hikvision" in dpytest.get_message().content


async def test_posts_in_other_forums_are_answered_when_asked(bot):
    post = await bot.fake.forum_post(bot.fake.make_forum("help"), "question", "hello all")
    assert dpytest.verify().message().nothing()  # not a configured forum: not answered unasked
    await dpytest.message(f"<@{bot.user.id}> {COMPANIES}", channel=post)
    assert "Hikvision" in dpytest.get_message().content
    seen = await bot.fake.slash("ask", channel=post, question=COMPANIES)
    assert any("Hikvision" in (s.content or "") for s in seen)


async def test_dms_answered_unless_turned_off(discord_bot_factory):
    bot = await discord_bot_factory()
    member = bot.fake.members[0]
    dm = await member.create_dm()
    await dpytest.message(COMPANIES, channel=dm, member=member)
    assert "Hikvision" in dpytest.get_message().content
    # In a DM a request need not read as a question; thanks are left alone.
    await dpytest.message("Tell me which companies joined the UN Global Compact", channel=dm, member=member)
    assert "Hikvision" in dpytest.get_message().content
    await dpytest.message("thanks!", channel=dm, member=member)
    assert dpytest.verify().message().nothing()
    bot.settings = bot.settings.model_copy(update={"discord_dms": False})
    await dpytest.message(COMPANIES, channel=dm, member=member)
    assert dpytest.verify().message().nothing()


def spy_questions(bot) -> list[tuple[str, list[str]]]:
    """What the bot asks the library, recorded: (question, history) per call."""
    seen = []
    real = bot.cited.ask

    def spy(question, history=None, **kw):
        seen.append((question, list(history or [])))
        return real(question, history=history, **kw)

    bot.cited.ask = spy
    return seen


async def test_after_a_restart_an_ask_inside_the_thread_stays_in_its_history(bot):
    await bot.fake.slash("ask", question=COMPANIES)
    thread = bot.fake.threads[0]
    await bot.fake.slash("ask", channel=thread, question="Which of them is state-owned?")
    await dpytest.empty_queue()
    before = list(bot.conversations[thread.id].conversation.questions)
    assert before == [COMPANIES, "Which of them is state-owned?"]
    bot.conversations.clear()
    asked = spy_questions(bot)
    await dpytest.message("Where are they based?", channel=thread)
    assert asked == [("Where are they based?", before)]


async def test_a_vote_is_thanked_at_once_while_the_answering_threads_are_busy(bot):
    import time

    await bot.fake.slash("ask", question=COMPANIES)
    answer_msg = bot.fake.originals[next(iter(bot.fake.shown))]
    for _ in range(2):  # a written answer can hold each worker for a minute
        bot.executor.submit(time.sleep, 4)
    t = time.perf_counter()
    thanks = await bot.fake.click(answer_msg, "cited:vote:down", member=1)
    assert time.perf_counter() - t < 3  # Discord fails a click not acknowledged in 3 s
    assert "not helpful" in thanks[0].content


async def test_a_vote_on_a_follow_up_after_a_restart_keeps_its_question(bot, tmp_path):
    import discord.ext.test.factories as facts

    from index.feedback import FeedbackLog

    await dpytest.message(f"<@{bot.user.id}> {COMPANIES}")
    thread = bot.fake.threads[0]
    await dpytest.message("Which of them is state-owned?", channel=thread)
    await dpytest.empty_queue()
    answer = await thread.fetch_message(list(bot.answers)[-1])
    bot.answers.clear()  # a restart
    assert answer.reference is not None  # the answer replies to its question
    data = facts.dict_from_message(answer)  # (which keeps no reference: added back)
    data.update(channel_id=str(thread.id), message_reference={"message_id": str(answer.reference.message_id),
                                                               "channel_id": str(thread.id)})
    await bot.fake.click(data, "cited:vote:down", member=0)
    log = FeedbackLog(bot.settings.data_dir)
    assert log.votes()[-1].question == "Which of them is state-owned?"
    assert log.export_checks(tmp_path / "checks.jsonl") == 1


async def test_answers_leave_nothing_behind_in_discord_py_view_store(bot):
    store = bot._connection._view_store
    before = len(store._views), len(store._synced_message_views)
    for _ in range(3):
        await dpytest.message(f"<@{bot.user.id}> {COMPANIES}")
    await bot.fake.slash("ask", question=COMPANIES)
    await dpytest.empty_queue()
    assert (len(store._views), len(store._synced_message_views)) == before
    # The buttons still work: the one persistent view takes every click.
    msg = bot.fake.originals[next(iter(bot.fake.shown))]
    assert "helpful" in (await bot.fake.click(msg, "cited:vote:up", member=1))[0].content


def test_the_bots_role_mentioned_is_the_bot_mentioned():
    from bot.discord_messages import is_acknowledgement, mentions_me

    me, role, other = SimpleNamespace(id=1), SimpleNamespace(id=7), SimpleNamespace(id=8)
    guild = SimpleNamespace(self_role=role)
    assert mentions_me(SimpleNamespace(mentions=[], role_mentions=[role], guild=guild), me)
    assert not mentions_me(SimpleNamespace(mentions=[], role_mentions=[other], guild=guild), me)
    assert strip_mention("<@&7> which companies?", me, role) == "which companies?"
    assert is_acknowledgement("Thanks, got it!") and is_acknowledgement("👍")
    assert not is_acknowledgement("installation steps") and not is_acknowledgement("")


async def test_without_thread_permissions_the_answer_stands_and_nothing_fails(bot, monkeypatch):
    denied = discord.Forbidden(SimpleNamespace(status=403, reason="Forbidden"), "Missing Permissions")

    async def refuse(*args, **kwargs):
        raise denied

    # "Send Messages in Threads" denied: the thread opens, its hint cannot be posted.
    monkeypatch.setattr(discord.Thread, "send", refuse)
    await dpytest.message(f"<@{bot.user.id}> {COMPANIES}")
    assert "Hikvision" in dpytest.get_message().content and len(bot.fake.threads) == 1
    assert dpytest.verify().message().nothing()  # no "something went wrong" after a good answer
    # "Create Public Threads" denied: the answer alone.
    monkeypatch.setattr(bot.fake.http, "start_thread_with_message", refuse, raising=False)
    await dpytest.message(f"<@{bot.user.id}> {COMPANIES}")
    assert "Hikvision" in dpytest.get_message().content and len(bot.fake.threads) == 1
    assert dpytest.verify().message().nothing()
