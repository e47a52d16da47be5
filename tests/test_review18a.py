"""Review 18a, through a real Service over a real SQLite store: what people receive when a request names the client
by address alone; asked in parallel, a yes after the other's no, and a yes taken back after it; a yes taken back
in words of a change of mind alone ("Sorry, I've changed my mind"); a status question or command that cannot be
authenticated."""

from __future__ import annotations

from datetime import timedelta

import pytest

from introbot.config import ConsentSettings
from introbot.model import Consent, IntroState, Kind
from tests.conversation import ADA, BOT, KIM, MAYA, SAM, new_message
from tests.service_world import START, Desk
from tests.test_clarify_again import text_of
from tests.test_clarify_answers import write
from tests.test_followup_answers import forwarded, kinds_to
from tests.test_status_after_end import ended_lines, status_text


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def test_a_client_named_by_address_alone_is_introduced_by_that_address(desk):
    """Before, the introduction read ", meet Maya", "Hi  and Maya," and ", when you book", and Ada's note
    "Introduced:  and Maya"."""
    write(desk, f"Please introduce {SAM[1]} to Maya Chen")
    desk.answer(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)[0], SAM, "Yes please")
    desk.answer(desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)[0], MAYA, "Yes")
    [introduction] = desk.mail_to(SAM[1], Kind.INTRODUCTION.value)
    assert introduction.message["Subject"] == f"{SAM[1]}, meet Maya"
    assert text_of(introduction).startswith(f"Hi {SAM[1]} and Maya,\n")
    assert f"\n\n{SAM[1]}, when you book" in text_of(introduction)
    [note] = desk.mail_to(ADA[1], Kind.REFERRER_SENT.value)
    assert note.message["Subject"] == f"Introduced: {SAM[1]} and Maya"


def sweeps_until_day(desk: Desk, last_day: int) -> None:
    for day in range(1, last_day + 1):
        desk.now = START + timedelta(days=day)
        desk.service.sweep()


def test_asked_in_parallel_a_yes_after_the_colleagues_no_hears_at_the_week_like_after_her_silence(tmp_path):
    """Before, Maya's no closed the request and Sam's yes, the next day, was dropped: Sam never heard another word.
    Now she hears on day 7, when the request would have expired had Maya stayed silent; Ada's status still names
    only Maya, as her note did."""
    with Desk(tmp_path, consent=ConsentSettings(order="parallel")) as desk:
        write(desk, f"Please introduce {SAM[0]} <{SAM[1]}> to Maya Chen")
        desk.answer(desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)[0], MAYA, "No, sorry, I'm full.")
        desk.now = START + timedelta(days=1)
        desk.answer(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)[0], SAM, "Yes please!")
        assert [m.kind for m in desk.mail_to(SAM[1])] == [Kind.ASK_CLIENT.value]
        sweeps_until_day(desk, 6)
        assert [m.kind for m in desk.mail_to(SAM[1])] == [Kind.ASK_CLIENT.value]
        write(desk, "Has Sam answered?")
        assert ended_lines(status_text(desk)) == ["Sam Rivera and Maya Chen: Maya Chen preferred not to be introduced "
                                                  "(2 March)"]
        sweeps_until_day(desk, 9)
        assert [m.kind for m in desk.mail_to(SAM[1])] == [Kind.ASK_CLIENT.value, Kind.NOT_GOING_AHEAD.value]
        assert [m.kind for m in desk.mail_to(MAYA[1])] == [Kind.ASK_COLLEAGUE.value]


def test_a_yes_taken_back_after_the_colleagues_no_gets_no_closing_note_and_the_status_names_only_her(desk):
    """Before, Sam, who wrote "No, sorry, I've changed my mind" after her yes, was thanked on day 7 for saying yes."""
    write(desk, f"Please introduce {SAM[0]} <{SAM[1]}> to Maya Chen")
    desk.answer(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)[0], SAM, "Yes please!")
    desk.answer(desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)[0], MAYA, "No, sorry, I'm full.")
    desk.now = START + timedelta(days=1)
    desk.answer(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)[0], SAM, "No, sorry, I've changed my mind.")
    write(desk, "Has Sam answered?")
    assert ended_lines(status_text(desk)) == ["Sam Rivera and Maya Chen: Maya Chen preferred not to be introduced "
                                              "(2 March)"]
    sweeps_until_day(desk, 9)
    assert [m.kind for m in desk.mail_to(SAM[1])] == [Kind.ASK_CLIENT.value]


@pytest.mark.parametrize("change_of_mind", ["Sorry, I've changed my mind.", "Ich habe es mir anders überlegt.",
                                            "J'ai changé d'avis, désolée.", "He cambiado de opinión."])
