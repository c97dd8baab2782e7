"""Reading incoming Discord messages: deciding what a message is before anything is done.

Whether the bot answers in a channel at all (configured channels, forums, DMs), whether
a thread is a post in a configured forum, whether a message in a conversation is for
the bot (the asker's question or anyone's mention, not "thanks!"), and the question a
message asks once the mention is stripped, including the question quoted above one of
the bot's own slash answers. Pure functions of the message, the settings and the bot's
own user; the conversations they feed are kept by bot.discord_threads.
"""

from __future__ import annotations

import re

import discord

from bot.discord_render import question_from_header
from bot.settings import BotSettings as Settings

# A message reads as a question when it ends with "?" or starts with one of these.
QUESTION_WORDS = frozenset(
    "what why how when where which who whom whose is are am was were can could do does did should would will "
    "shall may might must has have had isn't aren't doesn't don't can't won't explain".split()
)


def reads_as_question(text: str) -> bool:
    """Does ``text`` read as a question: ends with "?" or starts with a question word.
    "thanks!" and "ok, got it" do not."""
    t = text.strip()
    if not t:
        return False
    if t.rstrip("*_ )").endswith("?"):
        return True
    first = re.split(r"[\s,]+", t.lower(), maxsplit=1)[0]
    return first in QUESTION_WORDS


def matches(channel, entries: list[str]) -> bool:
    """Is ``channel`` named (by id or name) in ``entries``?"""
    return channel is not None and (str(channel.id) in entries or getattr(channel, "name", None) in entries)


def answers_in(channel, settings: Settings) -> bool:
    """Does the bot answer in ``channel`` (a thread counts as its parent)? A post in a
    forum is answered when asked (a mention, /ask) wherever a channel would be, and in
    a configured forum (``discord_forums``) also unasked."""
    if isinstance(channel, (discord.DMChannel, discord.GroupChannel)):
        return settings.discord_dms
    if isinstance(channel, discord.Thread) and isinstance(channel.parent, discord.ForumChannel) \
            and matches(channel.parent, settings.discord_forums):
        return True
    if not settings.discord_channels:
        return True
    parent = channel.parent if isinstance(channel, discord.Thread) else channel
    return matches(parent, settings.discord_channels)


def is_forum_post(channel, settings: Settings) -> bool:
    return isinstance(channel, discord.Thread) and isinstance(channel.parent, discord.ForumChannel) \
        and matches(channel.parent, settings.discord_forums)


def post_question(post: discord.Thread, body: str) -> str:
    """The question a forum post asks: its title (the thread's name), which usually is
    the question, and its body under it; the title alone for a post that is only an
    image."""
    title, body = post.name.strip(), body.strip()
    return f"{title}\n{body}" if title and body and body != title else title or body


# What a direct message says when it asks nothing: everything else in a DM is for the bot.
ACKNOWLEDGEMENTS = frozenset(
    "thanks thank you thx ty ok okay k cool great nice perfect awesome got it bye hi hello hey 👍 🙏 ❤️".split()
)


def is_acknowledgement(text: str) -> bool:
    """"thanks!", "ok, got it", "👍": words of thanks or assent only."""
    words = re.findall(r"[\w']+|[^\w\s,.!]", text.lower())
    return bool(words) and all(w in ACKNOWLEDGEMENTS for w in words)


def addressed_in_thread(message: discord.Message, asker_id: int, me) -> bool:
    """In a conversation, the asker's questions and anyone's mention of the bot (``me``)
    are for the bot; chit-chat ("thanks!") is not."""
    if message.author.bot:
        return False
    if mentions_me(message, me):
        return True
    return message.author.id == asker_id and reads_as_question(message.content)


def question_of(message: discord.Message, me) -> str | None:
    """The question a message asks: a user's text, or the question quoted above a
    bot's slash answer."""
    if message.author.bot:
        return question_from_header(message.content)
    text = said(message, me)
    for prefix in ("!ask ",):
        text = text.removeprefix(prefix)
    return text or None


def mentions_me(message: discord.Message, me) -> bool:
    """Is the bot mentioned: as its user, or as its role (Discord's autocomplete often
    offers the bot's managed role, of the same name, first)?"""
    if me in message.mentions:
        return True
    role = _own_role(message)
    return role is not None and role in message.role_mentions


def said(message: discord.Message, me) -> str:
    """What ``message`` says to the bot: its text without the bot's mention, as its
    user or as its role (``me`` is the bot's user)."""
    return strip_mention(message.content, me, _own_role(message))


def _own_role(message: discord.Message):
    return message.guild.self_role if message.guild is not None else None


def strip_mention(content: str, user, role=None) -> str:
    if user is None:
        return content.strip()
    forms = [f"<@{user.id}>", f"<@!{user.id}>"] + ([f"<@&{role.id}>"] if role is not None else [])
    for form in forms:
        content = content.replace(form, " ")
    return " ".join(content.split())
