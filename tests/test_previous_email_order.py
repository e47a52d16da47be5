""""Please ignore my last email" means the message its writer sent before it, even when that one is still unhandled:
a long forward handed over whole after it, or a message that failed and awaits another try. Only the writer's own
earlier, recent failures hold it back; what holds it back is kept as a digest and forgotten like the rest."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest

from introbot import faults
from introbot.budget import TimeBudget
from introbot.daemon import HEADER_FIRST
from introbot.edges.imap import PROCESSED, WHOLE, MailboxWatcher
from introbot.edges.store import Store
from introbot.model import IntroState
from introbot.privacy import purge
from introbot.service import FAILED_MESSAGE_WAIT, message_key
from tests.conversation import ADA, BEN, KIM, MAYA
from tests.edges.test_imap_watcher import INTRO, dovecot, subjects
from tests.service_world import START, Desk
from tests.test_followups_review2 import forward, pairs
from tests.test_review16a import SAM_ASKING, big_forward_for_kim, fetched, to_intro
from tests.test_setting_aside import schema_3

KIM_STOPPED = (KIM[1], MAYA[1], IntroState.CANCELLED)
IGNORE = "Please ignore my last email."


@pytest.fixture
def desk(tmp_path):
    with Desk(tmp_path) as desk:
        desk.service.budget = TimeBudget(0.3)
        yield desk
    faults.arm("")


def failing(desk: Desk, raw: bytes, uid: int) -> None:
    """The message fails once in a batch of its own (it overruns its time budget)."""
    faults.arm("", stall_on=message_key(raw))
    assert desk.service.handle_batch([fetched(raw, uid)]) == [None]
    faults.arm("")


def test_a_forward_failed_in_an_earlier_run_holds_back_the_ignore_that_came_after_it(desk):
    forward(desk, "Maya, could you see Sam? Ada")
    kim, ignore = big_forward_for_kim(), to_intro("Intro", IGNORE)
    failing(desk, kim, 1)
    assert desk.service.handle_batch([fetched(ignore, 2)]) == [WHOLE]
    assert desk.store.attempts([message_key(ignore)]) == {message_key(ignore): 0}  # waiting is no failed try
    faults.arm("", stall_on=message_key(kim))  # it fails again, now in a batch taken one message at a time
    assert desk.service.handle_batch([fetched(kim, 1), fetched(ignore, 2)]) == [None, WHOLE]
    assert desk.store.attempts([message_key(ignore)]) == {message_key(ignore): 0}
    faults.arm("")
    assert desk.service.handle_batch([fetched(kim, 1), fetched(ignore, 2)]) == [PROCESSED, PROCESSED]
    assert pairs(desk) == {SAM_ASKING, KIM_STOPPED}


def test_handed_over_alone_the_waiting_message_commits_nothing(desk):
    forward(desk, "Maya, could you see Sam? Ada")
    failing(desk, big_forward_for_kim(), 1)
    assert desk.receive(to_intro("Intro", IGNORE)) == WHOLE
    assert pairs(desk) == {SAM_ASKING}
    assert desk.store.prior_folder(None, message_key(to_intro("Intro", IGNORE))) is None


def test_a_failed_message_that_came_after_the_ignore_does_not_hold_it(desk):
    """The failed forward has the higher UID: it is not the message "my last email" means."""
    forward(desk, "Maya, could you see Sam? Ada")
    failing(desk, big_forward_for_kim(), 5)
    assert desk.service.handle_batch([fetched(to_intro("Intro", IGNORE), 3)]) == [PROCESSED]
    assert pairs(desk) == {(SAM_ASKING[0], SAM_ASKING[1], IntroState.CANCELLED)}


def test_a_failed_message_from_another_practitioner_does_not_hold_it(desk):
    forward(desk, "Maya, could you see Sam? Ada")
    failing(desk, to_intro("Intro", "Please introduce Kim <kim@mail.example> to Maya Chen.", writer=BEN), 1)
    assert desk.service.handle_batch([fetched(to_intro("Intro", IGNORE), 2)]) == [PROCESSED]
    assert pairs(desk) == {(SAM_ASKING[0], SAM_ASKING[1], IntroState.CANCELLED)}


@pytest.mark.timeout(60)  # a hang guard, not a speed claim: the stdlib's parse of this Cc took minutes
def test_a_failed_message_whose_header_the_stdlib_reads_slowly_still_holds_back_the_ignore(desk):
    """Who wrote a failed message is read from its header outside any time budget: it was the full header parse,
    minutes of the daemon's one thread for a Cc of 200 KB of backslashes, which anyone can put under Ada's From."""
    forward(desk, "Maya, could you see Sam? Ada")
    kim = big_forward_for_kim()
    hostile = kim.replace(b"\r\nSubject:", b"\r\nCc: " + b"\\" * 200_000 + b"\r\nSubject:", 1)
    failing(desk, hostile, 1)
    assert desk.service.handle_batch([fetched(to_intro("Intro", IGNORE), 2)]) == [WHOLE]
    assert pairs(desk) == {SAM_ASKING}


def test_a_failure_older_than_the_wait_no_longer_holds_it(desk):
    """A failed message deleted from the folder is never handled: it holds its writer back for a day at most."""
    forward(desk, "Maya, could you see Sam? Ada")
    failing(desk, big_forward_for_kim(), 1)
    desk.now += FAILED_MESSAGE_WAIT + timedelta(minutes=1)
    assert desk.service.handle_batch([fetched(to_intro("Intro", IGNORE), 2)]) == [PROCESSED]
    assert pairs(desk) == {(SAM_ASKING[0], SAM_ASKING[1], IntroState.CANCELLED)}


def test_who_wrote_a_failed_message_is_kept_as_a_digest_and_forgotten_with_the_writer(desk):
    failing(desk, big_forward_for_kim(), 1)
    with sqlite3.connect(desk.config.bot.database) as db:
        [(writer, arrival)] = db.execute("SELECT writer, arrival FROM attempts").fetchall()
    assert writer and ADA[1] not in writer and arrival == "1:1"
    assert desk.store.failed_from(ADA[1].upper(), START) == ["1:1"]
    desk.store.forget(set(), set(), writers=frozenset({ADA[1]}))
    assert desk.store.failed_from(ADA[1], START) == []


def test_retention_forgets_who_wrote_a_failed_message(desk):
    failing(desk, big_forward_for_kim(), 1)
    desk.now += desk.config.bot.retention + timedelta(days=1)
    purge(desk.store, desk.now, desk.config.bot.retention)
    assert desk.store.failed_from(ADA[1], START) == []


def test_a_version_3_database_keeps_the_tries_of_its_messages(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(schema_3())
    old.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '3')")
    old.execute("INSERT INTO attempts (message_key, count) VALUES ('<m1@x.example>', 2)")
    old.commit()
    old.close()
    store = Store(path)
    try:
        assert store.attempts(["<m1@x.example>"]) == {"<m1@x.example>": 2}
        with store.transaction() as tx:
            tx.note_failure("<m1@x.example>", ADA[1], "7:9", START)
        assert store.failed_from(ADA[1], START) == ["7:9"]
    finally:
        store.close()


def test_through_dovecot_the_ignore_behind_a_long_forward_waits_for_it(desk, mail):
    """Both wait in INBOX when the daemon starts: it reads the forward (over 8 KB) header first, fetches it whole,
    and hands "Please ignore my last email" over again after it, in the order they came."""
    forward(desk, "Maya, could you see Sam? Ada")
    mail.append(INTRO, big_forward_for_kim())
    mail.append(INTRO, to_intro("Intro", IGNORE))
    watcher = MailboxWatcher(dovecot(mail), desk.service.handle_batch, stop=threading.Event(), header_first=HEADER_FIRST)
    assert watcher.run_once() == 2
    assert pairs(desk) == {SAM_ASKING, KIM_STOPPED}
    assert mail.messages(INTRO) == [] and len(subjects(mail, "introbot/processed")) == 2
