"""The watcher hands mail over header first when asked to (the first bytes of long messages; whole, the
ones the handler asks for), and moves handled mail in groups (a MOVE costs the server an fsync however
many messages it moves), never before the handler of a message returned, naming exactly its UIDs."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from introbot.edges.imap import IGNORED, PROCESSED, WHOLE, Fetched, MailboxWatcher, uid_set
from tests.edges.test_imap_watcher import INTRO, dovecot, message, subjects
from tests.mailhost import MailHost


def expand(sequence_set: str) -> list[int]:
    found: list[int] = []
    for part in sequence_set.split(","):
        first, _, last = part.partition(":")
        found += range(int(first), int(last or first) + 1)
    return found


@given(st.sets(st.integers(min_value=1, max_value=5000), min_size=1, max_size=300))
def test_a_uid_set_names_exactly_the_uids_and_no_other(uids):
    written = uid_set(sorted(uids, reverse=True))
    assert expand(written) == sorted(uids)
    assert written.count(",") < len(uids)


def test_handled_mail_moves_in_groups_and_only_after_its_handler_returned(mail: MailHost):
    for number in range(7):
        mail.append(INTRO, message(number))
    left_in_inbox: list[int] = []  # seen by each call of the handler, from another connection

    def handler(batch: list[Fetched]) -> list[str | None]:
        left_in_inbox.append(len(mail.messages(INTRO)))
        return [IGNORED if fetched.uid % 2 else PROCESSED for fetched in batch]

    watcher = MailboxWatcher(dovecot(mail), handler, stop=threading.Event(), batch_size=1, move_every=3)
    assert watcher.run_once() == 7

    # Moves of 3 messages after the 3rd and the 6th batches, and of the last one at the end.
    assert left_in_inbox == [7, 7, 7, 4, 4, 4, 1]
    assert mail.messages(INTRO) == []
    assert len(subjects(mail, "introbot/processed")) + len(subjects(mail, "introbot/ignored")) == 7


def test_header_first_hands_long_messages_over_as_their_first_bytes_then_whole_on_request(mail: MailHost):
    short, long_kept, long_wanted = message(1), message(2, "k" * 3000), message(3, "w" * 3000)
    for raw in (short, long_kept, long_wanted):
        mail.append(INTRO, raw)
    calls: list[list[tuple[bytes, bool]]] = []

    def handler(batch: list[Fetched]) -> list[str | None]:
        calls.append([(fetched.raw, fetched.whole) for fetched in batch])
        return [WHOLE if not fetched.whole and b"request 3" in fetched.raw else PROCESSED for fetched in batch]

    watcher = MailboxWatcher(dovecot(mail), handler, stop=threading.Event(), header_first=1000)
    assert watcher.run_once() == 3

    assert calls == [[(short, True), (long_kept[:1000], False), (long_wanted[:1000], False)], [(long_wanted, True)]]
    assert subjects(mail, "introbot/processed") == ["request 1", "request 2", "request 3"]


def test_a_message_waiting_for_one_fetched_whole_is_handed_over_again_after_it_in_uid_order(mail: MailHost):
    """("Please ignore my last email" right behind a long forward waits for it: the forward comes whole first.)"""
    long_first, short_after = message(1, "f" * 3000), message(2)
    for raw in (long_first, short_after):
        mail.append(INTRO, raw)
    calls: list[list[tuple[bytes, bool]]] = []

    def handler(batch: list[Fetched]) -> list[str | None]:
        calls.append([(fetched.raw, fetched.whole) for fetched in batch])
        return [WHOLE if len(calls) == 1 else PROCESSED for _ in batch]

    watcher = MailboxWatcher(dovecot(mail), handler, stop=threading.Event(), header_first=1000)
    assert watcher.run_once() == 2
    assert calls == [[(long_first[:1000], False), (short_after, True)], [(long_first, True), (short_after, True)]]
    assert subjects(mail, "introbot/processed") == ["request 1", "request 2"]


def test_a_message_that_waits_a_second_time_is_left_for_another_try(mail: MailHost):
    mail.append(INTRO, message(1))
    calls: list[int] = []

    def handler(batch: list[Fetched]) -> list[str | None]:
        calls.append(len(batch))
        return [WHOLE] * len(batch)

    watcher = MailboxWatcher(dovecot(mail), handler, stop=threading.Event(), header_first=1000)
    assert watcher.run_once() == 1
    assert calls == [1, 1]
    assert len(mail.messages(INTRO)) == 1 and subjects(mail, "introbot/processed") == []


def test_header_first_an_oversized_message_is_still_handed_over_as_its_header_only(mail: MailHost):
    big = message(1, body="x" * 5000)
    mail.append(INTRO, big)
    seen: list[Fetched] = []

    def handler(batch: list[Fetched]) -> list[str | None]:
        seen.extend(batch)
        return [IGNORED] * len(batch)

    MailboxWatcher(dovecot(mail), handler, stop=threading.Event(), header_first=1000,
                   max_message_bytes=2000).run_once()

    [fetched] = seen
    assert (fetched.raw, fetched.size, fetched.whole) == (big.split(b"\r\n\r\n")[0] + b"\r\n\r\n", len(big), False)
    assert subjects(mail, "introbot/ignored") == ["request 1"]
