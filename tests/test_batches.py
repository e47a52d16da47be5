"""A batch of inbound messages is one transaction with a savepoint per message: a message that fails is
undone alone, the others are committed together before the handler returns (so before any move), and
a batch that was in hand when something went wrong is then taken one message at a time, each try
counted on its own, so that only the culprit is ever blamed and parked (RELIABILITY 1, 7)."""

from __future__ import annotations

import logging
import random
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from introbot import faults
from introbot.core.render import Renderer
from introbot.edges.imap import IGNORED, PROCESSED, QUARANTINE, WHOLE, Fetched
from introbot.edges.store import Store
from introbot.paths import shipped_templates
from introbot.service import Service, message_key
from tests.conversation import ADA, BOT, KIM, SAM, new_message
from tests.service_world import START, as_received, make_config, our_results


def request_for(client: tuple[str, str]) -> bytes:
    message = new_message(ADA, ("Intro", BOT), "Intro please",
                          f"Please introduce {client[0]} <{client[1]}> to Maya Chen.\n")
    return as_received(message, our_results("clinic.example"))


STRANGER = new_message(("Lou Meyer", "lou@client.example"), ("Intro", BOT), "Hello",
                       "Do you sell vouchers?\n").as_bytes()


@pytest.fixture
def service(tmp_path) -> Iterator[Service]:
    with new_service(tmp_path, Renderer(shipped_templates())) as service:
        yield service


@contextmanager
def new_service(folder: Path, renderer: Renderer) -> Iterator[Service]:
    """A service whose time budget per message is short, so that a stalled message fails quickly."""
    config = make_config(folder)
    config = replace(config, limits=replace(config.limits, message_time_budget=timedelta(seconds=0.3)))
    store = Store(config.bot.database)
    try:
        yield Service(config, store, renderer, random.Random(7), lambda: START)
    finally:
        faults.arm("")
        store.close()


def fetched(*raws: bytes, first_uid: int = 1) -> list[Fetched]:
    return [Fetched(1, uid, raw, len(raw)) for uid, raw in enumerate(raws, start=first_uid)]


def rows(service: Service, query: str) -> list[tuple]:
    with sqlite3.connect(service.config.bot.database) as db:
        return db.execute(query).fetchall()


def test_a_message_that_fails_is_undone_alone_and_its_batch_is_then_taken_one_at_a_time(service, caplog):
    caplog.set_level(logging.INFO)
    hanging = request_for(KIM)
    batch = fetched(request_for(SAM), hanging, STRANGER)
    faults.arm("", stall_on=message_key(hanging))

    assert service.handle_batch(batch) == [PROCESSED, None, IGNORED]
    assert rows(service, "SELECT count(*) FROM inbound") == [(2,)]
    assert [intro.client.email for intro in service.store.intros()] == [SAM[1]]  # nothing of Kim's request
    assert rows(service, "SELECT count FROM attempts") == [(1,)]
    assert "could not handle a message (try 1 of 3): OverBudget" in caplog.text

    # The watcher offers the batch again: the two handled only move; the other counts its second try alone.
    assert service.handle_batch(batch) == [PROCESSED, None, IGNORED]
    assert "could not handle a message (try 2 of 3): OverBudget" in caplog.text
    assert service.handle_batch(batch) == [PROCESSED, None, IGNORED]
    assert service.handle_batch(batch) == [PROCESSED, QUARANTINE, IGNORED]
    assert "quarantined a message: failed 3 times" in caplog.text
    assert rows(service, "SELECT count(*) FROM attempts") == [(0,)]
    assert rows(service, "SELECT name, value FROM counters ORDER BY name") == [
        ("ignored", 1), ("processed", 1), ("quarantined", 1)]


def test_a_message_that_fails_half_way_through_its_writes_leaves_none_of_them(tmp_path):
    # An operator's template that breaks for one client: the message's claim, intro, tokens and events
    # are written before its consent ask is rendered, and all must go when the rendering fails.
    override = tmp_path / "templates" / "en"
    override.mkdir(parents=True)
    (override / "ask_client.txt").write_text('{% block subject %}{{ "Intro" if client.first_name != "Kim" '
                                             'else no_such_value }}{% endblock %}{% block body %}Hi{% endblock %}')
    with new_service(tmp_path, Renderer(shipped_templates(), tmp_path / "templates")) as service:
        assert service.handle_batch(fetched(request_for(SAM), request_for(KIM), STRANGER)) == [PROCESSED, None, IGNORED]
        assert [intro.client.email for intro in service.store.intros()] == [SAM[1]]
        [(sam_intro,)] = rows(service, "SELECT id FROM intros")
        for table in ("inbound", "tokens", "events", "outbox"):
            others = f"SELECT count(*) FROM {table} WHERE intro_id IS NOT NULL AND intro_id != '{sam_intro}'"
            assert rows(service, others) == [(0,)], table
        assert rows(service, "SELECT count(*) FROM inbound") == [(2,)]
        assert rows(service, "SELECT name, value FROM counters ORDER BY name") == [("ignored", 1), ("processed", 1)]


