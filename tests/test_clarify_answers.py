"""The practitioner's answer to introbot's one question "Which colleague did you mean? 1. Maya Chen 2. Lio Park"
(or "What is Sam's address?"): one colleague picked while another is ruled out, a real stop, a choice left open,
and an answer that makes a request already in hand, which starts nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from introbot.model import IntroState, Kind, Role
from tests.conversation import ADA, BOT, LIO, MAYA, SAM, gmail_forward, new_message
from tests.core.test_clarification_answers import MAYA_NOT_LIO
from tests.service_world import Desk, Mail, as_received, our_results

CLIENT_EMAIL = "Hi Dr. Lee,\n\nMy back is still sore. Do you know someone who does massage?\n\nSam\n"


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def forward(desk: Desk, note: str) -> None:
    """Ada forwards Sam's email to intro@ with `note` above it, authenticated."""
    message = gmail_forward(ADA, new_message(SAM, ADA, "Back pain", CLIENT_EMAIL), note)
    desk.receive(as_received(message, our_results(ADA[1].split("@")[1])))


def write(desk: Desk, line: str) -> None:
    """Ada writes intro@ one authenticated line of her own."""
    desk.receive(as_received(new_message(ADA, ("Intro", BOT), "Intro", line + "\n\nAda\n"),
                             our_results(ADA[1].split("@")[1])))


def which_colleague(desk: Desk) -> Mail:
    """Ada forwards Sam's email naming both Maya and Lio: introbot asks her which one she means."""
    forward(desk, "Maya or Lio - could one of them see Sam? Thanks, Ada")
    [question] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    text = question.message.get_body(("plain",)).get_content()
    assert "1. Maya Chen" in text and "2. Lio Park" in text
    return question


def kinds(desk: Desk, person: tuple[str, str]) -> list[str]:
    return [m.kind for m in desk.mail_to(person[1])]


def pairs(desk: Desk) -> list[tuple[str | None, str | None, IntroState]]:
    """Each intro's client, colleague and state, oldest first."""
    return [(i.client.email if i.client else None, i.colleague.email if i.colleague else None, i.state)
            for i in sorted(desk.store.intros(), key=lambda i: i.created_at)]


# One colleague picked, another ruled out


def assert_sam_asked_about_maya_alone(desk: Desk) -> None:
    """Ada's answer picked Maya: Sam is asked about her once, and nobody else hears anything more."""
    assert pairs(desk) == [(SAM[1], MAYA[1], IntroState.ASKING)]
    [ask] = desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)
    assert "Maya" in ask.message["Subject"]
    assert kinds(desk, ADA) == ["clarify"] and kinds(desk, LIO) == []


@pytest.mark.parametrize("answer", MAYA_NOT_LIO)
def test_an_answer_ruling_lio_out_and_naming_maya_asks_sam_about_maya(desk, answer):
    """Today "Don't connect her with Lio; Maya is the one" stops the request (holding.holds_back reads the refusal
    of Lio as a hold on it) and "no, not lio - maya" leaves the question open (a first name in lower case names
    no one)."""
    question = which_colleague(desk)
    desk.answer(question, ADA, answer)
    assert_sam_asked_about_maya_alone(desk)


@pytest.mark.parametrize("answer", ["Never mind, she found someone", "Neither", "hold off for now",
                                    "don't introduce her to anyone yet", "Don't introduce her to Lio yet.",
                                    "Maya - but please hold off for now"])
def test_a_real_stop_still_stops_the_request(desk, answer):
    question = which_colleague(desk)
    desk.answer(question, ADA, answer)
    assert pairs(desk) == [(SAM[1], None, IntroState.CANCELLED)]
    assert kinds(desk, ADA) == ["clarify", "cancelled"] and kinds(desk, SAM) == []


@pytest.mark.parametrize("answer", ["maya or lio", "Maya, I think - lio is here though"])
def test_two_colleagues_named_positively_keep_the_question_open(desk, answer):
    question = which_colleague(desk)
    desk.answer(question, ADA, answer)
    assert pairs(desk) == [(SAM[1], None, IntroState.CLARIFYING)]
    assert kinds(desk, ADA) == ["clarify", "clarify"] and kinds(desk, SAM) == []  # asked again, saying why


