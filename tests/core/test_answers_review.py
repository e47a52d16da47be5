"""Replies where the consent rules added this stop once read a non-yes as YES or a yes as NO (found by review)."""

from __future__ import annotations

import pytest

from introbot.core.answers import Answer, read_answer

QUOTED_ASK = ("\n\nOn Mon, 3 Jun 2024 at 09:12, intro@example.org wrote:\n"
              "> Shall I introduce you to Maya Chen? Reply YES or NO.\n")

# Asking HOW to decline is not waving a refusal away: "How could I say no politely?" asks for a way out.
ASKING_HOW_TO_DECLINE = {
    "en_should": "How should I say no to her?",
    "en_politely": "How could I say no to her politely?",
    "de": "Wie könnte ich nein sagen, ohne sie zu verletzen?",
    "fr": "Comment pourrais-je dire non poliment ?",
    "es": "¿Cómo podría decir que no sin ofenderla?",
    "it": "Come potrei dire di no gentilmente?",
    "nl": "Hoe zou ik nee kunnen zeggen zonder haar te kwetsen?",
    "sv": "Hur skulle jag kunna säga nej utan att såra henne?",
}

# "Maybe she can help me decide whether I want this" is a doubt about the consent, not about her help.
HELP_THAT_DOUBTS = {
    "en": "Yes. Maybe she can help me decide whether I want this at all.",
    "de": "Ja gerne. Vielleicht kann sie mir helfen zu entscheiden, ob ich das überhaupt will.",
}

# Needing nobody said first, then a plain yes in the next sentence: the yes must never read NO.
YES_AFTER_NEEDING_NOBODY = {
    "en_not_looking": "I'm not looking for anyone else, Maya sounds ideal. Yes please.",
    "en_already_have": "Already have a GP. Yes please to the introduction.",
    "fr": "Je ne cherche personne d'autre, Maya me semble parfaite. Oui, avec plaisir.",
    "de": "Ich bin bereits in Behandlung. Ja, gerne trotzdem!",
    "it": "Sono già in cura. Sì, volentieri comunque!",
    "es": "Ya estoy en tratamiento. ¡Pero sí, encantada!",
    "pt": "Já estou em tratamento. Mas sim, adoraria!",
    "nl": "Ik ben niet op zoek naar iemand anders, Maya lijkt me perfect. Ja graag!",
    "sv": "Jag går redan hos en terapeut. Ja tack ändå!",
    "da": "Jeg leder ikke efter nogen anden, Maya lyder perfekt. Ja tak!",
    "pl": "Chodzę już do fizjoterapeuty. Tak, chętnie!",
}


def _as_sent_and_as_received(text: str) -> list[str]:
    return [text, text + QUOTED_ASK]


@pytest.mark.parametrize("text", ASKING_HOW_TO_DECLINE.values(), ids=ASKING_HOW_TO_DECLINE.keys())
def test_asking_how_to_decline_is_not_read_yes(text: str) -> None:
    for reply in _as_sent_and_as_received(text):
        assert read_answer(reply).answer is not Answer.YES, reply


@pytest.mark.parametrize("text", HELP_THAT_DOUBTS.values(), ids=HELP_THAT_DOUBTS.keys())
def test_help_clause_that_doubts_the_wish_is_not_read_yes(text: str) -> None:
    for reply in _as_sent_and_as_received(text):
        assert read_answer(reply).answer is not Answer.YES, reply


@pytest.mark.parametrize("text", YES_AFTER_NEEDING_NOBODY.values(), ids=YES_AFTER_NEEDING_NOBODY.keys())
def test_yes_after_saying_one_needs_nobody_is_not_read_no(text: str) -> None:
    for reply in _as_sent_and_as_received(text):
        assert read_answer(reply).answer is not Answer.NO, reply
