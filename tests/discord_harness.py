"""The Discord bot's test harness: real discord.py, driven by dpytest. dpytest has no
interactions and raises on thread creation, so the fixture extends its fake backend:
FakeHttp creates threads and syncs commands, and a fake of discord.py's webhook adapter
(the one HTTP door interaction responses and followups go through) records what each
user sees. Slash commands and buttons arrive as INTERACTION_CREATE payloads parsed by
discord.py's own ConnectionState, so defer, followups, ephemeral flags, threads and
persistent views all run through discord.py's real code. Used by test_discord.py and
test_discord_ops.py."""

import asyncio
import inspect
import itertools
import json
import logging
from dataclasses import dataclass, field

import discord
import discord.ext.test as dpytest
import discord.ext.test.backend as dback
import discord.ext.test.factories as facts
import pytest
import pytest_asyncio
from discord.webhook.async_ import AsyncWebhookAdapter

from bot.discord_bot import CitedBot
from bot.discord_render import (
    CONTENT_MAX, EMBED_TOTAL_MAX, FIELDS_MAX,
)

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
            data = await original(channel_id, params=params)
            # dpytest drops a reply's reference: keep it, as Discord does, in what is
            # returned and in the stored message that fetch_message reads.
            ref = (params.payload or {}).get("message_reference")
            if ref:
                ref = {**ref, "channel_id": str(channel_id)}
                data["message_reference"] = ref
                for stored in dback._cur_config.messages.get(int(channel_id), []):
                    if stored["id"] == data["id"]:
                        stored["message_reference"] = ref
            return data

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

def index_one(bot, folder, name: str, text: str) -> None:
    """A folder holding one file, indexed into the bot's store beside the seeds."""
    folder.mkdir()
    (folder / name).write_text(text)
    bot.cited.index(folder)
