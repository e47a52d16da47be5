"""Polish 18, the shipped templates: the note asking a party to answer from the address that was asked names the
introduction it is about; German says whom it told of a bounce; French elides "de" before a silent h."""

from __future__ import annotations

import pytest

from introbot.core.render import Renderer
from introbot.model import Kind
from tests.core.template_samples import COLLEAGUE, LANGUAGES, SHIPPED, sample_context
from tests.core.test_review18a_templates import blank_name_marks

RENDERER = Renderer(SHIPPED)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_answer_from_here_note_names_the_other_person_in_its_body_not_its_subject(language):
    """A client asked about two colleagues could not tell which ask the note was about; the name stays out of the
    subject, as the asks keep the client's out of the colleague's."""
    rendered = RENDERER.render(Kind.ANSWER_FROM_HERE, language, sample_context(Kind.ANSWER_FROM_HERE))
    assert COLLEAGUE["name"] in rendered.text and COLLEAGUE["name"] not in rendered.subject
    unnamed = sample_context(Kind.ANSWER_FROM_HERE, other={"name": ""})
    assert blank_name_marks(RENDERER.render(Kind.ANSWER_FROM_HERE, language, unnamed).text, language) == []


def test_the_german_note_about_a_bounce_says_whom_it_told():
    """Before: "meine Vorstellungs-E-Mail hat also nur Sam Rivera erreicht, und ich habe Bescheid gegeben", with
    nobody to have been told."""
    context = sample_context(Kind.REFERRER_FAILED, reached="Sam Rivera")
    text = RENDERER.render(Kind.REFERRER_FAILED, "de", context).text
    assert "hat also nur Sam Rivera erreicht, und ich habe dieser Person Bescheid gegeben." in text


# French elides "de" before a silent h as before a vowel: an h before é, è or ê, as in names of Greek origin, is
# silent; before other h's usage hesitates ("de Hugo", "d'Hugo"), and "de" stays.
SILENT_H = {"Hélène Roy": "d'Hélène Roy", "héloïse roy": "d'héloïse roy", "Hugo Roy": "de Hugo Roy",
            "Henri Roy": "de Henri Roy"}


@pytest.mark.parametrize("name, written", SILENT_H.items())
def test_french_elides_de_before_a_silent_h(name, written):
    waiting = {"id": "k3x9q2ab", "client": "Sam Rivera", "colleague": name, "waiting_for": name, "age_days": 2}
    status = sample_context(Kind.STATUS, requests=[waiting],
                            ended=[{"client": "Sam Rivera", "colleague": name, "outcome": "expired", "who": [name],
                                    "day": 2, "month": 3}])
    text = RENDERER.render(Kind.STATUS, "fr", status).text
    assert f"en attente {written} (2 j)" in text and f"pas de réponse {written} malgré un rappel" in text
    expired = RENDERER.render(Kind.REFERRER_EXPIRED, "fr", sample_context(Kind.REFERRER_EXPIRED, silent=[name])).text
    assert f"pas de réponse {written} malgré un rappel" in expired
    repeated = sample_context(Kind.REFUSED, reason="already-requested", asked_id="k3x9q2ab",
                              requests=[waiting | {"introduced_days_ago": None}])
    assert f"en attente {written} ;" in RENDERER.render(Kind.REFUSED, "fr", repeated).text
