"""Review of the status mail after a request ended, answers to "which colleague?", and status questions: what
went wrong, each driven through a real Service over a real SQLite store (the Desk)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from introbot.model import IntroState, Kind
from tests.conversation import ADA, MAYA, SAM
from tests.service_world import Desk
from tests.test_followups import forward, kinds, write


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
