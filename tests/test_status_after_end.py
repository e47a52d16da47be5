""""Has Sam answered?" once the request ended (introduced, declined, expired, failed, cancelled): the practitioner
gets the status mail, which lists what ended lately in the words of their own notes, never an address question."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from introbot.model import IntroState, Kind, Role
from tests.conversation import ADA, BEN, BOT, LIO, MAYA, SAM, new_message, reply
from tests.service_world import START, Desk
from tests.test_followups import forward, kinds, signed, write

WEEK = timedelta(days=7)  # consent.expire_after, by default: how long an ended request is still listed


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def introduced(desk: Desk) -> None:
    forward(desk)
    desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Yes please")
    desk.answer(desk.mail_to(MAYA[1], "ask_colleague")[0], MAYA, "Yes")
    assert [i.state for i in desk.store.intros() if i.client.email == SAM[1]] == [IntroState.INTRODUCED]


def status_text(desk: Desk, person=ADA) -> str:
    return desk.mail_to(person[1], Kind.STATUS.value)[-1].message.get_body(("plain",)).get_content()


def ended_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("Recently ended:")[1].split("\n-- ")[0].splitlines() if line.strip()]


@pytest.mark.parametrize("question", ["Has Sam answered?", "Any news about Sam? Has she answered yet?",
                                      "Any news about Sam Rivera?"])
def test_has_sam_answered_after_the_introduction_gets_the_status_showing_it_and_no_address_question(desk, question):
    introduced(desk)
    desk.now += timedelta(days=2)
    write(desk, question)
    assert kinds(desk, ADA) == ["referrer_sent", "status"] and len(desk.store.intros()) == 1
    text = status_text(desk)
    assert "You have no open requests right now." in text
    assert ended_lines(text) == ["Sam Rivera and Maya Chen: introduced (2 March)"]


def test_a_decline_is_listed_as_the_note_told_it_and_the_question_gets_the_status(desk):
    forward(desk)
    desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Yes please")
    desk.answer(desk.mail_to(MAYA[1], "ask_colleague")[0], MAYA, "No, sorry, I'm full.")
    [note] = desk.mail_to(ADA[1], "referrer_declined")
    assert "Maya Chen preferred not to be introduced" in note.message.get_content()
    write(desk, "Any news about Sam?")
    assert kinds(desk, ADA) == ["referrer_declined", "status"]
    assert ended_lines(status_text(desk)) == ["Sam Rivera and Maya Chen: Maya Chen preferred not to be introduced "
                                              "(2 March)"]


def test_an_expired_request_names_only_who_never_answered_not_who_said_yes(desk):
    forward(desk)
    desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Yes please")
    for days in (3, 7):
        desk.now = START + timedelta(days=days)
        desk.service.sweep()
    assert desk.store.intros()[0].state is IntroState.EXPIRED
    write(desk, "Has Sam answered?")
    assert ended_lines(status_text(desk)) == ["Sam Rivera and Maya Chen: Maya Chen didn't answer after a reminder "
                                              "(9 March)"]


def bounce_of_the_ask_to(desk: Desk, role: Role) -> None:
    party = desk.store.intros()[0].party(role)
    desk.receive((f"From: MAILER-DAEMON@mx.client.example\r\nTo: intro+{party.token}@{BOT.split('@')[1]}\r\n"
                  f"Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n"
                  f"Message-ID: <bounce-{role.value}@mx.client.example>\r\nContent-Type: text/plain\r\n\r\n"
                  f"<{party.email}>: host said: 550 5.1.1 User unknown\r\n").encode())


def test_a_bounce_is_listed_with_whom_it_failed_for_as_the_note_said(desk):
    forward(desk)
    bounce_of_the_ask_to(desk, Role.CLIENT)
    assert kinds(desk, ADA) == ["referrer_failed"]
    write(desk, "Has Sam answered?")
    assert ended_lines(status_text(desk)) == ["Sam Rivera and Maya Chen: my email to Sam Rivera could not be "
                                              "delivered (2 March)"]


def test_a_no_given_after_a_bounce_that_nobody_told_the_referrer_of_is_not_revealed(desk):
    forward(desk)
    desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Yes please")
    bounce_of_the_ask_to(desk, Role.COLLEAGUE)
    desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Actually no, sorry, I've changed my mind.")
    [intro] = desk.store.intros()
    assert intro.state is IntroState.FAILED and intro.client.consent.value == "no"
    assert kinds(desk, ADA) == ["referrer_failed"]  # the referrer heard of the bounce, never of Sam's no
    write(desk, "Has Sam answered?")
    assert ended_lines(status_text(desk)) == ["Sam Rivera and Maya Chen: my email could not be delivered (2 March)"]


def test_a_cancelled_request_is_listed_as_stopped(desk):
    forward(desk)
    write(desk, "Please hold off on Sam for now.")
    desk.now += timedelta(days=1)
    write(desk, "Any news about Sam?")
    assert kinds(desk, ADA) == ["cancelled", "status"]
    assert ended_lines(status_text(desk)) == ["Sam Rivera and Maya Chen: stopped (2 March)"]


def test_the_status_command_lists_the_open_requests_then_those_that_ended_lately_in_the_order_they_ended(desk):
    write(desk, "Please introduce Jo Bell <jo@client.example> to Lio Park.")
    desk.now += timedelta(hours=1)
    introduced(desk)
    write(desk, "Please introduce Kim Novak <kim@client.example> to Maya Chen.")
    desk.now += timedelta(days=1)
    write(desk, "Please hold off on Jo.")
    desk.receive(signed(new_message(ADA, ("Intro", BOT), "status", "\n")))
    text = status_text(desk)
    assert text.index("Your open requests:") < text.index("Kim Novak and Maya Chen: waiting for Kim Novak")
    assert text.index("Kim Novak and Maya Chen") < text.index("Recently ended:")
    assert ended_lines(text) == ["Sam Rivera and Maya Chen: introduced (2 March)",
                                 "Jo Bell and Lio Park: stopped (3 March)"]
    assert desk.mail_to(ADA[1], Kind.STATUS.value)[-1].message["Subject"] == "Your introductions"


def test_a_week_after_the_end_the_status_no_longer_lists_it_and_the_question_still_gets_the_status(desk):
    introduced(desk)
    desk.now = START + WEEK + timedelta(minutes=1)
    desk.receive(signed(new_message(ADA, ("Intro", BOT), "status", "\n")))
    text = status_text(desk)
    assert "You have no open requests right now." in text and "Recently ended" not in text
    write(desk, "Has Sam answered?")  # no request for a Sam is in hand: the status says so, no question who Sam is
    assert kinds(desk, ADA) == ["referrer_sent", "status", "status"] and len(desk.store.intros()) == 1


def test_a_question_after_a_forward_naming_no_request_in_hand_is_the_forwards_request(desk):
    forward(desk, "Has she heard back from her insurer? She'd like a massage.")
    assert "status" not in kinds(desk, ADA) and len(desk.store.intros()) == 1


def test_a_question_that_names_another_colleague_beside_is_a_request(desk):
    introduced(desk)
    write(desk, "Has Sam answered? Could Lio Park see her too?")
    assert "status" not in kinds(desk, ADA)
    assert {(i.colleague.email, i.state) for i in desk.store.intros()} == {(MAYA[1], IntroState.INTRODUCED),
                                                                          (LIO[1], IntroState.ASKING)}


def test_another_practitioner_asking_after_the_same_client_learns_nothing_of_it(desk):
    introduced(desk)
    desk.receive(signed(new_message(BEN, ("Intro", BOT), "Intro", "Has Sam answered?\n"), BEN))
    [status] = desk.mail_to(BEN[1], Kind.STATUS.value)  # his own: nothing
    text = status.message.get_body(("plain",)).get_content()
    assert "no open requests" in text and "Sam" not in text and "Maya" not in text


def test_the_requests_in_hand_are_the_open_ones_and_those_that_ended_since_whenever_last_changed(desk):
    introduced(desk)
    write(desk, "Please introduce Kim Novak <kim@client.example> to Maya Chen.")
    sam, kim = sorted(desk.store.intros(), key=lambda i: i.state is IntroState.ASKING)
    with desk.store.transaction() as tx:  # Sam's introduction ended a week ago; a reply in its thread came now
        tx.save_intro(replace(sam, ended_at=START - WEEK, updated_at=START), None)
    assert [i.id for i in desk.store.in_hand(ADA[1], START - timedelta(days=1))] == [kim.id]
    assert {i.id for i in desk.store.in_hand(ADA[1], START - WEEK)} == {sam.id, kim.id}
    assert [i.id for i in desk.store.in_hand(ADA[1], START - WEEK, client=SAM[1])] == [sam.id]


def test_could_lio_see_her_too_after_maya_said_no_finds_sams_address_in_the_ended_request(desk):
    forward(desk)
    desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Yes please")
    desk.answer(desk.mail_to(MAYA[1], "ask_colleague")[0], MAYA, "No, sorry, I'm full.")
    write(desk, "Sam got back to me - could Lio see her too?")
    assert kinds(desk, ADA) == ["referrer_declined"]  # no question for Sam's address
    assert {(i.client.email, i.colleague.email, i.state) for i in desk.store.intros()} == {
        (SAM[1], MAYA[1], IntroState.DECLINED), (SAM[1], LIO[1], IntroState.ASKING)}


def test_has_sam_answered_in_answer_to_the_introduced_note_gets_the_status(desk):
    introduced(desk)
    [note] = desk.mail_to(ADA[1], "referrer_sent")
    desk.answer(note, ADA, "Thanks! Has Sam answered Maya yet?")
    assert kinds(desk, ADA) == ["referrer_sent", "status"]
    assert ended_lines(status_text(desk)) == ["Sam Rivera and Maya Chen: introduced (2 March)"]


def test_has_maya_answered_in_the_thread_of_her_own_request_gets_the_status(desk):
    request = forward(desk)
    desk.receive(signed(reply(request, ADA, "Has Maya answered yet?", to_from=False)))
    assert kinds(desk, ADA) == ["status"] and len(desk.store.intros()) == 1


def test_a_question_put_to_the_client_with_intro_copied_is_theirs(desk):
    """Ada asks Sam, with intro@ still copied, whether Maya got back to her: no status mail for Ada."""
    introduced(desk)
    desk.receive(signed(new_message(ADA, SAM, "Massage", "Hi Sam, has Maya got back to you yet?\n",
                                    cc=[("Intro", BOT)])))
    assert "status" not in kinds(desk, ADA)
