"""What introbot does with the second answer someone gives: a referrer answering one question of two, a party
taking back their yes before the introduction went out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from introbot.model import Consent, IntroState, Kind, Role
from tests.conversation import ADA, BOT, LIO, MAYA, SAM, new_message, reply
from tests.service_world import Desk, Mail, as_received, our_results


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def authenticated(message) -> bytes:
    return as_received(message, our_results(ADA[1].split("@")[1]))


def questions(desk: Desk) -> list[Mail]:
    return desk.mail_to(ADA[1], Kind.CLARIFY.value)


def body(mail: Mail) -> str:
    return mail.message.get_body(("plain",)).get_content()


def answer_question(desk: Desk, question: Mail, text: str) -> str:
    return desk.receive(authenticated(reply(question.message, ADA, text)))


def test_a_request_naming_neither_party_asks_for_the_client_then_for_the_colleague_then_asks_the_client(desk):
    desk.receive(authenticated(new_message(ADA, ("Intro", BOT), "Intro",
                                           "Could you introduce my new client to someone who does massage?\n\nAda\n")))
    [first] = questions(desk)
    assert "email address" in body(first)
    assert answer_question(desk, first, SAM[1]) == "introbot/processed"
    [_, second] = questions(desk)
    assert desk.mail_to(SAM[1]) == [] and desk.mail_to(MAYA[1]) == []  # nobody hears of it before it is complete
    assert "Who should I introduce" in body(second) and "Did you mean" in body(second) and MAYA[1] in body(second)
    assert "I haven't contacted anyone yet" in body(second)
    answer_question(desk, second, "Yes")
    [intro] = desk.store.intros()
    assert intro.state is IntroState.ASKING and intro.party(Role.CLIENT).email == SAM[1]
    assert intro.party(Role.COLLEAGUE).email == MAYA[1]
    assert [m.kind for m in desk.mail_to(SAM[1])] == [Kind.ASK_CLIENT.value] and len(questions(desk)) == 2
