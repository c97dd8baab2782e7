"""The Discord bot: CitedBot, the stage that turns Discord events into answers (its
commands are bot.discord_commands).

It decides what to do with each mention, `!` or slash command, thread follow-up and
forum post (the rules for reading a message are in bot.discord_messages), asks the
answering core it shares with the CLI (index.cited.Cited), and sends what
bot.discord_render formats (through bot.discord_send), with the feedback buttons of
bot.discord_feedback under each answer. The conversations of its threads, read back
from Discord after a restart, are bot.discord_threads; it reports every error in one place.
Embedding and search run in worker threads so the event loop never waits on them;
re-indexing runs as a child `python -m index.sync --json` process, whose report is read
as data; the searcher notices the new store by its generation, exactly as it notices a
re-index started from the CLI. Running it as a process is bot.discord_run.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_commands import HELP_TEXT, AskCog, can_reindex  # noqa: F401 - HELP_TEXT, can_reindex: the bot's API
from bot.discord_feedback import Answered, FeedbackView, buttons
from bot.discord_messages import (addressed_in_thread, answers_in, is_acknowledgement, is_forum_post, mentions_me,
                                  post_question, said)
from bot.discord_reindex import sync_in_child
from bot.discord_render import Outgoing, render_answer, render_draft
from bot.discord_send import NO_MENTIONS, Draft, open_thread_on, send_all
from bot.discord_threads import ThreadTalk, ThreadTalks
from bot.limits import ANSWERS_MAX, CONVERSATIONS_MAX, LRU, RateLimiter, Refusal
from bot.settings import BotSettings as Settings
from index.answer import validate_question
from index.cited import Cited
from index.errors import BadQuestion, CitedError
from index.feedback import FeedbackLog

log = logging.getLogger("cited.discord")
FOLLOW_UP_HINT = "Ask follow-up questions here (end them with “?”)."
FAILED = "Sorry, something went wrong on my side; the operator has been told."
COMMANDS_HASH_FILE = "discord-commands.sha256"
# A written answer arriving is shown by editing one message at most this often
# (seconds): Discord rate-limits edits to about five per five seconds per channel.
DRAFT_EVERY = 1.0


class CitedBot(commands.Bot):
    def __init__(self, cited: Cited, settings: Settings, *, feedback: FeedbackLog | None = None,
                 sync_commands: bool | None = None, workers: int = 2, intents: discord.Intents | None = None):
        """``sync_commands``: True syncs the slash commands at start, False never, None
        (the default) only when their payload changed since the last sync."""
        if intents is None:
            intents = discord.Intents.default()
            # Needed to read follow-ups in threads, forum posts and `!` commands.
            intents.message_content = True
        super().__init__(
            command_prefix="!", intents=intents, help_command=None, allowed_mentions=NO_MENTIONS
        )
        self.cited = cited
        self.settings = settings
        self.feedback = feedback or FeedbackLog(Path(settings.data_dir))
        self.sync_commands = sync_commands
        self.rate = RateLimiter(settings.discord_rate_limit)
        self.conversations = ThreadTalks(CONVERSATIONS_MAX)
        self.answers: LRU = LRU(ANSWERS_MAX)  # id of the message with the buttons -> Answered
        # Questions never run on the event loop.
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cited-ask")
        self.reindexing: asyncio.Lock | None = None
        self._watch_task: asyncio.Task | None = None
        self.tree.on_error = self.on_app_command_error
        self.feedback_view: FeedbackView | None = None

    async def setup_hook(self) -> None:
        self.reindexing = asyncio.Lock()
        self.feedback_view = FeedbackView(self)
        self.add_view(self.feedback_view)
        await self.add_cog(AskCog(self))
        await self.sync_if_changed()
        if self.settings.discord_watch:
            self._watch_task = asyncio.create_task(self._watch())

    async def sync_if_changed(self) -> bool:
        """Sync the slash commands when asked to, or when their payload differs from the
        last one synced (its hash is kept in the data folder): Discord rate-limits
        syncing, and an unchanged sync at every start only spends that budget."""
        if self.sync_commands is False:
            return False
        payload = [c.to_dict(self.tree) for c in self.tree.get_commands()]
        # Commands are registered per application: the same data folder used with
        # another bot's token must sync again.
        digest = hashlib.sha256(json.dumps([self.application_id, payload], sort_keys=True).encode()).hexdigest()
        path = Path(self.settings.data_dir) / COMMANDS_HASH_FILE
        if self.sync_commands is None and path.exists() and path.read_text().strip() == digest:
            return False
        await self.tree.sync()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(digest)
        log.info("slash commands synced")
        return True

    async def close(self) -> None:
        if self._watch_task:
            self._watch_task.cancel()
            await asyncio.gather(self._watch_task, return_exceptions=True)
        await super().close()
        self.executor.shutdown(wait=False, cancel_futures=True)

    # -- errors: one place ------------------------------------------------------------
    async def report(self, error: BaseException, *, interaction: discord.Interaction | None = None,
                     message: discord.Message | None = None) -> None:
        """Tell the user in one short line (privately where Discord allows it) and the
        operator with the traceback. Used by every error path: commands, slash
        commands, buttons and events, so no interaction is left "thinking"."""
        while isinstance(error, (commands.CommandInvokeError, commands.HybridCommandError,
                                 app_commands.CommandInvokeError)) and error.__cause__ is not None:
            error = getattr(error, "original", None) or error.__cause__
        log.error("failed: %s", error, exc_info=(type(error), error, error.__traceback__))
        text = f"Sorry, something went wrong on my side: {error}" if isinstance(error, CitedError) else FAILED
        try:
            if interaction is not None:
                if not interaction.response.is_done():
                    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
                elif not interaction.extras.get("answered"):
                    # Deferred and still "thinking": replace the thinking message.
                    await interaction.edit_original_response(content=text, embed=None, view=None)
                else:
                    await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
            elif message is not None:
                await message.reply(text, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.exception("could not tell the user about the error")

    async def on_app_command_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await self.report(error, interaction=interaction)

    async def on_command_error(self, ctx: commands.Context, error: Exception) -> None:
        if isinstance(error, commands.CommandNotFound):
            return
        if isinstance(error, commands.UserInputError):
            await ctx.send(f"Sorry: {error}", ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await self.report(error, interaction=ctx.interaction, message=None if ctx.interaction else ctx.message)

    async def on_error(self, event_method: str, /, *args, **kwargs) -> None:
        error = sys.exc_info()[1]
        message = args[0] if args and isinstance(args[0], discord.Message) else None
        await self.report(error, message=message if message is not None and not message.author.bot else None)

    # -- the work, off the loop -------------------------------------------------------
    async def off_loop(self, fn):
        """Run the blocking ``fn`` in the worker threads."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn)

    def check(self, user_id: int, question: str, channel=None) -> str | Refusal:
        """The cleaned question, or why it is refused: where it was asked, its length,
        the user's rate. Instant, so it runs before anything is sent or deferred."""
        if channel is not None and not answers_in(channel, self.settings):
            return Refusal("Sorry, I don't answer questions in this channel.")
        try:
            question = validate_question(question, self.settings.max_question_chars)
        except BadQuestion as e:
            return Refusal(f"Sorry, I can't answer that: {e}.")
        if not self.rate.allow(user_id):
            wait = self.rate.retry_after(user_id)
            return Refusal(
                f"You're asking faster than I can keep up with ({self.settings.discord_rate_limit} questions a "
                f"minute). Please try again in {wait:.0f} s.",
                quiet=not self.rate.first_refusal(user_id),
            )
        return question

    async def respond(self, question: str, history: list[str] | None = None, *, show_question: bool = False,
                      draft=None):
        """The messages answering ``question`` and what a vote on them is about; a
        library error (CitedError) is a Refusal, anything else is raised. With a
        language model configured the answer is written, and ``draft`` (an async
        callable taking a message's content) is given the text as it arrives."""
        note = None
        try:
            if self.settings.llm_url:
                written = await self.written(question, history, draft, show_question)
                ans, note = written.answer, written.note
                if note:
                    log.warning("written answer fell back: %s", note)
            else:
                ans = await self.off_loop(lambda: self.cited.ask(question, history=history))
        except CitedError as e:
            log.exception("answering failed")
            return Refusal(f"Sorry, something went wrong on my side: {e}"), None
        messages = render_answer(ans, self.settings.source_url, question if show_question else None, note)
        return messages, Answered(question, ans.answer, [c.where() for c in ans.citations])

    async def written(self, question: str, history: list[str] | None, draft, show_question: bool):
        """Ask for a written answer in a worker thread; meanwhile show what has arrived
        through ``draft`` at most once every DRAFT_EVERY seconds."""
        loop = asyncio.get_running_loop()
        pieces: list[str] = []
        job = loop.run_in_executor(
            self.executor, lambda: self.cited.ask_written(question, history=history, on_text=pieces.append)
        )
        shown = ""
        while True:
            done, _ = await asyncio.wait({job}, timeout=DRAFT_EVERY)
            if done:
                return job.result()
            text = "".join(pieces)  # list.append from the worker is atomic; join reads a snapshot
            if draft is None or not text.strip() or text == shown:
                continue
            shown = text
            try:
                await draft(render_draft(text, question if show_question else None))
            except discord.HTTPException:
                log.warning("could not show the draft answer", exc_info=True)

    async def answer(self, user_id: int, question: str, history: list[str] | None = None) -> list[Outgoing] | Refusal:
        """Messages answering ``question`` for ``user_id``, or a Refusal."""
        checked = self.check(user_id, question)
        if isinstance(checked, Refusal):
            return checked
        return (await self.respond(checked, history))[0]

    async def reindex(self):
        """Sync the sources folder in a child process; its SyncReport (index.sync)."""
        async with self.reindexing:
            folder = await self.off_loop(self.cited.sources_folder)  # reads the store
            return await sync_in_child(self.settings, folder)

    async def _watch(self) -> None:
        from index.watch import awatch_folder

        async for _ in awatch_folder(await self.off_loop(self.cited.sources_folder), ignore=Path(self.settings.data_dir)):
            try:
                log.info("sources changed: %s", (await self.reindex()).summary())
            except CitedError:
                log.exception("re-index after a change failed")

    # -- where the bot speaks -----------------------------------------------------------
    def is_conversation(self, channel) -> bool:
        """A thread the bot opened, a post in a configured forum, or a DM."""
        if isinstance(channel, discord.DMChannel):
            return self.settings.discord_dms
        if not isinstance(channel, discord.Thread):
            return False
        return channel.id in self.conversations or channel.owner_id == self.user.id or is_forum_post(channel, self.settings)

    # -- messages -----------------------------------------------------------------------
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:  # other bots and ourselves
            return
        if message.content.startswith(self.command_prefix):
            await self.process_commands(message)
            return
        channel = message.channel
        question = said(message, self.user)
        history: list[str] | None = None
        if is_forum_post(channel, self.settings) and message.id == channel.id:
            history = []  # a new forum post: answered in the post, its title asking too
            question = post_question(channel, question)
            self.conversations.put(channel.id, ThreadTalk(message.author.id))
        elif self.is_conversation(channel):
            talk = await self.conversations.talk_in(channel, self.user, current=message)
            # In a DM everything but thanks is for the bot; in a thread, the asker's
            # questions and mentions (not "thanks!").
            if is_acknowledgement(question) if isinstance(channel, discord.DMChannel) \
                    else not addressed_in_thread(message, talk.asker_id, self.user):
                return
            history = list(talk.conversation.questions)
        elif not mentions_me(message, self.user):
            return
        checked = self.check(message.author.id, question, channel)
        if isinstance(checked, Refusal):
            if not checked.quiet:
                # Public in a channel (a message cannot be answered privately): short-lived.
                await message.reply(checked.text, allowed_mentions=NO_MENTIONS, delete_after=30)
            return
        # Always a reply to the question: a vote on the answer reads its question back
        # from the message it replies to after a restart (discord_feedback.answered_from).
        draft = Draft(message.reply)
        async with channel.typing():  # "cited is typing…" for the seconds an answer takes
            result, answered = await self.respond(checked, history or [], draft=draft)
        if isinstance(result, Refusal):
            await message.reply(result.text, allowed_mentions=NO_MENTIONS)
            return
        await self.send_answer(message.reply, result, answered, draft)
        if history is not None:  # a conversation: answered in place
            self.conversations.remember(channel.id, checked, message.author.id)
        else:  # a mention in a channel: a thread on the question for follow-ups
            await self.open_follow_ups(message, checked, message.author.id)

    async def send_answer(self, send, messages: list[Outgoing], answered: Answered | None, draft: Draft | None = None):
        """Send ``messages``, the last with the feedback buttons; returns the last.
        A draft message already shown becomes the first of them."""
        view = buttons() if answered else None
        if draft is not None and draft.message is not None:
            first, rest = messages[0], messages[1:]
            extra = {"view": view} if view is not None and not rest else {}
            await draft.message.edit(content=first.content or None,
                                     embed=discord.Embed.from_dict(first.embed) if first.embed else None,
                                     allowed_mentions=NO_MENTIONS, **extra)
            last = (await send_all(send, rest, view=view)) if rest else draft.message
        else:
            last = await send_all(send, messages, view=view)
        if last is not None and answered is not None:
            self.answers.put(last.id, answered)
        return last

    async def open_follow_ups(self, message: discord.Message, question: str, asker_id: int) -> discord.Thread | None:
        """Open a thread on ``message`` where follow-ups to ``question`` are read in context."""
        thread = await open_thread_on(message, question)
        if thread is not None:
            self.conversations.remember(thread.id, question, asker_id)
            try:
                await thread.send(FOLLOW_UP_HINT, allowed_mentions=NO_MENTIONS)
            except discord.Forbidden as e:
                # "Send Messages in Threads" denied: the thread still holds follow-ups.
                log.warning("could not post in thread %s (%s)", thread.id, e)
        return thread

    # -- slash /ask -----------------------------------------------------------------------
    async def ask_slash(self, interaction: discord.Interaction, question: str) -> None:
        """/ask: refusals are private and immediate; otherwise "thinking…", the answer
        (with the question quoted, since others do not see a slash command's
        arguments), and a thread opened on it; inside a thread, it continues that
        thread's conversation."""
        channel = interaction.channel
        checked = self.check(interaction.user.id, question, channel)
        if isinstance(checked, Refusal):
            await interaction.response.send_message(checked.text, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        in_conversation = channel is not None and self.is_conversation(channel)
        await interaction.response.defer(thinking=True)
        history = list((await self.conversations.talk_in(channel, self.user)).conversation.questions) if in_conversation else []

        async def draft(content: str) -> None:  # a written answer arriving replaces "thinking…"
            await interaction.edit_original_response(content=content, allowed_mentions=NO_MENTIONS)

        result, answered = await self.respond(checked, history, show_question=True, draft=draft)
        if isinstance(result, Refusal):
            await interaction.edit_original_response(content=result.text)
            return
        first, rest = result[0], result[1:]
        view = buttons() if not rest else None
        await interaction.edit_original_response(
            content=first.content, embed=discord.Embed.from_dict(first.embed) if first.embed else None,
            view=view, allowed_mentions=NO_MENTIONS,
        )
        interaction.extras["answered"] = True
        original = await interaction.original_response()
        last = original
        if rest:
            last = await send_all(lambda **kw: interaction.followup.send(wait=True, **kw), rest, view=buttons())
        self.answers.put(last.id, answered)
        if in_conversation:
            self.conversations.remember(channel.id, checked, interaction.user.id)
        else:
            await self.open_follow_ups(original, checked, interaction.user.id)
