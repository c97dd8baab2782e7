"""Settings only the interfaces need: the Discord token and the bot's options.

They extend the library's Settings so one object, loaded once when a command starts,
carries both; index/ never sees these fields.
"""

from __future__ import annotations

from pydantic import Field, SecretStr

from index.settings import Settings


class BotSettings(Settings):
    discord_token: SecretStr | None = Field(None, validation_alias="DISCORD_TOKEN")
    discord_reindex_role: str | None = Field(None, description="role allowed to /reindex")
    discord_rate_limit: int = Field(5, description="questions per user per minute")
    discord_watch: bool = Field(False, description="bot watches the sources folder and re-indexes")
