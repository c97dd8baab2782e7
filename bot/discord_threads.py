"""The conversations of the bot's threads and DMs: who asked and the questions so far,
kept in a bounded LRU and, after a restart, read back from Discord (the starter message
fetched, the asker's later questions from the thread's history)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import discord

from bot.discord_messages import addressed_in_thread, post_question, question_of, said
from bot.discord_render import question_from_header
from bot.limits import LRU
from index.conversation import Conversation

log = logging.getLogger("cited.discord")
HISTORY_READ = 50  # messages read back from a thread after a restart


@dataclass
class ThreadTalk:
    """A conversation in a thread: who asked, and the questions so far."""

    asker_id: int
    conversation: Conversation = field(default_factory=Conversation)


class ThreadTalks(LRU):
    """Thread or DM channel id -> ThreadTalk, for the most recent ``maxsize`` channels."""

    async def talk_in(self, channel, me: discord.abc.User, current: discord.Message | None = None) -> ThreadTalk:
        """The conversation in ``channel``: from memory, or, after a restart, read back
        from Discord: the starter message (fetched, not the cache) and the asker's
        questions after it, never ``current`` (the message being answered). ``me`` is
        the bot's own user."""
        talk = self.get(channel.id)
        if talk is not None:
            return talk
        if not isinstance(channel, discord.Thread):  # a DM
            talk = ThreadTalk(asker_id=current.author.id if current is not None else getattr(channel.recipient, "id", 0))
            self.put(channel.id, talk)
            return talk
        talk = ThreadTalk(asker_id=channel.owner_id or 0)
        skip = {current.id} if current is not None else set()
        try:
            # A forum post's starter message is in the post; a thread opened on a
            # message has that message's id and lives in the parent channel.
            where = channel if isinstance(channel.parent, discord.ForumChannel) else channel.parent
            starter = await where.fetch_message(channel.id)
            skip.add(starter.id)
            question = question_of(starter, me)
            if isinstance(channel.parent, discord.ForumChannel) and not starter.author.bot:
                question = post_question(channel, question or "")
            if starter.author.id == me.id:
                meta = starter.interaction_metadata
                talk.asker_id = meta.user.id if meta is not None else talk.asker_id
            else:
                talk.asker_id = starter.author.id
            if question:
                talk.conversation.add(question)
            later = [m async for m in channel.history(limit=HISTORY_READ)]
            for m in sorted(later, key=lambda m: m.id):
                if m.id in skip:
                    continue
                if m.author.id == me.id and m.interaction_metadata is not None:
                    # /ask inside the thread: only the bot's answer, its question quoted, is left.
                    asked = question_from_header(m.content)
                    if asked:
                        talk.conversation.add(asked)
                elif addressed_in_thread(m, talk.asker_id, me):
                    talk.conversation.add(said(m, me))
        except discord.HTTPException:
            log.warning("could not read the history of thread %s", channel.id, exc_info=True)
        self.put(channel.id, talk)
        return talk

    def remember(self, channel_id: int, question: str, asker_id: int) -> None:
        talk = self.get(channel_id)
        if talk is None:
            talk = ThreadTalk(asker_id)
            self.put(channel_id, talk)
        talk.conversation.add(question)
