"""A yes that does not stand (rule 11 of answers.py): a labelled set in 11 languages.

tests/data/consent_conditions.jsonl holds yeses restricted by "only" or "ne ... que" ("I have space on Saturdays
only", "Je ne prends que des patients existants"), limited to someone else ("Yes, just not for new clients", "Yes, for
existing clients"), held off until something happens ("Sí, en cuanto tenga hueco"), taken back ("I can take her on.
Just kidding, I'm full") or about something else ("Yes, I got your email", "Yes, I have her details"), beside yeses
that must stay yeses: a scheduling or channel preference ("Yes, happy to. Just not before 10am", "Yes, except
Mondays", "Yes, just not by phone", "Yes, Saturdays work best for me"), "only too happy", an "only" that means "just"
("Sí, solo dime cuándo"), a signature's "by appointment only" under a name, a retraction word before any answer. Each
is read bare and under an unmarked copy of our ask, as the service reads it, and every one must be read right.
"""

from __future__ import annotations

from collections import Counter

import pytest

from introbot.core.answers import Answer, read_answer
from tests.core.test_answers_adversarial import labelled_rows, readings

ROWS = labelled_rows("consent_conditions")


def test_the_set_has_every_answer_in_every_language():
    per_language = Counter(row["language"] for row in ROWS)
    assert set(per_language) == {"en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "pl"}
    assert len(ROWS) >= 100 and min(per_language.values()) >= 10
    assert all({row["answer"] for row in ROWS if row["language"] == language} == {"yes", "no", "unclear"}
               for language in per_language)
    assert len({row["text"] for row in ROWS}) == len(ROWS), "texts must be unique"


@pytest.mark.parametrize("row", ROWS, ids=[f"{row['language']}-{row['answer']}-{i}" for i, row in enumerate(ROWS)])
def test_each_answer_is_read_right_bare_and_under_our_ask(row: dict):
    assert readings(row) == [Answer(row["answer"])] * 2


@pytest.mark.parametrize("text, reason", [
    ("I have space on Saturdays only.", "yes with a restriction 'only'"),
    ("Yes please. I'm only free on weekends.", "yes with a restriction 'only'"),
    ("Yes, just not for new clients.", "yes, then a negation 'not'"),
    ("Yes, happy to. Just not before 10am.", "yes-word 'yes'"),
    ("Yes, just not by phone.", "yes-word 'yes'"),
    ("Yes, except Mondays.", "yes-word 'yes'"),
    ("Yes, except for new clients.", "yes with 'except'"),
    ("Sí, solo dime cuándo.", "yes-word 'sí'"),
    ("Yes, once I've checked my diary.", "yes with condition 'once i've'"),
    ("I can take her on. Just kidding, I'm full.", "yes, then taken back 'just kidding'"),
    ("Yes please. Just kidding.", "yes, then taken back 'just kidding'"),
    ("No. Just kidding!", "no, then taken back 'just kidding'"),
    ("Ja. Doch nicht.", "yes, then taken back 'nicht'"),
    ("Yes, I got your email.", "yes about something else 'got your email'"),
    ("Yes, for existing clients.", "yes for some clients only 'existing'"),
    ("Oui, je ne prends que des patients existants.", "yes with a restriction 'ne ... que'"),
    ("Yes, I don't take new clients.", "yes, then a negation 'don't'"),
    ("Yes, I have her details.", "yes about something else 'details'"),
    ("Sí, tengo su número.", "yes about something else 'numero'"),
])
def test_the_reason_names_the_rule(text: str, reason: str):
    assert read_answer(text).reason == reason


@pytest.mark.parametrize("text, answer", [
    # "only" beside a negation widens or is "just": "not only" is no restriction, "nur nicht" a limit (11a, 11b)
    ("Ja gerne, nicht nur für mich.", Answer.YES),
    ("Yes please, not only for my back.", Answer.YES),
    ("Ja gerne, nur nicht montags.", Answer.YES),
    ("Ja gerne, nur nicht für Kinder.", Answer.UNCLEAR),
    # an "only" of another language is no restriction: Dutch "kun" is "can", Portuguese "só" is no English "so"
    ("Ja graag, kun je haar mijn nummer geven.", Answer.YES),
    ("Yes, so happy to help.", Answer.YES),
    # a clock time only after a number: "I am" is no "10am"
    ("Yes, just not when I am away.", Answer.UNCLEAR),
    ("Yes, just not before 10 am.", Answer.YES),
    # a retraction counts after an answer only, and a no that goes on ("no need to ...") takes nothing back
    ("Forget it.", Answer.UNCLEAR),
    # "on second thought" frames its whole sentence as the new answer; "just kidding" takes back what came before it
    ("No thanks, on second thought.", Answer.NO),
    ("Yes please. No thanks, on second thought.", Answer.NO),
    ("Ja gerne. Nein danke, bei näherer Überlegung.", Answer.NO),
    ("Yes please. No thanks, just kidding.", Answer.UNCLEAR),
    ("Yes please. Actually, no need to send her details again.", Answer.UNCLEAR),  # rule 4: a no-word after a yes
    ("Yes please. Actually, no pressure on her side.", Answer.YES),  # a bare "no" inside a clause (rule 4)
    ("Yes please. Actually, could she do Mondays?", Answer.YES),  # a later question keeps the yes (rule 4)
    # a receipt after a fuller yes, or "let me know", is no answer to something else
    ("Yes please, let me know when she can see me.", Answer.YES),
    ("Yes, let me know when she's free.", Answer.YES),
    ("Sure, happy to. I know her well.", Answer.YES),
])
def test_the_edges_of_rule_11(text: str, answer: Answer):
    assert read_answer(text).answer == answer
