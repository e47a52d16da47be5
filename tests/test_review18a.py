"""Review 18a, through a real Service over a real SQLite store: what people receive when a request names the client
by address alone."""

from __future__ import annotations

import pytest

from introbot.model import Kind
from tests.conversation import ADA, MAYA, SAM
from tests.service_world import Desk
from tests.test_clarify_again import text_of
from tests.test_clarify_answers import write


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
