"""The mailbox watcher: batching and backoff rules, then behaviour against real IMAP servers on loopback."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, strategies as st

from introbot.config import ImapSettings, Secret
from introbot.edges.imap import (HEADER_LIMIT, IGNORED, PROCESSED, QUARANTINE, backoff_delay, group_by_destination,
                                 message_id_in_folder, plan_batches, server_folder)

MB = 1024 * 1024


@given(sizes=st.lists(st.integers(min_value=0, max_value=30 * MB), max_size=300),
       batch_size=st.integers(min_value=1, max_value=50),
       batch_bytes=st.integers(min_value=1, max_value=40 * MB))
def test_batches_keep_uid_order_and_respect_both_limits(sizes, batch_size, batch_bytes):
    pairs = [(uid, size) for uid, size in enumerate(sizes, start=1)]
    batches = plan_batches(pairs, batch_size=batch_size, batch_bytes=batch_bytes, max_message_bytes=10 * MB)
    assert [uid for batch in batches for uid in batch] == [uid for uid, _ in pairs]
    size_of = dict(pairs)
    for batch in batches:
        assert 1 <= len(batch) <= batch_size
        cost = sum(size_of[uid] if size_of[uid] <= 10 * MB else HEADER_LIMIT for uid in batch)
        assert len(batch) == 1 or cost <= batch_bytes


def test_an_oversized_message_costs_only_its_header():
    batches = plan_batches([(1, 500 * MB), (2, 500 * MB)], batch_size=10, batch_bytes=1 * MB,
                           max_message_bytes=10 * MB)
    assert batches == [[1, 2]]


def test_messages_are_grouped_per_destination_and_none_stays():
    grouped = group_by_destination([5, 6, 7, 8, 9], [PROCESSED, None, IGNORED, PROCESSED, QUARANTINE])
    assert grouped == {PROCESSED: [5, 8], IGNORED: [7], QUARANTINE: [9]}


@pytest.mark.parametrize("destinations, problem", [
    ([PROCESSED], "returned 1 destinations for 2 messages"),
    ([PROCESSED, "INBOX"], "chose 'INBOX'"),
])
def test_a_handler_answer_that_does_not_fit_is_refused(destinations, problem):
    with pytest.raises(ValueError, match=problem):
        group_by_destination([1, 2], destinations)


@pytest.mark.parametrize("prefix, separator, expected", [
    ("", "/", "introbot/processed"),
    ("INBOX.", ".", "INBOX.introbot.processed"),
    ("", "", "introbot-processed"),
])
def test_folder_names_follow_the_server_hierarchy(prefix, separator, expected):
    assert server_folder(PROCESSED, prefix, separator) == expected


@given(attempt=st.integers(min_value=0, max_value=10_000), seed=st.integers())
def test_backoff_stays_between_zero_and_its_growing_ceiling(attempt, seed):
    delay = backoff_delay(attempt, random.Random(seed))
    assert 0 <= delay <= min(300.0, 2.0 ** min(attempt, 20))


def test_backoff_reaches_minutes_after_repeated_failures():
    rng = random.Random(7)
    late = [backoff_delay(12, rng) for _ in range(200)]
    assert max(late) > 200 and all(delay <= 300 for delay in late)


@pytest.mark.parametrize("message_id", ["<a@b.example>\r\nA1 DELETE INBOX", "a@b.example", "<a b@c.example>",
                                        "<\"x\"@c.example>"])
def test_a_message_id_introbot_never_makes_is_refused_before_connecting(message_id):
    closed_port = ImapSettings(host="127.0.0.1", port=1, security="none", username="u",
                               password=Secret(key="imap.password_env", literal="p"))
    with pytest.raises(ValueError, match="message_id must look like"):
        message_id_in_folder(closed_port, message_id)
