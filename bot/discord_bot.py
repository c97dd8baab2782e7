"""The Discord interface: slash (and `!`) commands, mentions, and threads for follow-ups.

It shares the answering core with the CLI (index.cited.Cited) and only formats what
that returns (bot.discord_render). Embedding and search run in worker threads so the
event loop never waits on them; re-indexing runs as a separate `cited index`
process, which the searcher notices by the store's generation, exactly as it notices
a re-index started from the CLI.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import discord
from discord import app_commands
from discord.ext import commands

from index.answer import validate_question
from bot.settings import BotSettings as Settings
from index.conversation import Conversation
from bot.discord_render import Outgoing, render_answer, render_sources
from index.cited import Cited
from index.errors import BadQuestion, CitedError

log = logging.getLogger("cited.discord")
NO_MENTIONS = discord.AllowedMentions.none()
HELP_TEXT = (
    "**cited** answers questions from its source documents and shows where each answer comes from.\n"
    "• `/ask question:` (or `!ask …`, or mention me) to ask; I answer in a thread, where you can ask follow-ups.\n"
    "• `/sources` lists what I have read.\n"
    "• `/reindex` re-reads the sources folder (Manage Server permission or the configured role).\n"
    "If my sources don't answer a question, I say so rather than guess."
)
THREAD_NAME_MAX = 100  # Discord's limit for a thread name


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key (a sliding window)."""

    def __init__(self, limit: int, window: float = 60.0, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._events: dict[int, deque] = defaultdict(deque)

    def allow(self, key: int) -> bool:
        now = self.clock()
        q = self._events[key]
        while q and now - q[0] >= self.window:
            q.popleft()
        if len(q) >= self.limit:
            return False
        q.append(now)
        return True

    def retry_after(self, key: int) -> float:
        q = self._events[key]
        return max(0.0, self.window - (self.clock() - q[0])) if q else 0.0


@dataclass
class Refusal:
    """A polite no, shown only to the asker where Discord allows it."""

    text: str


class CitedBot(commands.Bot):
    def __init__(self, cited: Cited, settings: Settings, *, sync_commands: bool = True, workers: int = 2,
                 intents: discord.Intents | None = None):
        if intents is None:
            intents = discord.Intents.default()
            # Needed to read follow-ups in threads and `!` commands; mentions alone would not.
            intents.message_content = True
        super().__init__(
            command_prefix="!", intents=intents, help_command=None, allowed_mentions=NO_MENTIONS
        )
        self.cited = cited
        self.settings = settings
        self.sync_commands = sync_commands
        self.rate = RateLimiter(settings.discord_rate_limit)
        self.conversations: dict[int, Conversation] = {}
        # Questions and re-indexing never run on the event loop.
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cited-ask")
        self.reindexing: asyncio.Lock | None = None
        self._watch_task: asyncio.Task | None = None

    async def setup_hook(self) -> None:
        self.reindexing = asyncio.Lock()
        await self.add_cog(AskCog(self))
        if self.sync_commands:
            await self.tree.sync()
        if self.settings.discord_watch:
            self._watch_task = asyncio.create_task(self._watch())

    async def close(self) -> None:
        if self._watch_task:
            self._watch_task.cancel()
            await asyncio.gather(self._watch_task, return_exceptions=True)
        await super().close()
        self.executor.shutdown(wait=False, cancel_futures=True)

    # -- the work, off the loop -------------------------------------------------------
    async def answer(self, user_id: int, question: str, history: list[str] | None = None) -> list[Outgoing] | Refusal:
        """Messages answering ``question`` for ``user_id``, or a Refusal."""
        try:
            question = validate_question(question, self.settings.max_question_chars)
        except BadQuestion as e:
            return Refusal(f"Sorry, I can't answer that: {e}.")
        if not self.rate.allow(user_id):
            wait = self.rate.retry_after(user_id)
            return Refusal(
                f"You're asking faster than I can keep up with ({self.settings.discord_rate_limit} questions a "
                f"minute). Please try again in {wait:.0f} s."
            )
        loop = asyncio.get_running_loop()
        try:
            ans = await loop.run_in_executor(self.executor, lambda: self.cited.ask(question, history=history))
        except CitedError as e:
            log.exception("answering failed")
            return Refusal(f"Sorry, something went wrong on my side: {e}")
        return render_answer(ans)

    async def reindex(self) -> str:
        """Run `cited index` as its own process and return its summary line."""
        async with self.reindexing:
            env = {**os.environ, **settings_env(self.settings)}
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "index", "--wait", "60", str(self.settings.sources),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
            )
            try:
                out, err = await proc.communicate()
            except asyncio.CancelledError:
                # The bot is closing: do not leave an orphan `cited index` behind.
                proc.kill()
                await proc.wait()
                raise
        if proc.returncode != 0:
            last = (err.decode(errors="replace").strip().splitlines() or ["unknown error"])[-1]
            raise CitedError(f"re-index failed: {last}")
        skipped = [line for line in err.decode(errors="replace").splitlines() if line.startswith("skipped ")]
        summary = out.decode(errors="replace").strip().splitlines()[-1]
        return summary + (f" ({len(skipped)} files skipped: " + "; ".join(skipped[:5]) + ")" if skipped else "")

    async def _watch(self) -> None:
        from index.watch import awatch_folder

        async for _ in awatch_folder(self.settings.sources):
            try:
                log.info("sources changed: %s", await self.reindex())
            except CitedError:
                log.exception("re-index after a change failed")

    # -- conversations ----------------------------------------------------------------
    async def history_of(self, thread: discord.Thread) -> list[str]:
        """Earlier questions in a thread: from memory, or read back from the thread
        (after a restart)."""
        if thread.id in self.conversations:
            return list(self.conversations[thread.id].questions)
        questions = []
        try:
            if thread.starter_message is not None:
                questions.append(strip_mention(thread.starter_message.content, self.user))
            async for m in thread.history(limit=50, oldest_first=True):
                if not m.author.bot and m.content.strip():
                    questions.append(strip_mention(m.content, self.user))
        except discord.HTTPException:
            log.warning("could not read the history of thread %s", thread.id)
        return questions[-10:]

    def remember(self, thread_id: int, question: str) -> None:
        self.conversations.setdefault(thread_id, Conversation()).add(question)

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:  # other bots and ourselves
            return
        if message.content.startswith(self.command_prefix):
            await self.process_commands(message)
            return
        in_our_thread = isinstance(message.channel, discord.Thread) and (
            message.channel.id in self.conversations or message.channel.owner_id == self.user.id
        )
        if not (self.user in message.mentions or in_our_thread):
            return
        question = strip_mention(message.content, self.user)
        history = await self.history_of(message.channel) if in_our_thread else []
        await message.channel.typing()  # "cited is typing…" for the few seconds an answer takes
        result = await self.answer(message.author.id, question, history)
        if isinstance(result, Refusal):
            await message.reply(result.text, allowed_mentions=NO_MENTIONS)
            return
        if in_our_thread:
            await send_all(message.channel.send, result)
            self.remember(message.channel.id, question)
            return
        # A mention in a channel: reply, then open a thread on the question for follow-ups.
        await send_all(message.reply, result)
        await self.open_follow_ups(message, question)

    async def open_follow_ups(self, message: discord.Message, question: str) -> None:
        """Open a thread on ``message`` where follow-ups to ``question`` are read in context."""
        thread = await open_thread_on(message, question)
        if thread is not None:
            self.remember(thread.id, question)
            await thread.send("Ask follow-up questions here.", allowed_mentions=NO_MENTIONS)


