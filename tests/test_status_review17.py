"""Review of the status mail: how it names a request that never got its second party, each driven through a real
Service over a real SQLite store (the Desk)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from introbot.model import IntroState, Kind
from tests.conversation import ADA
from tests.service_world import START, Desk
from tests.test_followups import forward, write
from tests.test_status_after_end import ended_lines, status_text


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


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
