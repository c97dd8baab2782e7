"""A language model behind an OpenAI-compatible endpoint (Ollama, llama.cpp's server,
vLLM, OpenAI): one streamed chat completion, every failure turned into LLMFailed.

The `openai` client speaks the protocol; this module only bounds the time, names the
failure in one line, and yields text as it arrives.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from index.errors import CitedError


class LLMFailed(CitedError):
    """The model could not give an answer: unreachable, too slow, an error status, or
    a reply that is not a chat completion. Its message is one line for the user."""


@dataclass(frozen=True)
class LLMConfig:
    url: str
    model: str = "default"
    api_key: str | None = None
    timeout: float = 60.0  # seconds for the whole answer, first token to last

    @classmethod
    def from_settings(cls, settings) -> LLMConfig | None:
        """The configured model, or None when CITED_LLM_URL is unset."""
        if not settings.llm_url:
            return None
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return cls(settings.llm_url, settings.llm_model, key, settings.llm_timeout)


def stream_chat(config: LLMConfig, messages: list[dict], *, max_tokens: int = 400,
                temperature: float = 0.0) -> Iterator[str]:
    """Yield the model's reply to ``messages`` piece by piece; LLMFailed on any failure.

    The timeout bounds each network wait (connect, and every read between two pieces)
    and, checked between pieces, the whole reply: a reply still streaming after it is
    cut, so an answer never takes much longer than ``config.timeout``.
    """
    import httpx
    import openai

    deadline = time.monotonic() + config.timeout
    client = openai.OpenAI(
        base_url=config.url,
        # The client insists on a key; local servers ignore it.
        api_key=config.api_key or "not-needed",
        timeout=httpx.Timeout(config.timeout),
        max_retries=0,  # a retry would double the wait the user sees
    )
    got_any = False
    try:
        stream = client.chat.completions.create(
            model=config.model, messages=messages, stream=True, max_tokens=max_tokens, temperature=temperature,
        )
        with stream:
            for chunk in stream:
                choices = getattr(chunk, "choices", None)
                if choices is None:
                    raise LLMFailed("the language model's reply was malformed (no choices)")
                for choice in choices:
                    delta = getattr(choice, "delta", None)
                    text = getattr(delta, "content", None) if delta is not None else None
                    if text:
                        got_any = True
                        yield text
                if time.monotonic() > deadline:
                    raise LLMFailed(f"the language model took longer than {config.timeout:g} s")
    except LLMFailed:
        raise
    except openai.APITimeoutError:
        raise LLMFailed(f"the language model did not answer within {config.timeout:g} s") from None
    except openai.APIConnectionError as e:
        raise LLMFailed(f"the language model at {config.url} cannot be reached ({_cause(e)})") from None
    except openai.APIStatusError as e:
        raise LLMFailed(f"the language model answered with an error: HTTP {e.status_code} {_short(e.message)}") from None
    except (openai.APIError, ValueError, TypeError, KeyError, AttributeError) as e:
        # A body that is not a chat completion (openai raises APIResponseValidationError,
        # or a parse error surfaces as ValueError).
        raise LLMFailed(f"the language model's reply was malformed ({type(e).__name__})") from None
    except httpx.HTTPError as e:  # a stream cut mid-way
        raise LLMFailed(f"the language model's reply was cut off ({type(e).__name__})") from None
    finally:
        client.close()
    if not got_any:
        raise LLMFailed("the language model's reply was empty")


def _cause(e: BaseException) -> str:
    root = e
    while root.__cause__ is not None or root.__context__ is not None:
        root = root.__cause__ or root.__context__
    return _short(str(root) or type(root).__name__)


def _short(text: str, limit: int = 120) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
