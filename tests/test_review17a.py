"""Review of stop 17: "Please ignore my last email" waiting for the writer's earlier message, and commands
("status", "cancel <id>") counting only when written to introbot. Each test failed when written and states what a
practitioner, or the operator, must get; each drives a real Service over a real SQLite store (the Desk)."""

from __future__ import annotations

import pytest

from introbot import faults
from introbot.daemon import HEADER_FIRST
from introbot.edges.imap import WHOLE
from introbot.service import message_key
from tests.conversation import ADA
from tests.service_world import Desk
from tests.test_followups_review2 import forward
from tests.test_review16a import big_forward_for_kim, fetched, to_intro

IGNORE = "Please ignore my last email."


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        yield desk
    faults.arm("")


# Waiting is no failed try, but it must not wipe out the tries of runs that died on the message


def test_a_message_that_waits_keeps_the_tries_of_the_runs_that_died_on_it(desk):
    """Two runs died handling "Please ignore my last email" (a crash after the batch's forward was read whole: its
    savepoint never committed). The next run takes the batch one message at a time: the forward comes header
    first, so the ignore waits for it. Today waiting forgets every try of the ignore: the run that takes the pair
    together dies on it again, and again, and it is never quarantined (the tries count only to 1)."""
    forward(desk, "Maya, could you see Sam? Ada")
    kim, ignore = big_forward_for_kim(), to_intro("Intro", IGNORE)
    desk.store.note_attempts([message_key(ignore)])
    desk.store.note_attempts([message_key(ignore)])
    assert desk.service.handle_batch([fetched(kim, 1, HEADER_FIRST), fetched(ignore, 2)]) == [WHOLE, WHOLE]
    assert desk.store.attempts([message_key(ignore)]) == {message_key(ignore): 2}
