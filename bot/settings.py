"""Settings only the interfaces need: the Discord token and the bot's options.

They extend the library's Settings so one object, loaded once when a command starts,
carries both; index/ never sees these fields.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from index.settings import Settings


class BotSettings(Settings):
    discord_token: SecretStr | None = Field(None, validation_alias="DISCORD_TOKEN")
    discord_reindex_role: str | None = Field(None, description="role allowed to /reindex")
    discord_rate_limit: int = Field(5, ge=1, le=1000, description="questions per user per minute")
    discord_watch: bool = Field(False, description="bot watches the sources folder and re-indexes")
    # Where the bot answers. Entries are channel names or ids; a thread counts as its
    # parent channel. Empty: every channel it can read.
    discord_channels: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="channels answered in (names or ids, comma-separated); empty = all"
    )
    discord_dms: bool = Field(True, description="answer direct messages")
    # Forum channels whose new posts are answered in the post (names or ids).
    discord_forums: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="forum channels whose new posts are answered (names or ids)"
    )
    # Base URL of the sources folder, e.g. https://github.com/org/repo/blob/main/docs:
    # each citation links to its file and line (…/options.md#L12), or an HTML page's
    # heading (…/guide.html#timeouts). Unset: names only.
    source_url: str | None = Field(None, description="base URL that citations link to")

    @field_validator("discord_channels", "discord_forums", mode="before")
    @classmethod
    def _comma_list(cls, v):
        if isinstance(v, str):
            return [x.strip().lstrip("#") for x in v.split(",") if x.strip()]
        return v