def test_both_listed_asks_sam_about_each(desk):
    question = which_colleague(desk)
    desk.answer(question, ADA, "Maya Chen and Lio Park")
    assert sorted(c for _, c, _ in pairs(desk)) == sorted([MAYA[1], LIO[1]])
    assert len(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)) == 2


# An answer completing a request already in hand


def already_requested(desk: Desk) -> list[Mail]:
    return [m for m in desk.mail_to(ADA[1], Kind.REFUSED.value)
            if str(m.message["Subject"]).startswith("Already requested")]


def note_text(mail: Mail) -> str:
    return mail.message.get_body(("plain",)).get_content().partition("\n-- \n")[0].strip()


@pytest.mark.parametrize("answer", ["1", "Maya", "Not Lio - Maya please"])
def test_naming_the_colleague_of_an_open_request_for_the_client_starts_nothing_and_says_so_once(desk, answer):
    """Today the answer starts a second request for Sam and Maya: Sam is asked about Maya twice
    (service._referrer_reply completes the request without service._unrepeated)."""
    forward(desk, "Maya, could you see Sam? Thanks, Ada")
    [first] = desk.store.intros()
    question = which_colleague(desk)
    desk.answer(question, ADA, answer)
    assert pairs(desk) == [(SAM[1], MAYA[1], IntroState.ASKING), (SAM[1], None, IntroState.CANCELLED)]
    assert len(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)) == 1
    [note] = already_requested(desk)
    assert kinds(desk, ADA) == ["clarify", "refused"]  # the one note; the question closes without another
    assert f"Request {first.id} for Sam Rivera and Maya Chen is already open" in note_text(note)
    assert desk.store.intro(first.id) == first  # the request in hand goes on untouched


def test_the_client_s_address_completing_a_request_in_hand_starts_nothing(desk):
    forward(desk, "Maya, could you see Sam? Thanks, Ada")
    write(desk, "Please introduce Sam to Maya Chen.")
    [question] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    assert "email address" in question.message.get_body(("plain",)).get_content()
    desk.answer(question, ADA, SAM[1])
    assert [state for *_, state in pairs(desk)] == [IntroState.ASKING, IntroState.CANCELLED]
    assert len(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)) == 1 and len(already_requested(desk)) == 1


def test_a_colleague_introduced_lately_is_not_asked_again_through_the_answer(desk):
    forward(desk, "Maya, could you see Sam? Thanks, Ada")
    desk.answer(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)[0], SAM, "Yes please")
    desk.answer(desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)[0], MAYA, "Yes!")
    desk.now += timedelta(days=2)
    question = which_colleague(desk)
    desk.answer(question, ADA, "Maya please")
    assert [state for *_, state in pairs(desk)] == [IntroState.INTRODUCED, IntroState.CANCELLED]
    assert len(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)) == 1 and len(already_requested(desk)) == 1


def test_both_with_one_already_asked_about_asks_about_the_other_alone(desk):
    forward(desk, "Maya, could you see Sam? Thanks, Ada")
    question = which_colleague(desk)
    desk.answer(question, ADA, "Both, please")
    states = pairs(desk)
    assert states[0] == (SAM[1], MAYA[1], IntroState.ASKING) and states[1] == (SAM[1], LIO[1], IntroState.ASKING)
    assert len(states) == 2
    lio_intro = next(i for i in desk.store.intros() if i.colleague and i.colleague.email == LIO[1])
    assert "Maya" not in lio_intro.note and lio_intro.further_colleagues == ()
    assert [("Maya" in a.message["Subject"]) for a in desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)] == [True, False]
    assert len(already_requested(desk)) == 1


def test_a_request_that_ended_without_an_introduction_may_be_completed_again(desk):
    forward(desk, "Maya, could you see Sam? Thanks, Ada")
    desk.answer(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)[0], SAM, "No thanks")
    question = which_colleague(desk)
    desk.answer(question, ADA, "Maya")
    assert [state for *_, state in pairs(desk)] == [IntroState.DECLINED, IntroState.ASKING]
    assert already_requested(desk) == [] and desk.store.intros(IntroState.ASKING)[0].party(Role.COLLEAGUE).email == MAYA[1]
