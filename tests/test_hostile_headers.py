"""Headers on which Python's own mail parser takes super-linear time, under a practitioner's From (which anyone can
write): the message is quarantined at once as "could not read", and the batch it came in goes on. Each took seconds,
up to the whole 30 s time budget (a failed try, and three before it was parked), so a hundred of them held the
daemon for most of an hour."""

from __future__ import annotations

import logging

import pytest

from introbot.edges.imap import PROCESSED, QUARANTINE
from tests.conversation import ADA, BOT, SAM, new_message
from tests.service_world import Desk
from tests.test_batches import fetched, request_for
from tests.test_followups import signed

HOSTILE = [
    ("To", b"\\" * 40_000, "To header too long: 39.1 KB > 32 KB"),
    ("Content-Disposition", b'"' * 40_000, "Content-Disposition header too long: 39.1 KB > 4 KB"),
    ("Content-Transfer-Encoding", b'"' * 40_000, "Content-Transfer-Encoding header too long: 39.1 KB > 4 KB"),
    ("Subject", "é =? ".encode() * 17_000, "Subject header too long: 99.7 KB > 4 KB"),
]


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk


@pytest.mark.timeout(60)  # a hang guard, not a speed claim: these four took the stdlib 43 s together
def test_a_header_the_stdlib_reads_slowly_quarantines_its_message_at_once_and_the_batch_goes_on(desk, caplog):
    caplog.set_level(logging.INFO)
    hostile = []
    for name, value, _ in HOSTILE:
        raw = signed(new_message(ADA, ("Intro", BOT), "Intro", "Please introduce me to Maya Chen.\n"), ADA, False)
        hostile.append(raw.replace(b"\r\nMessage-ID:", b"\r\n" + name.encode() + b": " + value + b"\r\nMessage-ID:", 1))
    batch = fetched(*hostile, request_for(SAM))
    assert desk.service.handle_batch(batch) == [QUARANTINE] * len(HOSTILE) + [PROCESSED]
    for _, _, reason in HOSTILE:
        assert f"quarantined: could not read: {reason}" in caplog.text