def test_a_message_that_fails_once_then_passes_is_handled_on_its_own(service):
    flaky = request_for(KIM)
    batch = fetched(flaky, request_for(SAM))
    faults.arm("", stall_on=message_key(flaky))
    assert service.handle_batch(batch) == [None, PROCESSED]

    faults.arm("")
    assert service.handle_batch(batch) == [PROCESSED, PROCESSED]
    assert sorted(intro.client.email for intro in service.store.intros()) == sorted([KIM[1], SAM[1]])
    assert rows(service, "SELECT count(*) FROM attempts") == [(0,)]


def test_two_copies_of_a_message_in_one_batch_are_decided_once(service):
    request = request_for(SAM)
    assert service.handle_batch(fetched(request, STRANGER, request)) == [PROCESSED, IGNORED, PROCESSED]
    assert len(service.store.intros()) == 1
    assert rows(service, "SELECT count(*) FROM outbox") == [(1,)]
    assert rows(service, "SELECT count(*) FROM inbound") == [(2,)]


def test_a_message_handled_before_only_needs_moving_even_under_another_uid(service):
    request = request_for(SAM)
    assert service.handle_batch(fetched(request)) == [PROCESSED]
    # A UIDVALIDITY change, or a copy dropped into the mailbox again: same Message-ID, new place.
    assert service.handle_batch(fetched(request, STRANGER, first_uid=40)) == [PROCESSED, IGNORED]
    assert len(service.store.intros()) == 1 and rows(service, "SELECT count(*) FROM outbox") == [(1,)]


def test_an_oversized_message_is_quarantined_in_the_batch_without_being_read(service):
    huge = Fetched(1, 7, b"From: lou@client.example\r\nSubject: big\r\n", 11 * 2 ** 20)
    assert service.handle_batch([huge, *fetched(request_for(SAM))]) == [QUARANTINE, PROCESSED]
    assert rows(service, "SELECT verdict FROM inbound WHERE kind = 'quarantined'") == [
        ("larger than 10 MB; parked unread",)]


def first_bytes(raw: bytes, uid: int, length: int = 1200) -> Fetched:
    return Fetched(1, uid, raw[:length], len(raw), whole=False)


def padded(raw: bytes) -> bytes:
    """The message with a long body, so that its first bytes are not all of it."""
    return raw + b"x" * 3000 + b"\r\n"


def test_first_bytes_settle_what_the_header_settles_and_the_rest_is_asked_for_whole(service):
    request, stranger = padded(request_for(SAM)), padded(STRANGER)
    no_message_id = padded(b"From: lou@client.example\r\nTo: intro@collective.example\r\nSubject: hi\r\n\r\nhello\r\n")
    cut_header = padded(STRANGER.replace(b"Subject:", b"X-Padding: " + b"p" * 1500 + b"\r\nSubject:"))
    batch = [first_bytes(request, 1), first_bytes(stranger, 2), first_bytes(no_message_id, 3),
             first_bytes(cut_header, 4)]

    assert service.handle_batch(batch) == [WHOLE, IGNORED, WHOLE, WHOLE]
    assert rows(service, "SELECT count(*) FROM attempts") == [(0,)]  # a screened header counts no try
    assert rows(service, "SELECT kind FROM inbound") == [("screened",)]

    assert service.handle_batch(fetched(request)) == [PROCESSED]
    assert service.handle_batch([first_bytes(request, 1), first_bytes(stranger, 2)]) == [PROCESSED, IGNORED]


def test_a_message_whose_full_reading_failed_is_still_screened_by_its_first_bytes(service):
    hanging, stranger = padded(request_for(KIM)), padded(STRANGER)
    faults.arm("", stall_on=message_key(hanging))
    assert service.handle_batch(fetched(hanging)) == [None]

    # In the one-at-a-time pass that follows, first bytes are still only screened, and count no try.
    batch = [first_bytes(stranger, 2), Fetched(1, 1, hanging, len(hanging))]
    assert service.handle_batch(batch) == [IGNORED, None]
    assert rows(service, "SELECT count FROM attempts") == [(2,)]


def test_a_copy_in_hand_whole_is_decided_even_when_another_copy_needs_reading_whole(service):
    request = padded(request_for(SAM))
    assert service.handle_batch([first_bytes(request, 1), Fetched(1, 2, request, len(request))]) == [WHOLE, PROCESSED]
