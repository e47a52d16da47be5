"""ETIQUETTE.md held by the shipped templates, in every shipped language."""

import html
import re

import pytest

from introbot.core.answers import Answer, read_answer
from introbot.core.render import Renderer
from introbot.core.robots import read_consent
from introbot.model import Kind
from tests.core.template_samples import (BEFORE_CONSENT_TO_COLLEAGUE, CLIENT, COLLEAGUE, CONSENT_ASKS, LANGUAGES,
                                         LONG_NAMES, NOTE, REFERRER, SHIPPED, TO_REFERRER, WEBSITE, sample_context)

# The reader's own words for the answer, and the English ones that work everywhere.
ANSWER_WORDS = {"en": ("YES", "NO"), "fr": ("OUI", "NON"), "de": ("JA", "NEIN"), "es": ("SÍ", "NO")}
YES_NO = {"en": "YES or NO", "fr": "OUI ou NON (YES/NO fonctionne aussi)",
          "de": "JA oder NEIN (YES/NO geht auch)", "es": "SÍ o NO (YES/NO también funciona)"}
NOT_PRIVATE = {"en": "(Email is not a fully private channel", "fr": "(L'e-mail n'est pas un canal entièrement confidentiel",
               "de": "(E-Mail ist kein vollständig vertraulicher Kanal", "es": "(El correo electrónico no es un canal del todo privado"}
BOW_OUT = {"en": "I'll let you two take it from here!", "fr": "Je vous laisse poursuivre entre vous !",
           "de": "Alles Weitere überlasse ich jetzt Ihnen beiden!", "es": "¡A partir de aquí, la conversación es toda suya!"}
MENTION_REFERRER = {"en": "please mention that Dr. Ada Lee sent you",
                    "fr": "pensez à mentionner que c'est Dr. Ada Lee qui vous envoie",
                    "de": "bitte erwähnen Sie bei der Terminvereinbarung, dass Dr. Ada Lee Sie empfohlen hat",
                    "es": "no olvide mencionar que le envía Dr. Ada Lee"}
LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"')]*[^\s<>\"').,;:!?]", re.IGNORECASE)
# What the client wrote to the referrer: the introduction starts a fresh thread and quotes none of it.
CLIENT_MESSAGE = "Thanks doctor, the cupping helped but my shoulder still clicks at night."
RENDERER = Renderer(SHIPPED)


def body_of(text: str) -> str:
    return text.split("\n-- \n")[0].strip()


def significant_words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 3}


def every_template_file():
    return sorted(p for p in SHIPPED.glob("*/*") if p.suffix in (".txt", ".html"))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", CONSENT_ASKS, ids=lambda k: k.value)
def test_consent_mails_ask_for_a_plain_yes_or_no_and_say_email_is_not_private(kind, language):
    body = body_of(RENDERER.render(kind, language, sample_context(kind)).text)
    assert YES_NO[language] in body
    # The note is one line of its own, the last of the body.
    assert body.split("\n\n")[-1].startswith(NOT_PRIVATE[language])
    assert "\n" not in body.split("\n\n")[-1] and body.endswith(".)")
    assert "http" not in body.replace(WEBSITE, "")  # nothing to click: mail scanners click links


