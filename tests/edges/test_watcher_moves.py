"""The watcher moves handled mail in groups (a MOVE costs the server an fsync however many messages it
moves), never before the handler of a message returned, and names exactly the handled UIDs."""

from __future__ import annotations

import threading

from hypothesis import given
from hypothesis import strategies as st

from introbot.edges.imap import IGNORED, PROCESSED, Fetched, MailboxWatcher, uid_set
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
