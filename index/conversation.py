"""Follow-up questions: put a question in the context of the ones before it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Words that point back at something said earlier ("Which of them is state-owned?").
_ANAPHORA = re.compile(
    r"\b(they|them|their|theirs|it|its|he|him|his|she|her|hers|this|that|these|those|"
    r"the (?:two|three|both|former|latter|first|second|company|companies|one|ones)|both|either|neither|"
    r"which one)\b",  # "what about…" is a form that continues (_WHAT_ABOUT)
    re.IGNORECASE,
)
# Questions this short rarely stand on their own ("And Dahua?").
_SHORT_WORDS = 4
# A question that opens with a conjunction ("And how do I set a timeout?", "But what if
# the server is down?") continues the one before, as does a short one ending with "too"
# or "instead" ("Can I set it per request too?"). One that opens with a preposition does
# when it names only what changes, with no clause of its own ("And for a blueprint
# only?", "In requests?"); "On Windows, how do I install Poetry?" asks afresh.
_CONJUNCTION = re.compile(r"^\W*(?:and|or|but|also|plus|then|same)\s", re.IGNORECASE)
_PREPOSITION = re.compile(r"^\W*(?:only|just|for|in|with|without|on|from|via|under|inside|instead)\s", re.IGNORECASE)
_OWN_CLAUSE = re.compile(r"\b(?:how|what|where|when|why|which|who|whom|whose|can|could|do|does|did|is|are|was|"
                         r"were|will|would|should|shall|may|might|must|has|have)\b", re.IGNORECASE)
_WHAT_ABOUT = re.compile(r"\b(?:what|how) about\b", re.IGNORECASE)
_ENDS_AS_FOLLOW_UP = re.compile(r"\b(?:too|instead|as well|either)\W*$", re.IGNORECASE)
_CONJUNCTION_WORDS = 12
_CONTINUES_WORDS = 8
# How many earlier questions a chain of follow-ups carries: "How do I register an error
# handler?", "And for a blueprint only?", "What about 404s?" is still about handlers.
_CHAIN = 3


def _continues(question: str) -> bool:
    """Does ``question`` say by its form that it continues the one before (short, opening
    with a conjunction, a bare preposition phrase, "what about…")? A pronoun is weaker
    evidence: "What is a lock file and why does it matter?" stands alone."""
    words = len(question.split())
    return (words <= _SHORT_WORDS or (words <= _CONJUNCTION_WORDS and bool(_CONJUNCTION.match(question)))
            or (words <= _CONTINUES_WORDS and bool(_ENDS_AS_FOLLOW_UP.search(question)))
            or (words <= _CONTINUES_WORDS and bool(_PREPOSITION.match(question))
                and not _OWN_CLAUSE.search(question))
            or bool(_WHAT_ABOUT.search(question)))


def is_follow_up(question: str) -> bool:
    return bool(_ANAPHORA.search(question)) or _continues(question)


def contextual_query(question: str, history: list[str]) -> str:
    """The retrieval query for ``question``: itself, or, when it leans on what came
    before, the earlier questions it continues followed by it: the previous one, and
    back through the questions that by their form continue one (at most _CHAIN)."""
    if not history or not is_follow_up(question):
        return question
    chain = [history[-1]]
    for earlier in reversed(history[:-1]):
        if len(chain) == _CHAIN or not _continues(chain[0]):
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