def answer_words(text: str) -> list[str]:
    """The words a mail asks to be written back, in capitals: "JA oder NEIN (YES/NO geht auch)"."""
    return re.findall(r"\b[A-ZÄÖÜÉÍ]{2,}\b", text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", CONSENT_ASKS + (Kind.CONFIRM_REQUEST,), ids=lambda k: k.value)
def test_the_words_a_mail_asks_for_are_read_as_the_answer_they_stand_for(kind, language):
    body = body_of(RENDERER.render(kind, language, sample_context(kind)).text)
    asked = answer_words(body)
    yes, no = ANSWER_WORDS[language]
    assert yes in asked and (no in asked or kind is Kind.CONFIRM_REQUEST)
    for word in asked:
        assert word in (yes, no, "YES", "NO"), f"{word!r} is asked for but is no answer word"
        expected = Answer.YES if word in (yes, "YES") else Answer.NO
        languages = {None, language} | ({"en"} if word in ("YES", "NO") else set())
        # As asked, as people type it, and with what they add; read as the service reads a reply.
        for typed in (word, word.lower(), word.capitalize(), f"{word.capitalize()}.", f"{word.capitalize()}!"):
            reading = read_consent(typed)
            assert reading.answer is expected and reading.language in languages, (typed, reading)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_yes_a_referrer_is_offered_for_one_colleague_is_read_as_yes(language):
    one = sample_context(Kind.CLARIFY, options=[dict(COLLEAGUE)])
    body = body_of(RENDERER.render(Kind.CLARIFY, language, one).text)
    quoted = re.findall(r'[„«"]\s?(\w+)\s?[“»"]', body)
    assert len(quoted) == 1 and read_answer(quoted[0]).answer is Answer.YES


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", BEFORE_CONSENT_TO_COLLEAGUE, ids=lambda k: k.value)
def test_the_colleague_learns_only_the_clients_first_name_before_both_agreed(kind, language):
    # Rendered with the client's first name alone, StrictUndefined fails on any template reaching for more...
    only_first = RENDERER.render(kind, language, sample_context(kind, client={"first_name": "Sam"}))
    # ...and even handed everything, no template writes the surname or the address.
    everything = RENDERER.render(kind, language, sample_context(kind, client=dict(CLIENT)))
    for rendered in (only_first, everything):
        for text in (rendered.subject, rendered.text):
            assert "Rivera" not in text and CLIENT["email"] not in text and "client.example" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_client_is_asked_with_the_referrer_the_colleague_and_their_website(language):
    body = body_of(RENDERER.render(Kind.ASK_CLIENT, language, sample_context(Kind.ASK_CLIENT)).text)
    assert REFERRER["name"] in body and COLLEAGUE["name"] in body and WEBSITE in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_colleague_ask_carries_the_referrers_note(language):
    body = body_of(RENDERER.render(Kind.ASK_COLLEAGUE, language, sample_context(Kind.ASK_COLLEAGUE)).text)
    assert NOTE in body and REFERRER["name"] in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_introduction_is_short_names_both_and_bows_out(language):
    # The note and the client's first message are offered to the template; it must use neither.
    context = sample_context(Kind.INTRODUCTION, note=NOTE, text=CLIENT_MESSAGE)
    rendered = RENDERER.render(Kind.INTRODUCTION, language, context)
    body = body_of(rendered.text)
    assert CLIENT["first_name"] in rendered.subject and COLLEAGUE["first_name"] in rendered.subject
    assert rendered.body_words < 120
    greeting, *paragraphs = body.split("\n\n")
    assert len(paragraphs) <= 3 and CLIENT["first_name"] in greeting and COLLEAGUE["first_name"] in greeting
    for part in (body, rendered.html):
        assert WEBSITE in part and REFERRER["name"] in part and BOW_OUT[language] in part
        assert MENTION_REFERRER[language] in part.replace("<p>", "").replace("</p>", "")
        assert not significant_words(NOTE + " " + CLIENT_MESSAGE) & significant_words(part)
        assert CLIENT["email"] not in part and COLLEAGUE["email"] not in part
    assert not any(line.startswith(">") for line in body.splitlines())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_introduction_stays_under_120_words_with_long_names(language):
    rendered = RENDERER.render(Kind.INTRODUCTION, language, sample_context(Kind.INTRODUCTION, **LONG_NAMES))
    body = body_of(rendered.text)
    assert LONG_NAMES["colleague"]["name"] in body and LONG_NAMES["referrer"]["name"] in body
    assert rendered.body_words == len(body.split()) < 120


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_html_introduction_says_what_the_text_says(language):
    rendered = RENDERER.render(Kind.INTRODUCTION, language, sample_context(Kind.INTRODUCTION))
    html_words = significant_words(html.unescape(re.sub(r"<[^>]+>", " ", rendered.html)))
    assert html_words == significant_words(rendered.text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", TO_REFERRER, ids=lambda k: k.value)
def test_what_the_referrer_hears_is_one_short_paragraph(kind, language):
    body = body_of(RENDERER.render(kind, language, sample_context(kind)).text)
    if kind is Kind.CLARIFY:  # one short question, with the choices listed under it
        assert len(body.split()) <= 60
        return
    assert "\n" not in body and len(body.split()) <= 40


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.value)
def test_no_message_links_anywhere_but_the_colleagues_website(kind, language):
    rendered = RENDERER.render(kind, language, sample_context(kind))
    links = LINK.findall(rendered.subject + "\n" + rendered.text + "\n" + (rendered.html or ""))
    assert set(links) <= {WEBSITE}
    assert set(re.findall(r'href="([^"]*)"', rendered.html or "")) <= {WEBSITE}


@pytest.mark.parametrize("path", every_template_file(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_template_file_holds_a_link_of_its_own(path):
    source = path.read_text(encoding="utf-8")
    assert not LINK.findall(source.replace('"https://", "http://"', ""))
    assert set(re.findall(r"href=\"([^\"]*)\"", source)) <= {"{{ colleague.website }}"}
    assert "mailto:" not in source


def test_the_link_check_catches_a_confirmation_link(tmp_path):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "ask_client.txt").write_text(
        "{% block subject %}Confirm{% endblock %}{% block body %}Click https://intro.example/yes?t={{ intro_id }}."
        "{% endblock %}", encoding="utf-8")
    rendered = Renderer(SHIPPED, tmp_path).render(Kind.ASK_CLIENT, "en", sample_context(Kind.ASK_CLIENT))
    assert LINK.findall(rendered.text) == ["https://intro.example/yes?t=k3x9q2"]
