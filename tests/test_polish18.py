"""Polish 18, through a real Service over a real SQLite store: the note asking a party to answer from the address
that was asked says which introduction it is about."""

from __future__ import annotations

import pytest

from introbot.model import Kind
from tests.conversation import KIM, MAYA, SAM
from tests.service_world import Desk
from tests.test_clarify_again import text_of
from tests.test_clarify_answers import write


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


def test_the_note_to_answer_from_the_address_asked_names_the_colleague_the_ask_was_about(desk):
    """Before, Sam, asked about Maya Chen and Lio Park, read "A reply to my question reached me from another email
    address" with nothing to tell which of the two questions it meant."""
    write(desk, f"Please introduce {SAM[0]} <{SAM[1]}> to Maya Chen and Lio Park")
    [about_maya] = [ask for ask in desk.mail_to(SAM[1], Kind.ASK_CLIENT.value) if MAYA[0] in ask.message["Subject"]]
    desk.answer(about_maya, KIM, "Yes please")
    [note] = desk.mail_to(SAM[1], Kind.ANSWER_FROM_HERE.value)
    assert "A reply to my question about the introduction to Maya Chen reached me" in text_of(note)
    assert "Lio" not in text_of(note) and "Maya" not in note.message["Subject"]


def test_the_note_to_a_colleague_names_the_client_only_as_her_ask_did(desk):
    write(desk, f"Please introduce {SAM[0]} <{SAM[1]}> to Maya Chen")
    desk.answer(desk.mail_to(SAM[1], Kind.ASK_CLIENT.value)[0], SAM, "Yes please")
    desk.answer(desk.mail_to(MAYA[1], Kind.ASK_COLLEAGUE.value)[0], KIM, "Yes!")
    [note] = desk.mail_to(MAYA[1], Kind.ANSWER_FROM_HERE.value)
    assert "A reply to my question about the introduction to Sam reached me" in text_of(note)
    assert "Rivera" not in note.raw.decode() and SAM[1] not in note.raw.decode()
