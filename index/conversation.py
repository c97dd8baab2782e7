"""Follow-up questions: put a question in the context of the ones before it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Words that point back at something said earlier ("Which of them is state-owned?").
_ANAPHORA = re.compile(
    r"\b(they|them|their|theirs|it|its|he|him|his|she|her|hers|this|that|these|those|"
    r"the (?:two|three|both|former|latter|first|second|company|companies|one|ones)|both|either|neither|"
    r"which one|what about|how about)\b",
    re.IGNORECASE,
)
# Questions this short rarely stand on their own ("And Dahua?").
_SHORT_WORDS = 4
# A short question that opens with a conjunction or a preposition, or ends with "too" or
# "instead", continues the one before ("And for a blueprint only?", "In requests?",
# "Can I set it per request too?"): it names what changes, not what is asked about. Not
# one asking "in which…" or "for what…", which asks afresh.
_CONTINUES = re.compile(
    r"^\W*(?:and|or|but|also|plus|then|same|only|just|for|in|with|without|on|from|via|under|inside|instead)\b"
    r"(?!\s+(?:which|what|whom|whose|how)\b)", re.IGNORECASE)
_ENDS_AS_FOLLOW_UP = re.compile(r"\b(?:too|instead|as well|either)\W*$", re.IGNORECASE)
_CONTINUES_WORDS = 8
# How many earlier questions a chain of follow-ups carries: "How do I register an error
# handler?", "And for a blueprint only?", "What about 404s?" is still about handlers.
_CHAIN = 3


def is_follow_up(question: str) -> bool:
    words = len(question.split())
    return (bool(_ANAPHORA.search(question)) or words <= _SHORT_WORDS or bool(_ENDS_AS_FOLLOW_UP.search(question))
            or (words <= _CONTINUES_WORDS and bool(_CONTINUES.search(question))))


def contextual_query(question: str, history: list[str]) -> str:
    """The retrieval query for ``question``: itself, or, when it leans on what came
    before, the earlier questions it continues followed by it: the previous one, and
    back to the question a chain of follow-ups started from (at most _CHAIN)."""
    if not history or not is_follow_up(question):
        return question
    chain = [history[-1]]
    for earlier in reversed(history[:-1]):
        if len(chain) == _CHAIN or not is_follow_up(chain[0]):
            break
        chain.insert(0, earlier)
    return " ".join(chain + [question])


@dataclass
class Conversation:
    """The questions asked so far in one chat (CLI session or Discord thread)."""

    questions: list[str] = field(default_factory=list)
    max_turns: int = 10

    def add(self, question: str) -> None:
        self.questions = (self.questions + [question])[-self.max_turns :]