def strip_mention(content: str, user) -> str:
    if user is None:
        return content.strip()
    for form in (f"<@{user.id}>", f"<@!{user.id}>"):
        content = content.replace(form, " ")
    return " ".join(content.split())


async def send_all(send, messages: list[Outgoing]):
    """Send each message with mentions disabled; returns the last one sent."""
    last = None
    for m in messages:
        embed = discord.Embed.from_dict(m.embed) if m.embed else None
        last = await send(content=m.content or None, embed=embed, allowed_mentions=NO_MENTIONS)
    return last


async def open_thread_on(message: discord.Message, question: str) -> discord.Thread | None:
    if not isinstance(message.channel, discord.TextChannel):
        return None  # DMs and threads cannot hold a new thread
    try:
        return await message.create_thread(name=question[:THREAD_NAME_MAX] or "question")
    except (discord.HTTPException, NotImplementedError, AttributeError, TypeError) as e:
        # Missing "Create Public Threads" permission, or a test harness without threads:
        # answer in place instead.
        log.info("could not open a thread (%s); answering in the channel", e)
        return None


def can_reindex(member, role_name: str | None) -> bool:
    perms = getattr(member, "guild_permissions", None)
    if perms is not None and perms.manage_guild:
        return True
    return bool(role_name) and any(r.name == role_name for r in getattr(member, "roles", []))


