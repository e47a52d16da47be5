"""Practitioners answering with their capacity (rule 10 of answers.py): a labelled set in 11 languages.

tests/data/consent_capacity.jsonl holds declines ("I'm at capacity", "Helaas zit ik vol"), acceptances ("I can
take her on", "Tengo hueco para ella") and replies that must stay UNCLEAR ("I might have space next month", "I'm not
available on Mondays"). Each is read bare and under an unmarked copy of our ask, as the service reads it, and
every one must be read right: unlike the adversarial set, these wordings are what the reader was taught.
"""

from __future__ import annotations

from collections import Counter

import pytest

from introbot.core.answers import Answer
from introbot.core.robots import read_consent
from tests.core.test_answers_adversarial import labelled_rows, readings

ROWS = labelled_rows("consent_capacity")


def test_the_set_has_every_answer_in_every_language():
    per_language = Counter(row["language"] for row in ROWS)
    assert set(per_language) == {"en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "pl"}
    assert len(ROWS) >= 60 and min(per_language.values()) >= 4
    assert {row["answer"] for row in ROWS} == {"yes", "no", "unclear"}
    assert len({row["text"] for row in ROWS}) == len(ROWS), "texts must be unique"


@pytest.mark.parametrize("row", ROWS, ids=[f"{row['language']}-{row['answer']}-{i}" for i, row in enumerate(ROWS)])
def test_each_capacity_answer_is_read_right_bare_and_under_our_ask(row: dict):
    assert readings(row) == [Answer(row["answer"])] * 2


def test_being_away_is_the_whole_answer_once_the_service_sets_the_signature_aside():
    reply = "Sorry, I'm on leave.\n\nBest wishes,\nMaya Chen\nPhysiotherapist"
    assert read_consent(reply, signed_by="Maya Chen").answer is Answer.NO
    assert read_consent(reply).answer is Answer.UNCLEAR  # a name line the reader cannot tell from more words
