"""Running the bot as a process: `cited discord`.

Check the token, log in (a rejected token fails here, in a second, before anything is
loaded), warm the store and the model in a worker thread so the first question is
answered warm, then connect and run until stopped; SIGTERM (systemd, docker stop)
closes the bot cleanly. Discord's start-up failures (bad token, the Message Content
intent not enabled, no network) become one CitedError line for the CLI.
"""

from __future__ import annotations

import asyncio
import logging
import signal

import discord

from bot.discord_bot import CitedBot
from bot.settings import BotSettings as Settings
from index.cited import Cited
from index.errors import CitedError

log = logging.getLogger("cited.discord")


async def serve(bot: CitedBot, token: str, warm) -> None:
    """Log in (a rejected token fails here, in a second), then warm the index in a
    worker thread, then connect; SIGTERM (systemd, docker stop) closes cleanly."""
    loop = asyncio.get_running_loop()
    async with bot:
        await bot.login(token)
        await loop.run_in_executor(None, warm)
        try:
            loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(bot.close()))
            handled = True
        except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
            handled = False
        try:
            await bot.connect()
        finally:
            if handled:
                loop.remove_signal_handler(signal.SIGTERM)


def warm(cited: Cited) -> None:
    """Make the store ready to answer before the bot connects: indexed when empty, or
    rebuilt when an upgrade of cited left it cut by an older chunker (as `cited index`
    would; failing every question instead helps no one), then loaded."""
    if cited.store.outdated() or cited.is_empty():
        log.info("store empty or cut by an older chunker: indexing %s", cited.sources_folder())
        log.info(cited.index(prune=False).summary())  # a wrong folder must not empty the store
    cited.searcher.lexical()  # load everything now: the first question is answered warm
    cited.embedder.embed(["warm up"])


def run(settings: Settings, *, sync: bool | None = None) -> None:
    """`cited discord`: check the token, warm the store and model, run until stopped."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        raise CitedError("DISCORD_TOKEN is not set: put it in the environment or in .env (see .env.example and the README)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The bot never joins voice: discord.py's warnings that PyNaCl and davey (voice
    # only) are missing would be the first lines an operator reads, and mean nothing.
    logging.getLogger("discord.client").addFilter(lambda r: "voice will NOT be supported" not in r.getMessage())
    cited = Cited(settings)
    bot = CitedBot(cited, settings, sync_commands=sync)
    try:
        asyncio.run(serve(bot, token, lambda: warm(cited)))
    except discord.LoginFailure:
        raise CitedError("Discord rejected the token in DISCORD_TOKEN: reset it in the Developer Portal (Bot tab) and update .env") from None
    except discord.PrivilegedIntentsRequired:
        raise CitedError("enable the Message Content intent for the bot in the Developer Portal (Bot tab)") from None
    except OSError as e:  # aiohttp's connection errors derive from OSError
        raise CitedError(f"cannot reach Discord: {e}") from None
    except KeyboardInterrupt:
        pass
