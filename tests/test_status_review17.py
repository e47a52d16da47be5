"""Review of the status mail: what it tells a practitioner whose notes are off, how it names a request that never
got its second party, and which messages are status questions at all (written to introbot alone), each driven
through a real Service over a real SQLite store (the Desk)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from introbot.model import IntroState, Kind, Role
from tests.conversation import ADA, BOT, KIM, MAYA, SAM, new_message, reply
from tests.service_world import START, Desk
from tests.test_followups import forward, kinds, signed, write
from tests.test_status_after_end import bounce_of_the_ask_to, ended_lines, introduced, status_text


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


# With bot.referrer_notes = "off"


def test_with_notes_off_asking_is_asking_to_know_the_introduction_and_a_decline_is_as_its_note_said(tmp_path):
    """Notes off spares the practitioner the note that an introduction went out, nothing else: the decline note
    still goes (ETIQUETTE: the referrer is told of a no, privately), and asked, the status says what ended and
    how, in the words the note says or would have said."""
    with Desk(tmp_path, referrer_notes="off") as desk:
        introduced(desk)
        desk.now += timedelta(hours=1)
        write(desk, "Please introduce Kim Novak <kim@client.example> to Maya Chen.")
        desk.answer(desk.mail_to(KIM[1], Kind.ASK_CLIENT.value)[0], KIM, "No thank you.")
        assert kinds(desk, ADA) == ["referrer_declined"]
        write(desk, "Has Sam answered?")
        assert ended_lines(status_text(desk)) == ["Sam Rivera and Maya Chen: introduced (2 March)",
                                                  "Kim Novak and Maya Chen: Kim Novak preferred not to be introduced "
                                                  "(2 March)"]


def test_with_notes_off_a_no_the_referrer_was_never_told_of_stays_untold(tmp_path):
    with Desk(tmp_path, referrer_notes="off") as desk:
        forward(desk)
        desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Yes please")
        bounce_of_the_ask_to(desk, Role.COLLEAGUE)
        desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Actually no, sorry, I've changed my mind.")
        assert kinds(desk, ADA) == ["referrer_failed"]
        write(desk, "Has Sam answered?")
        assert ended_lines(status_text(desk)) == ["Sam Rivera and Maya Chen: my email could not be delivered "
                                                  "(2 March)"]


# A request that never got its second party


def asked_which_colleague(desk: Desk):
    forward(desk, "Maya or Lio - could one of them see Sam? Thanks, Ada")
    [question] = desk.mail_to(ADA[1], Kind.CLARIFY.value)
    return question


def test_a_request_stopped_while_asking_which_colleague_is_listed_without_a_question_mark(desk):
    """Today: "Sam Rivera and ?: stopped (2 March)"."""
    desk.answer(asked_which_colleague(desk), ADA, "Neither - she found someone herself.")
    assert desk.store.intros()[0].state is IntroState.CANCELLED
    write(desk, "Has Sam answered?")
    assert ended_lines(status_text(desk)) == ["Sam Rivera (no colleague chosen): stopped (2 March)"]


def test_a_request_closed_while_asking_for_the_client_names_the_colleague_alone(desk):
    """Today: "? and Maya Chen: closed, as my question went unanswered (9 March)"."""
    write(desk, "Could you introduce a client of mine to Maya Chen?")
    desk.now = START + timedelta(days=7)
    desk.service.sweep()
    assert desk.store.intros()[0].state is IntroState.EXPIRED
    desk.now += timedelta(hours=1)
    write(desk, "status")
    assert ended_lines(status_text(desk)) == ["Maya Chen (no client named): closed, as my question went unanswered "
                                              "(9 March)"]


def test_an_open_request_naming_nobody_yet_says_so(desk):
    """Today: "<id>: ? and ?: waiting for your answer to my question (0 d)"."""
    write(desk, "Maya or Lio - could one of them see my client?")
    [intro] = desk.store.intros()
    assert intro.client is None and intro.colleague is None
    write(desk, "status")
    assert (f"  {intro.id}: (no client or colleague named): waiting for your answer to my question (0 d)"
            in status_text(desk).splitlines())


def test_another_request_stopped_with_it_while_asking_which_colleague_is_named_without_a_question_mark(desk):
    """The cancel note's "Stopped too" lines name requests as the status mail does."""
    write(desk, "Please introduce Sam Rivera <sam@client.example> to Lio Park.")
    desk.now += timedelta(hours=1)
    asked_which_colleague(desk)
    write(desk, "Please hold off on Sam for now.")
    [note] = desk.mail_to(ADA[1], Kind.CANCELLED.value)
    text = note.message.get_body(("plain",)).get_content()
    assert "?" not in text and "Sam Rivera (no colleague chosen)" in text


# A status question is written to introbot alone, in its subject as in its text


CC_REQUEST = "Hi Sam, I'm copying my assistant, who will introduce you to Maya Chen.\n\nAda\n"


@pytest.mark.parametrize("subject", ["Status", "Re: Status", "RE: status", "Cancel Thursday", "Re: cancel tomorrow"])
def test_a_message_to_the_client_with_intro_copied_whose_subject_reads_as_a_command_is_the_request_it_makes(
        desk, subject):
    """Ada answers Sam's "Status" (or "Cancel Thursday") email, copying intro@ to introduce her to Maya: today the
    subject alone makes it a command, so Ada gets a status mail (or "no open request thursday of yours") and Sam
    is never asked."""
    desk.receive(signed(new_message(ADA, SAM, subject, CC_REQUEST, cc=[("Intro", BOT)])))
    assert kinds(desk, ADA) == []
    assert [(i.client.email, i.colleague.email) for i in desk.store.intros()] == [(SAM[1], MAYA[1])]
    assert len(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)) == 1


def test_status_as_the_first_line_of_a_message_to_the_client_with_intro_copied_is_no_status_question(desk):
    desk.receive(signed(new_message(ADA, SAM, "Re: Back pain", "Status\n\n" + CC_REQUEST, cc=[("Intro", BOT)])))
    assert "status" not in kinds(desk, ADA)


def test_a_cc_reply_in_the_thread_of_a_request_whose_subject_reads_status_gets_no_status(desk):
    """Sam's own reply to Ada is titled "Status"; Ada answers all, intro@ still copied, about something else."""
    request = forward(desk)
    question = new_message(SAM, [ADA, ("Intro", BOT)], "Status", "Any news, Dr. Lee?\n")
    question["In-Reply-To"] = request["Message-ID"]
    desk.receive(signed(reply(question, ADA, "Hi Sam, not yet - I'll let you know.", reply_all=True)))
    assert "status" not in kinds(desk, ADA)


@pytest.mark.parametrize("subject", ["Status", "Re: Status"])
def test_the_status_command_in_the_subject_written_to_introbot_alone_still_gets_the_status(desk, subject):
    desk.receive(signed(new_message(ADA, ("Intro", BOT), subject, "\n")))
    assert kinds(desk, ADA) == ["status"]
