"""Answers: the data model, sentence units, scoring, and the answer() orchestration."""

from index.answer.model import ABSTAIN_TEXT, Answer, Citation
from index.answer.pipeline import answer, ranked_passages, validate_question
from index.answer.scoring import SentenceVectors
from index.sentences import split_sentences

__all__ = ["ABSTAIN_TEXT", "Answer", "Citation", "SentenceVectors", "answer", "ranked_passages",
           "split_sentences", "validate_question"]
