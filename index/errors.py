"""The exceptions cited raises. Interfaces (CLI, Discord) turn each into one line."""


class CitedError(Exception):
    """Base of every error a user should see as one readable line."""

    exit_code = 1


class BadQuestion(CitedError):
    """The question is empty, too long or made of control characters."""

    exit_code = 2


class BadSetting(CitedError):
    """A setting's value is refused, or the .env file cannot be read."""

    exit_code = 2


class NoSuchSource(CitedError):
    """A filter on sources (``--in``) matches no indexed file."""

    exit_code = 2


class SourceError(CitedError):
    """A source file could not be read or turned into text."""


class StoreMismatch(CitedError):
    """The store was built with another model or chunking than the one configured."""


class StoreLocked(CitedError):
    """Another ``cited index`` holds the store."""


class StoreUnavailable(CitedError):
    """The Chroma store (folder or server) cannot be opened."""


class StoreDamaged(CitedError):
    """The store exists but is missing parts (one of its two collections) or holds
    unreadable records; nothing is changed, `cited index --rebuild` repairs it."""


class NoStore(CitedError):
    """Asked of a store that does not exist where one was named (a mistyped --data-dir)."""


class WouldRemove(CitedError):
    """A sync would remove more than half of the indexed files and was not told to prune."""
