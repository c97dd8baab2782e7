"""Feedback: the 👍/👎 buttons under each answer and recording a vote on it.

The buttons are one persistent view (no timeout, fixed custom ids, registered by
CitedBot.setup_hook), so buttons under answers sent before a restart still work. A vote
is recorded in the FeedbackLog (index.feedback) with what it is about: the question,
the answer and its citations, from the bot's memory of recent answers or, after a
restart, read back from the answer message itself. `cited feedback export` turns the
👎 questions into checks.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.discord_messages import question_of
from bot.discord_render import question_from_header
from index.feedback import Vote

if TYPE_CHECKING:
    from bot.discord_bot import CitedBot

log = logging.getLogger("cited.discord")
VOTE_UP, VOTE_DOWN = "cited:vote:up", "cited:vote:down"


@dataclass
class Answered:
    """What a feedback vote is about (kept for the answer message carrying the buttons)."""

    question: str
    answer: str
    citations: list[str]


class FeedbackView(discord.ui.View):
    """👍/👎 under each answer. Persistent (no timeout, fixed custom ids, registered in
    setup_hook), so buttons on answers sent before a restart still work."""

    def __init__(self, bot: CitedBot):
        super().__init__(timeout=None)
        self.bot = bot

    @discord.ui.button(emoji="👍", style=discord.ButtonStyle.secondary, custom_id=VOTE_UP)
    async def up(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self.vote(interaction, "up")

    @discord.ui.button(emoji="👎", style=discord.ButtonStyle.secondary, custom_id=VOTE_DOWN)
    async def down(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self.vote(interaction, "down")

    async def on_error(self, interaction: discord.Interaction, error: Exception, item) -> None:
        await self.bot.report(error, interaction=interaction)

    async def vote(self, interaction: discord.Interaction, kind: str) -> None:
        """Record a 👍/👎 on the answer the buttons are under. Thanked first: Discord
        fails a click not acknowledged within 3 s, and the answering threads may be busy
        for longer (a written answer), so the vote is written in a thread of its own."""
        thanks = "Thanks! Noted as helpful." if kind == "up" else \
            "Thanks: noted as not helpful. The maintainers will look at this question."
        await interaction.response.send_message(thanks, ephemeral=True)
        bot = self.bot
        message = interaction.message
        answered = bot.answers.get(message.id) or await answered_from(message, bot.user)
        vote = Vote(kind, answered.question, answered.answer, answered.citations,
                    bot.feedback.voter_hash(interaction.user.id))
        await asyncio.to_thread(bot.feedback.record, vote)


def buttons() -> discord.ui.View:
    """The 👍/👎 buttons to send under an answer. A stopped copy of FeedbackView's: a
    live view passed to send() or edit() is stored by discord.py for that message and
    never released; clicks are routed by custom id to the one persistent view."""
    view = discord.ui.View(timeout=None)
    for emoji, custom_id in (("👍", VOTE_UP), ("👎", VOTE_DOWN)):
        view.add_item(discord.ui.Button(emoji=emoji, style=discord.ButtonStyle.secondary, custom_id=custom_id))
    view.stop()
    return view


# How far back the first part of an answer split over several messages is looked for.
PARTS_BACK = 5


async def answered_from(message: discord.Message, me) -> Answered:
    """What a vote is about, read back from the answer message (after a restart):
    the question quoted above a slash answer or the message it replies to, or, for
    the last part of an answer split over several messages, its first part's."""
    cites = [f.name for e in message.embeds for f in e.fields]
    try:
        question = await _asked(message, me)
        if not question:
            async for part in message.channel.history(limit=PARTS_BACK, before=message):
                if part.author.id != message.author.id:
                    break
                question = await _asked(part, me)
                if question:
                    break
    except discord.HTTPException:
        log.warning("could not read the question of message %s", message.id)
        question = None
    return Answered(question or "", message.content, cites)


async def _asked(message: discord.Message, me) -> str | None:
    question = question_from_header(message.content)
    if not question and message.reference and message.reference.message_id:
        asked = await message.channel.fetch_message(message.reference.message_id)
        question = question_of(asked, me)
    return question