def test_a_yes_taken_back_by_a_change_of_mind_alone_is_not_introduced(desk, change_of_mind):
    """Before, "Sorry, I've changed my mind" (README's own example of taking a yes back) was read as unclear, which
    after a yes changes nothing: Sam was introduced to Maya as soon as Maya said yes."""
    ask = forwarded(desk)
    desk.answer(ask, SAM, "Yes please")
    desk.answer(ask, SAM, change_of_mind)
    [intro] = desk.store.intros()
    assert intro.state is IntroState.DECLINED and intro.client.consent is Consent.NO
    desk.answer(desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)[0], MAYA, "Yes!")
    assert desk.mail_to(SAM[1], Kind.INTRODUCTION.value) == [] and kinds_to(desk, SAM) == [Kind.ASK_CLIENT.value]
    assert kinds_to(desk, ADA) == [Kind.REFERRER_DECLINED.value]


@pytest.mark.parametrize("afterthought", ["Thanks! I'll cancel my appointment with the other clinic then.",
                                          "Great - shall I bring my scans?"])
def test_an_afterthought_after_a_yes_that_is_no_change_of_mind_still_changes_nothing(desk, afterthought):
    ask = forwarded(desk)
    desk.answer(ask, SAM, "Yes please")
    desk.answer(ask, SAM, afterthought)
    desk.answer(desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)[0], MAYA, "Yes!")
    assert len(desk.mail_to(SAM[1], Kind.INTRODUCTION.value)) == 1


@pytest.mark.parametrize("subject, line", [("status", "status"), ("Intro", "status"), ("Quick question", "Any news about "
                                           "Sam? Has she answered?"), ("cancel", "cancel {id}")])
def test_an_unauthenticated_status_question_or_command_gets_no_confirmation_of_a_request_nobody_made(desk, subject, line):
    """Before, "status" written from a mail system whose messages cannot be authenticated got "Did you just ask me to
    introduce a client to a colleague?", and a YES to that asked Ada for her client's address."""
    write(desk, f"Please introduce {SAM[0]} <{SAM[1]}> to Maya Chen")
    [intro] = desk.store.intros()
    unauthenticated = new_message(ADA, ("Intro", BOT), subject, line.format(id=intro.id) + "\n\nAda\n")
    assert desk.receive(unauthenticated) == "introbot/ignored"
    assert desk.mail_to(ADA[1]) == [] and desk.store.intros() == [intro]
    # A reply to any note of introbot's carries its token, and works: here, the one to the confirmation of a request.
    desk.receive(new_message(ADA, ("Intro", BOT), "Intro", f"Please introduce {KIM[0]} <{KIM[1]}> to Maya Chen\n"))
    [confirmation] = desk.mail_to(ADA[1], Kind.CONFIRM_REQUEST.value)
    desk.answer(confirmation, ADA, "status")
    assert [m.kind for m in desk.mail_to(ADA[1])] == [Kind.CONFIRM_REQUEST.value, Kind.STATUS.value]


def test_the_closing_note_of_one_colleague_of_several_names_her_and_not_the_one_introduced(desk):
    """Before, Sam, introduced to Lio, read a week later "The introduction Dr. Ada Lee suggested isn't going ahead this
    time", with nothing to tell it from the one she had just had."""
    write(desk, f"Please introduce {SAM[0]} <{SAM[1]}> to Maya Chen and Lio Park")
    for ask in desk.mail_to(SAM[1], Kind.ASK_CLIENT.value):
        desk.answer(ask, SAM, "Yes please")
    desk.answer(desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)[0], MAYA, "No, sorry, I'm full.")
    sweeps_until_day(desk, 8)
    [introduction] = desk.mail_to(SAM[1], Kind.INTRODUCTION.value)
    assert "Lio" in introduction.message["Subject"]
    [note] = desk.mail_to(SAM[1], Kind.NOT_GOING_AHEAD.value)
    assert "The introduction to Maya Chen that Dr. Ada Lee suggested isn't going ahead" in text_of(note)
    assert "Lio" not in text_of(note) and "Maya" not in note.message["Subject"]


def test_the_closing_note_to_a_colleague_names_the_client_only_as_her_ask_did(desk):
    ask = forwarded(desk)
    desk.answer(ask, SAM, "Yes please")
    desk.answer(ask, SAM, "No, sorry, I've changed my mind.")
    desk.answer(desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)[0], MAYA, "Yes!")
    sweeps_until_day(desk, 8)
    [note] = desk.mail_to(MAYA[1], Kind.NOT_GOING_AHEAD.value)
    assert "The introduction to Sam that Dr. Ada Lee suggested" in text_of(note)
    assert "Rivera" not in note.raw.decode() and SAM[1] not in note.raw.decode()
