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


def is_follow_up(question: str) -> bool:
    return bool(_ANAPHORA.search(question)) or len(question.split()) <= _SHORT_WORDS


def contextual_query(question: str, history: list[str]) -> str:
    """The retrieval query for ``question``: itself, or, when it leans on what came
    before, the previous question followed by it."""
    if history and is_follow_up(question):
        return f"{history[-1]} {question}"
    return question


@dataclass
class Conversation:
    """The questions asked so far in one chat (CLI session or Discord thread)."""

    questions: list[str] = field(default_factory=list)
    max_turns: int = 10

    def add(self, question: str) -> None:
        self.questions = (self.questions + [question])[-self.max_turns :]
