"""Review of the status mail after a request ended, answers to "which colleague?", and status questions: what
went wrong, each driven through a real Service over a real SQLite store (the Desk)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from introbot.model import IntroState, Kind
from tests.conversation import ADA, KIM, MAYA, SAM, gmail_forward, new_message
from tests.service_world import Desk
from tests.test_followups import forward, kinds, signed, write


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def status_text(desk: Desk) -> str:
    return desk.mail_to(ADA[1], Kind.STATUS.value)[-1].message.get_body(("plain",)).get_content()


# The status mail after a purge


def test_a_request_cut_down_to_its_consent_record_is_not_listed_in_the_status(tmp_path):
    """With bot.retention shorter than consent.expire_after (nothing forbids it), a request that ended and was
    purged is still within the status mail's week: today it is listed by the client's address, which the purge
    was to leave only in the consent record ("sam@client.example and maya@bodywork.example: Maya ... preferred
    not to be introduced")."""
    with Desk(tmp_path, retention=timedelta(days=2)) as desk:
        forward(desk)
        desk.answer(desk.mail_to(SAM[1], "ask_client")[0], SAM, "Yes please")
        desk.answer(desk.mail_to(MAYA[1], "ask_colleague")[0], MAYA, "No, sorry.")
        desk.now += timedelta(days=3)
        assert desk.service.purge().intros == 1
        write(desk, "status")
        text = status_text(desk)
        assert "Recently ended" not in text and SAM[1] not in text and MAYA[1] not in text


# A status question above a forward of someone new


@pytest.mark.parametrize("note", [
    "Any news about Sam? Meanwhile, here's Kim - Maya, could you see her too?",
    "Has Maya got back to you about Sam? Here's another one for her.",
])
def test_a_question_after_sam_above_a_forward_of_a_new_client_still_starts_her_request(desk, note):
    """Ada asks after Sam above a forward of Kim's email: today the status mail goes and nothing else happens
    (Service._asks_how_it_stands reads the whole message as a status question), so Kim's request is silently
    lost."""
    forward(desk)
    message = gmail_forward(ADA, new_message(KIM, ADA, "Neck", "Hi Ada, my neck hurts, who can help?\n\nKim\n"),
                            note)
    desk.receive(signed(message))
    assert [i.client.email for i in desk.store.intros() if i.client] == [SAM[1], KIM[1]]
    assert len(desk.mail_to(KIM[1], Kind.ASK_CLIENT.value)) == 1


def test_a_question_above_a_forward_of_the_clients_own_new_email_still_gets_the_status(desk):
    """The forward is Sam's again ("she asks how it's going"): that is still a question after her request."""
    forward(desk)
    message = gmail_forward(ADA, new_message(SAM, ADA, "Re: Back pain", "Any news? Sam\n"), "Has Maya answered?")
    desk.receive(signed(message))
    assert kinds(desk, ADA) == ["status"] and len(desk.store.intros()) == 1
