"""Sending to Discord: how rendered messages (bot.discord_render) go out.

Every message is sent with mentions disabled, so a quoted "@everyone" never pings;
a list of messages is sent in order with a view (the feedback buttons) under the last;
a written answer is shown while it arrives as one message, edited as more text comes;
a thread for follow-ups is opened on an answered message where the channel allows one.
"""

from __future__ import annotations

import logging

import discord

from bot.discord_render import Outgoing

log = logging.getLogger("cited.discord")
NO_MENTIONS = discord.AllowedMentions.none()
THREAD_NAME_MAX = 100  # Discord's limit for a thread name


class Draft:
    """A written answer shown while it arrives: one message, sent with the first text
    and edited after; the checked answer then replaces it (CitedBot.send_answer)."""

    def __init__(self, send):
        self.send = send
        self.message: discord.Message | None = None

    async def __call__(self, content: str) -> None:
        if self.message is None:
            self.message = await self.send(content=content, allowed_mentions=NO_MENTIONS)
        else:
            await self.message.edit(content=content, allowed_mentions=NO_MENTIONS)


async def send_all(send, messages: list[Outgoing], view: discord.ui.View | None = None):
    """Send each message with mentions disabled, ``view`` under the last; returns the
    last one sent."""
    last = None
    for i, m in enumerate(messages):
        embed = discord.Embed.from_dict(m.embed) if m.embed else None
        extra = {"view": view} if view is not None and i == len(messages) - 1 else {}
        last = await send(content=m.content or None, embed=embed, allowed_mentions=NO_MENTIONS, **extra)
    return last


async def open_thread_on(message: discord.Message, question: str) -> discord.Thread | None:
    if not isinstance(message.channel, discord.TextChannel):
        return None  # DMs and threads cannot hold a new thread
    try:
        return await message.create_thread(name=question[:THREAD_NAME_MAX] or "question")
    except discord.Forbidden as e:
        # Missing "Create Public Threads": the answer stands, without follow-ups.
        log.warning("could not open a thread in #%s (%s)", message.channel, e)
        return None
