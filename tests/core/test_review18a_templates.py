"""Review 18a, the shipped templates: a party known only by their address ("Please introduce sam@client.example to
Maya Chen") is named by it wherever a template names them, in every language, never by an empty first name."""

from __future__ import annotations

import pytest

from introbot.core.render import Renderer
from introbot.model import Kind
from tests.core.template_samples import CLIENT, COLLEAGUE, LANGUAGES, SHIPPED, sample_context

RENDERER = Renderer(SHIPPED)
# A party as the service describes one the request named by address alone: no first name, the address as name.
NAMELESS_CLIENT = dict(CLIENT, first_name="", name=CLIENT["email"])
NAMELESS_COLLEAGUE = dict(COLLEAGUE, first_name="", name=COLLEAGUE["email"])
# The messages that name both parties by first name: the introduction, and the referrer's notes about it.
NAMING_BOTH = (Kind.INTRODUCTION, Kind.REFERRER_SENT, Kind.REFERRER_DECLINED, Kind.REFERRER_EXPIRED, Kind.CANCELLED)
NO_CLIENT_NAMED = {"en": "no client named", "fr": "client non indiqué", "de": "ohne Angabe, wen Sie empfehlen",
                   "es": "sin cliente indicado"}


def blank_name_marks(text: str, language: str) -> list[str]:
    """What an empty name leaves behind: a comma (or, outside French, a colon) with nothing before it, two spaces,
    "and" before a comma."""
    marks = (" ,", "  ", "\n,", ", ,", ", .", "and ,", "und ,", "et ,", "y ,", " and\n", " und\n")
    marks += (" :",) if language != "fr" else ()
    return [mark for mark in marks if mark in text] + (["starts with a comma"] if text.startswith(",") else [])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", NAMING_BOTH, ids=lambda k: k.value)
@pytest.mark.parametrize("nameless", ["client", "colleague"])
def test_a_party_known_only_by_address_is_named_by_it(kind, language, nameless):
    """Before, "Please introduce sam@client.example to Maya Chen" made the introduction ", meet Maya" with "Hi  and
    Maya," and ", Maya Chen offers...", and the referrer's notes "Introduced:  and Maya"."""
    party, address = (NAMELESS_CLIENT, CLIENT["email"]) if nameless == "client" else (NAMELESS_COLLEAGUE,
                                                                                       COLLEAGUE["email"])
    rendered = RENDERER.render(kind, language, sample_context(kind, **{nameless: party}))
    body = rendered.text.split("\n-- \n")[0]
    assert address in rendered.subject
    assert blank_name_marks(rendered.subject, language) == [] and blank_name_marks(body, language) == []
    if kind is Kind.INTRODUCTION:
        greeting = body.strip().split("\n\n")[0]
        assert address in greeting and address in rendered.html
        assert blank_name_marks(rendered.html, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cancelled_request_whose_client_was_named_by_address_does_not_say_no_client_was_named(language):
    """Before, the subject read "Cancelled: Maya (no client named)" for a client the referrer named by address."""
    rendered = RENDERER.render(Kind.CANCELLED, language, sample_context(Kind.CANCELLED, client=NAMELESS_CLIENT))
    assert NO_CLIENT_NAMED[language] not in rendered.subject and CLIENT["email"] in rendered.subject
    no_client = sample_context(Kind.CANCELLED, client={"first_name": "", "name": "", "email": ""})
    assert NO_CLIENT_NAMED[language] in RENDERER.render(Kind.CANCELLED, language, no_client).subject


@pytest.mark.parametrize("website", ["", COLLEAGUE["website"]])
def test_the_english_introduction_presents_a_colleague_without_a_specialty_in_a_sentence(website):
    """Before, a colleague listed without a specialty (and without a website) was presented as "Sam, Maya Chen.", a
    sentence without a verb; German, French and Spanish say "das ist", "voici" and "le presento a"."""
    colleague = dict(COLLEAGUE, specialty="", website=website)
    rendered = RENDERER.render(Kind.INTRODUCTION, "en", sample_context(Kind.INTRODUCTION, colleague=colleague))
    presented = f"Sam, this is Maya Chen{': ' + website if website else ''}."
    assert presented in rendered.text and presented in rendered.html.replace(f'<a href="{website}" style="color: '
                                                                             f'#1a5fb4;">{website}</a>', website)
    with_specialty = RENDERER.render(Kind.INTRODUCTION, "en", sample_context(Kind.INTRODUCTION))
    assert "Sam, this is Maya Chen, who offers massage therapy: https://bodywork.example." in with_specialty.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_closing_note_says_whom_the_introduction_was_to_in_its_body_not_its_subject(language):
    """A client asked about two colleagues and introduced to one could not tell which introduction was not going
    ahead. The name stays out of the subject, as the colleague's ask keeps the client's out of its own."""
    rendered = RENDERER.render(Kind.NOT_GOING_AHEAD, language, sample_context(Kind.NOT_GOING_AHEAD))
    assert COLLEAGUE["name"] in rendered.text and COLLEAGUE["name"] not in rendered.subject
    unnamed = sample_context(Kind.NOT_GOING_AHEAD, party=dict(COLLEAGUE), other={"name": ""})
    assert blank_name_marks(RENDERER.render(Kind.NOT_GOING_AHEAD, language, unnamed).text, language) == []
