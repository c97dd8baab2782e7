"""The bot's commands (/ask, /sources, /help, /reindex, also as `!` commands), each
handing its work to CitedBot (bot.discord_bot) and sending what bot.discord_render
formats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.discord_render import render_sources, render_sync
from bot.discord_send import NO_MENTIONS, Draft
from bot.limits import Refusal
from index.errors import CitedError

if TYPE_CHECKING:
    from bot.discord_bot import CitedBot

HELP_TEXT = (
    "**cited** answers questions from its source documents and shows where each answer comes from.\n"
    "• `/ask question:` (or `!ask …`, or mention me) to ask; I answer in a thread, where you can ask follow-ups.\n"
    "• `/sources` lists what I have read.\n"
    "• `/reindex` re-reads the sources folder (Manage Server permission or the configured role).\n"
    "If my sources don't answer a question, I say so rather than guess."
)


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
        if ctx.interaction is not None:
            await self.bot.ask_slash(ctx.interaction, question)
            return
        checked = self.bot.check(ctx.author.id, question, ctx.channel)
        if isinstance(checked, Refusal):
            if not checked.quiet:
                await ctx.reply(checked.text, allowed_mentions=NO_MENTIONS, delete_after=30)
            return
        in_conversation = self.bot.is_conversation(ctx.channel)
        history = list((await self.bot.conversations.talk_in(ctx.channel, self.bot.user, ctx.message)).conversation.questions) if in_conversation else []
        draft = Draft(ctx.reply)
        async with ctx.typing():
            result, answered = await self.bot.respond(checked, history, draft=draft)
        if isinstance(result, Refusal):
            await ctx.reply(result.text, allowed_mentions=NO_MENTIONS)
            return
        await self.bot.send_answer(ctx.reply, result, answered, draft)
        if in_conversation:
            self.bot.conversations.remember(ctx.channel.id, checked, ctx.author.id)
        else:
            await self.bot.open_follow_ups(ctx.message, checked, ctx.author.id)

    @commands.hybrid_command(name="sources", description="List the documents I answer from.")
    async def sources(self, ctx: commands.Context) -> None:
        await ctx.defer(ephemeral=True)
        records = await self.bot.off_loop(self.bot.cited.sources)
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
            report = await self.bot.reindex()
        except CitedError as e:
            await ctx.send(f"Re-index failed: {e}", ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await ctx.send(f"Re-indexed: {render_sync(report)}", ephemeral=True, allowed_mentions=NO_MENTIONS)
