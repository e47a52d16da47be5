"""What "Has Sam answered?" needs once a request ended: when each way of ending happened (Intro.ended_at), which
ended requests a question names, and the status mail's lines about them in every language."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import timedelta

import pytest

from introbot.core import workflow
from introbot.core.holding import requests_asked_after, requests_meant
from introbot.core.render import Renderer
from introbot.core.workflow import Answered, Cancelled, Readdressed, Rules, Tick, Undeliverable
from introbot.model import Consent, Intro, IntroState, Kind, Party, Role
from tests.core.template_samples import LANGUAGES, SHIPPED, ended, sample_context

RULES = Rules(remind_after=timedelta(days=3), expire_after=timedelta(days=7))
LATER = timedelta(days=2)
RENDERER = Renderer(SHIPPED)


def asking(now, client: str = "Sam Rivera sam@client.example", colleague: str = "maya@bodywork.example",
           intro_id: str = "i1", state: IntroState = IntroState.ASKING) -> Intro:
    name, _, email = client.rpartition(" ")
    return Intro(id=intro_id, state=state, referrer_email="ada@clinic.example", referrer_name="Dr. Ada Lee",
                 created_at=now, updated_at=now, client=Party(Role.CLIENT, email, name=name),
                 colleague=Party(Role.COLLEAGUE, colleague, name="Maya Chen"), note="lower back pain")


@pytest.fixture
def rng():
    return random.Random(7)


def begun(now, rng) -> Intro:
    return workflow.begin(asking(now), now, RULES, rng)[0]


def test_an_introduction_ends_when_it_goes_out(now, rng):
    intro, _ = workflow.step(begun(now, rng), Answered(Role.CLIENT, True), now, RULES, rng)
    assert intro.ended_at is None
    intro, _ = workflow.step(intro, Answered(Role.COLLEAGUE, True), now + LATER, RULES, rng)
    assert intro.state is IntroState.INTRODUCED and intro.ended_at == now + LATER


@pytest.mark.parametrize("event, state", [(Answered(Role.CLIENT, False), IntroState.DECLINED),
                                          (Cancelled(), IntroState.CANCELLED),
                                          (Undeliverable(Role.CLIENT), IntroState.FAILED)])
def test_a_request_closed_by_an_answer_a_cancel_or_a_bounce_ends_then(now, rng, event, state):
    intro, _ = workflow.step(begun(now, rng), event, now + LATER, RULES, rng)
    assert intro.state is state and intro.ended_at == now + LATER


def test_an_expired_request_ended_at_its_expiry_not_when_the_waiting_yes_heard_of_it_later(now, rng):
    intro = begun(now, rng)
    intro, _ = workflow.step(intro, Answered(Role.CLIENT, True), now, RULES, rng)  # Maya asked, then silent
    expiry = now + RULES.expire_after
    intro, _ = workflow.step(intro, Tick(), expiry, RULES, rng)
    assert intro.state is IntroState.EXPIRED and intro.ended_at == expiry
    intro, _ = workflow.step(replace(intro, closing_note_at=expiry + LATER), Tick(), expiry + LATER, RULES, rng)
    assert intro.updated_at == expiry + LATER and intro.ended_at == expiry


def test_a_failed_request_taken_up_at_a_new_address_is_open_again(now, rng):
    intro, _ = workflow.step(begun(now, rng), Undeliverable(Role.CLIENT), now, RULES, rng)
    intro, _ = workflow.step(intro, Readdressed(Role.CLIENT, "sam.r@elsewhere.example"), now + LATER, RULES, rng)
    assert intro.state is IntroState.ASKING and intro.ended_at is None


def test_an_ended_request_saved_before_its_end_was_kept_reads_its_best_guess(now):
    answered = replace(asking(now).party(Role.CLIENT), consent=Consent.YES, answered_at=now + LATER)
    introduced = replace(asking(now).with_party(answered), state=IntroState.INTRODUCED, updated_at=now + 2 * LATER)
    cancelled = replace(asking(now), state=IntroState.CANCELLED, updated_at=now + LATER)
    for intro, end in ((introduced, now + LATER), (cancelled, now + LATER), (asking(now), None)):
        data = json.loads(intro.to_json())
        del data["ended_at"]
        assert Intro.from_json(json.dumps(data)).ended_at == end
    assert Intro.from_json(replace(cancelled, ended_at=now).to_json()).ended_at == now


def test_a_question_names_an_ended_request_of_the_client_as_well_as_an_open_one(now):
    done = replace(asking(now, intro_id="aaaaaaaa"), state=IntroState.INTRODUCED)
    kim = asking(now, "Kim Novak kim@client.example", intro_id="bbbbbbbb")
    assert requests_asked_after("Has Sam answered?", [done, kim]) == [done]
    assert requests_meant("Hold off on Sam, please", [done, kim], None, set(), set()) == []  # stops only open ones
    with_lio = replace(asking(now, colleague="lio@osteo.example", intro_id="cccccccc"), state=IntroState.DECLINED)
    assert requests_asked_after("Any news about sam@client.example?", [done, kim, with_lio]) == [done, with_lio]


def test_a_first_name_two_clients_share_names_no_ended_request_either(now):
    sam_rivera = replace(asking(now, intro_id="aaaaaaaa"), state=IntroState.EXPIRED)
    sam_okafor = asking(now, "Sam Okafor okafor@client.example", intro_id="bbbbbbbb")
    assert requests_asked_after("Has Sam answered?", [sam_rivera, sam_okafor]) == []
    assert requests_asked_after("Has Sam Rivera answered?", [sam_rivera, sam_okafor]) == [sam_rivera]
    assert requests_asked_after("Has Kim answered?", [sam_rivera, sam_okafor]) == []


# Each way of ending, the names it carries, and what each language must say of it: the words of the referrer's
# own note about it, and the day.
OUTCOMES = {
    "introduced": ((), {"en": "introduced", "de": "vorgestellt", "es": "presentación hecha",
                        "fr": "mise en relation effectuée"}),
    "declined": (("Maya Chen",), {"en": "Maya Chen preferred not to be introduced",
                                  "de": "Maya Chen möchte lieber nicht vorgestellt werden",
                                  "es": "Maya Chen ha preferido no seguir adelante",
                                  "fr": "Maya Chen a préféré ne pas donner suite"}),
    "expired": (("Sam Rivera", "Inés Ortega"), {"en": "Sam Rivera and Inés Ortega didn't answer after a reminder",
                                               "de": "von Sam Rivera und Inés Ortega kam auch nach einer Erinnerung "
                                                     "keine Antwort",
                                               "es": "no ha habido respuesta de Sam Rivera e Inés Ortega tras un "
                                                     "recordatorio",
                                               "fr": "pas de réponse de Sam Rivera et Inés Ortega malgré un rappel"}),
    "failed": (("Maya Chen",), {"en": "my email to Maya Chen could not be delivered",
                                "de": "meine E-Mail an Maya Chen konnte nicht zugestellt werden",
                                "es": "mi correo a Maya Chen no se ha podido entregar",
                                "fr": "mon e-mail à Maya Chen n'a pas pu être distribué"}),
    "cancelled": ((), {"en": "stopped", "de": "beendet", "es": "detenida", "fr": "arrêtée"}),
}
DAY = {"en": "(2 March)", "de": "(2. März)", "es": "(2 de marzo)", "fr": "(2 mars)"}
PAIR = {"en": "Sam Rivera and Maya Chen: ", "de": "Sam Rivera und Maya Chen: ", "es": "Sam Rivera y Maya Chen: ",
        "fr": "Sam Rivera et Maya Chen : "}


def status_text(language: str, **changes) -> str:
    return RENDERER.render(Kind.STATUS, language, sample_context(Kind.STATUS, **changes)).text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("outcome", OUTCOMES)
def test_an_ended_request_is_listed_with_its_outcome_in_the_words_of_its_note_and_its_day(language, outcome):
    who, words = OUTCOMES[outcome]
    text = status_text(language, ended=[ended(outcome, *who)])
    assert f"  {PAIR[language]}{words[language]} {DAY[language]}\n" in text


def test_the_first_of_the_month_in_french_is_the_first():
    assert "(1er décembre)" in status_text("fr", ended=[ended("cancelled", day=1, month=12)])


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_ending_whose_note_named_nobody_still_known_names_nobody(language):
    text = status_text(language, requests=[], ended=[ended("failed"), ended("expired")])
    outcomes = [line.removeprefix(f"  {PAIR[language]}") for line in text.splitlines() if line.startswith("  Sam")]
    assert len(outcomes) == 2 and not any("Sam" in o or "Maya" in o for o in outcomes), outcomes


@pytest.mark.parametrize("language", LANGUAGES)
def test_with_nothing_ended_the_status_is_as_before_and_with_nothing_open_it_says_so_first(language):
    plain = status_text(language)
    assert status_text(language, ended=[ended("introduced")]).startswith(plain.split("\n\n-- ")[0])
    assert DAY[language] not in plain
    none_open = status_text(language, requests=[])
    with_ended = status_text(language, requests=[], ended=[ended("introduced")])
    assert with_ended.startswith(none_open.split("\n\n-- ")[0]) and DAY[language] in with_ended


# A request that never got its second party: the status mail names who is known and says who is not, in words.
UNNAMED = {
    "colleague": {"en": "Sam Rivera (no colleague chosen)", "de": "Sam Rivera (keine Kollegin, kein Kollege gewählt)",
                  "es": "Sam Rivera (sin colega elegido)", "fr": "Sam Rivera (aucun·e collègue choisi·e)"},
    "client": {"en": "Maya Chen (no client named)", "de": "Maya Chen (ohne Angabe, wen Sie empfehlen)",
               "es": "Maya Chen (sin cliente indicado)", "fr": "Maya Chen (client non indiqué)"},
    "both": {"en": "(no client or colleague named)", "de": "(niemand genannt)",
             "es": "(sin cliente ni colega indicados)", "fr": "(ni client ni collègue indiqués)"},
}
KNOWN = {"colleague": {"colleague": ""}, "client": {"client": ""}, "both": {"client": "", "colleague": ""}}
COLON = {"en": ": ", "de": ": ", "es": ": ", "fr": " : "}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("missing", UNNAMED)
def test_a_request_without_its_second_party_is_named_in_words_open_or_ended(language, missing):
    still_open = {"id": "k3x9q2ab", "client": "Sam Rivera", "colleague": "Maya Chen", "waiting_for": "",
                  "age_days": 2} | KNOWN[missing]
    text = status_text(language, requests=[still_open], ended=[ended("cancelled", **KNOWN[missing])])
    written = UNNAMED[missing][language]
    assert f"  k3x9q2ab{COLON[language]}{written}{COLON[language]}" in text
    assert f"  {written}{COLON[language]}{OUTCOMES['cancelled'][1][language]} {DAY[language]}" in text
    assert "?" not in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("missing", UNNAMED)
def test_the_cancel_note_names_another_request_it_stopped_as_the_status_mail_does(language, missing):
    stopped = {"id": "m4p7r2cd", "client": "Sam Rivera", "colleague": "Maya Chen", "waiting_for": "",
               "age_days": 1} | KNOWN[missing]
    text = RENDERER.render(Kind.CANCELLED, language, sample_context(Kind.CANCELLED, also_cancelled=[stopped])).text
    assert f"  m4p7r2cd{COLON[language]}{UNNAMED[missing][language]}\n" in text


@pytest.mark.parametrize("event, note", [(Answered(Role.CLIENT, False), Kind.REFERRER_DECLINED),
                                         (Undeliverable(Role.CLIENT), Kind.REFERRER_FAILED)])
def test_notes_off_spares_only_the_note_that_an_introduction_went_out(now, rng, event, note):
    """What the status mail lists with bot.referrer_notes = "off": each decline, bounce and expiry was still told in
    a note of its own; only "introduced" was not, and asking is asking to know it."""
    quiet = replace(RULES, note_when_sent=False)
    intro = workflow.begin(asking(now), now, quiet, rng)[0]
    assert [e.kind for e in workflow.step(intro, event, now, quiet, rng)[1]] == [note]
    expired = workflow.step(intro, Tick(), now + RULES.remind_after, quiet, rng)[0]
    assert [e.kind for e in workflow.step(expired, Tick(), now + RULES.expire_after, quiet, rng)[1]] == [
        Kind.REFERRER_EXPIRED]