class AskCog(commands.Cog):
    def __init__(self, bot: CitedBot):
        self.bot = bot

    @commands.hybrid_command(name="ask", description="Ask a question; the answer cites its sources.")
    @app_commands.describe(question="Your question")
    async def ask(self, ctx: commands.Context, *, question: str) -> None:
        await ctx.defer()  # "cited is thinking…" while we work
        result = await self.bot.answer(ctx.author.id, question)
        if isinstance(result, Refusal):
            await ctx.send(result.text, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        last = await send_all(ctx.send, result)
        if last is not None:
            await self.bot.open_follow_ups(last, question)

    @commands.hybrid_command(name="sources", description="List the documents I answer from.")
    async def sources(self, ctx: commands.Context) -> None:
        await ctx.defer(ephemeral=True)
        records = await asyncio.get_running_loop().run_in_executor(self.bot.executor, self.bot.cited.sources)
        await ctx.send(render_sources(records), ephemeral=True, allowed_mentions=NO_MENTIONS)

    @commands.hybrid_command(name="help", description="How to use cited.")
    async def help(self, ctx: commands.Context) -> None:
        await ctx.send(HELP_TEXT, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @commands.hybrid_command(name="reindex", description="Re-read the sources folder (Manage Server or the configured role).")
    async def reindex(self, ctx: commands.Context) -> None:
        if not can_reindex(ctx.author, self.bot.settings.discord_reindex_role):
            await ctx.send("Sorry, only members with Manage Server (or the configured role) can re-index.",
                           ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await ctx.defer(ephemeral=True)
        try:
            summary = await self.bot.reindex()
        except CitedError as e:
            await ctx.send(f"Re-index failed: {e}", ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await ctx.send(f"Re-indexed: {summary}", ephemeral=True, allowed_mentions=NO_MENTIONS)


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as CITED_* variables, for a child `cited` process."""
    env = {}
    for name, value in settings.model_dump(exclude={"discord_token"}).items():
        if value is not None:
            env[f"CITED_{name.upper()}"] = str(value)
    return env


def run(settings: Settings) -> None:
    """`cited discord`: check the token, warm the store and model, run until stopped."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        raise CitedError("DISCORD_TOKEN is not set: put it in the environment or in .env (see .env.example and the README)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cited = Cited(settings)
    if cited.is_empty():
        log.info("store empty: indexing %s", settings.sources)
        log.info(cited.index().summary())
    cited.searcher.lexical()  # load everything now: the first question is answered warm
    cited.embedder.embed(["warm up"])
    bot = CitedBot(cited, settings)
    try:
        bot.run(token, log_handler=None)
    except discord.LoginFailure:
        raise CitedError("Discord rejected the token in DISCORD_TOKEN: reset it in the Developer Portal (Bot tab) and update .env") from None
    except discord.PrivilegedIntentsRequired:
        raise CitedError("enable the Message Content intent for the bot in the Developer Portal (Bot tab)") from None
    except OSError as e:  # aiohttp's connection errors derive from OSError
        raise CitedError(f"cannot reach Discord: {e}") from None
