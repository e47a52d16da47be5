"""The mailbox watcher: batching and backoff rules, then behaviour against real IMAP servers on loopback."""

from __future__ import annotations

import dataclasses
import logging
import random
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from hypothesis import given, strategies as st
from imapclient import IMAPClient

from introbot.config import ImapSettings, Secret
from introbot.edges.imap import (HEADER_LIMIT, IGNORED, PROCESSED, QUARANTINE, Fetched, ImapError, MailboxWatcher,
                                 append_to_sent, backoff_delay, group_by_destination, message_id_in_folder,
                                 plan_batches, server_folder)
from tests.edges.peers import PYMAP_PASSWORD, PYMAP_USER, pymap_without
from tests.faultproxy import FaultProxy
from tests.mailhost import DOVEADM, MailHost

MB = 1024 * 1024
INTRO = "intro@collective.example"


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


# ---------------------------------------------------------------------------------------------------
# Against real servers: Dovecot from the mail host, and pymap for servers that lack IDLE, MOVE or STARTTLS.

def dovecot(mail: MailHost, **changes) -> ImapSettings:
    """Settings for the intro@ mailbox over implicit TLS, verified with the mail host's CA."""
    settings = ImapSettings(host=mail.host, port=mail.imaps_port, security="tls", username=INTRO,
                            password=Secret(key="imap.password_env", literal=mail.password), ca_file=mail.ca_file,
                            timeout=timedelta(seconds=10))
    return dataclasses.replace(settings, **changes)


def pymap(port: int, **changes) -> ImapSettings:
    settings = ImapSettings(host="127.0.0.1", port=port, security="none", username=PYMAP_USER,
                            password=Secret(key="imap.password_env", literal=PYMAP_PASSWORD),
                            timeout=timedelta(seconds=10))
    return dataclasses.replace(settings, **changes)


def message(number: int, body: str = "Please introduce me.") -> bytes:
    return (f"From: client{number}@client.example\r\nTo: {INTRO}\r\nSubject: request {number}\r\n"
            f"Message-ID: <m{number}@client.example>\r\n\r\n{body}\r\n").encode()


class Recorder:
    """A batch handler that records what it was given and sends each message where `choose` says."""

    def __init__(self, choose: Callable[[Fetched], str | None] = lambda fetched: PROCESSED):
        self.seen: list[Fetched] = []
        self.choose = choose

    def __call__(self, batch: list[Fetched]) -> list[str | None]:
        self.seen.extend(batch)
        return [self.choose(fetched) for fetched in batch]


def eventually(condition: Callable[[], object], what: str, timeout: float = 20.0) -> None:
    """Wait for a condition with a generous deadline (Dovecot pushes new mail about 0.5 s after it lands)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.05)


def imap_records(caplog: pytest.LogCaptureFixture, containing: str) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name == "introbot.imap" and containing in record.getMessage()]


@contextmanager
def watching(watcher: MailboxWatcher, stop: threading.Event) -> Iterator[threading.Thread]:
    """Run the watcher in its own thread; on leaving, set stop and require the thread to end."""
    thread = threading.Thread(target=watcher.run, name="imap-watcher", daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive(), "the watcher ignored stop"


class SlowestJitter(random.Random):
    """Full jitter at its upper bound, so a test knows the watcher stays away for the whole backoff."""

    def uniform(self, low: float, high: float) -> float:
        return high


def uid_validity(mail: MailHost, folder: str = "INBOX") -> int:
    with mail.imap(INTRO) as imap:
        return imap.select_folder(folder, readonly=True)[b"UIDVALIDITY"]


def subjects(mail: MailHost, folder: str) -> list[str]:
    """Subjects in the folder, oldest first; none while the folder does not exist yet."""
    if folder not in mail.folders(INTRO):
        return []
    return [str(found["Subject"]) for found in mail.messages(INTRO, folder)]


def test_catch_up_hands_over_every_waiting_message_in_uid_order(mail):
    uids = [mail.append(INTRO, message(number)) for number in range(5)]
    recorder = Recorder()

    handled = MailboxWatcher(dovecot(mail), recorder, stop=threading.Event(), batch_size=2).run_once()

    assert handled == 5
    assert [fetched.uid for fetched in recorder.seen] == uids
    assert [fetched.raw for fetched in recorder.seen] == [message(number) for number in range(5)]
    assert [fetched.size for fetched in recorder.seen] == [len(message(number)) for number in range(5)]
    assert {fetched.uidvalidity for fetched in recorder.seen} == {uid_validity(mail)}
    assert mail.messages(INTRO) == []
    assert subjects(mail, "introbot/processed") == [f"request {number}" for number in range(5)]


def test_reading_never_sets_seen_and_mail_a_person_read_is_still_handled(mail):
    unread = mail.append(INTRO, message(1))
    read = mail.append(INTRO, message(2), flags=("\\Seen", "\\Flagged"))
    recorder = Recorder(lambda fetched: None)  # leave both in place to look at their flags

    assert MailboxWatcher(dovecot(mail), recorder, stop=threading.Event()).run_once() == 2

    assert [fetched.uid for fetched in recorder.seen] == [unread, read]
    with mail.imap(INTRO) as imap:
        imap.select_folder("INBOX", readonly=True)
        flags = imap.get_flags([unread, read])
    assert b"\\Seen" not in flags[unread]
    assert set(flags[read]) == {b"\\Seen", b"\\Flagged"}


def test_each_message_moves_to_the_folder_the_handler_chose(mail):
    destinations = {0: PROCESSED, 1: IGNORED, 2: QUARANTINE, 3: None, 4: PROCESSED}
    for number in destinations:
        mail.append(INTRO, message(number))
    recorder = Recorder(lambda fetched: destinations[int(fetched.raw.split(b"request ")[1][:1])])

    MailboxWatcher(dovecot(mail), recorder, stop=threading.Event()).run_once()

    assert {"introbot/processed", "introbot/ignored", "introbot/quarantine"} <= set(mail.folders(INTRO))
    assert subjects(mail, "introbot/processed") == ["request 0", "request 4"]
    assert subjects(mail, "introbot/ignored") == ["request 1"]
    assert subjects(mail, "introbot/quarantine") == ["request 2"]
    assert subjects(mail, "INBOX") == ["request 3"]


def test_an_oversized_message_is_handed_over_as_its_header_only(mail):
    big = message(1, body="x" * 5000)
    mail.append(INTRO, big)
    recorder = Recorder(lambda fetched: QUARANTINE)

    MailboxWatcher(dovecot(mail), recorder, stop=threading.Event(), max_message_bytes=1000).run_once()

    [fetched] = recorder.seen
    assert fetched.size == len(big)
    assert fetched.raw == big.split(b"\r\n\r\n")[0] + b"\r\n\r\n"
    assert subjects(mail, "introbot/quarantine") == ["request 1"]


def test_idle_hands_over_mail_delivered_while_watching_and_stop_ends_the_thread(mail, caplog):
    caplog.set_level(logging.INFO, logger="introbot.imap")
    recorder, stop, woken = Recorder(), threading.Event(), threading.Event()
    watcher = MailboxWatcher(dovecot(mail), recorder, stop=stop, on_new_mail=woken.set)
    with watching(watcher, stop):
        eventually(lambda: imap_records(caplog, "watching with IDLE"), "connecting")
        mail.deliver(message(7), "client7@client.example", [INTRO])
        eventually(lambda: recorder.seen and woken.is_set(), "handing over the delivered message")
    assert b"Subject: request 7" in recorder.seen[0].raw
    assert subjects(mail, "introbot/processed") == ["request 7"]
    assert imap_records(caplog, "stopped watching")


def test_mail_that_lands_just_as_idle_begins_is_handed_over_without_waiting_for_the_renewal(mail):
    """Dovecot announces mail that arrived before IDLE began only at DONE (or its next check, 30 s on):
    the proxy delivers a message right before the watcher's IDLE reaches the server."""
    recorder, stop = Recorder(), threading.Event()
    with FaultProxy(mail.imap_port) as proxy:
        proxy.before_client_sends(b"IDLE\r\n", lambda: mail.append(INTRO, message(5)))
        settings = dovecot(mail, port=proxy.port, security="none", idle_renew=timedelta(minutes=10))
        with watching(MailboxWatcher(settings, recorder, stop=stop), stop):
            eventually(lambda: recorder.seen, "handing over mail that landed as IDLE began", timeout=15)
    assert b"Subject: request 5" in recorder.seen[0].raw


def test_a_message_left_in_place_is_offered_again_at_the_next_renewal(mail):
    mail.append(INTRO, message(1))
    recorder = Recorder(lambda fetched: PROCESSED if len(recorder.seen) > 1 else None)
    stop = threading.Event()
    watcher = MailboxWatcher(dovecot(mail, idle_renew=timedelta(seconds=1)), recorder, stop=stop)
    with watching(watcher, stop):
        eventually(lambda: subjects(mail, "introbot/processed") == ["request 1"], "the retry")
    assert [fetched.uid for fetched in recorder.seen][:2] == [recorder.seen[0].uid] * 2


def test_a_wrong_password_names_the_fix_and_retries_with_growing_pauses(mail, caplog):
    wrong = dovecot(mail, password=Secret(key="imap.password_env", literal="not-the-password"))
    with pytest.raises(ImapError, match="refused the login .*check imap.username and the password named by "
                                        "imap.password_env"):
        MailboxWatcher(wrong, Recorder(), stop=threading.Event()).run_once()

    caplog.set_level(logging.DEBUG, logger="introbot.imap")
    stop, seed = threading.Event(), 1234
    with watching(MailboxWatcher(wrong, Recorder(), stop=stop, rng=random.Random(seed)), stop):
        time.sleep(3)
    attempts = imap_records(caplog, "cannot connect")
    warnings = [r for r in caplog.records if r.name == "introbot.imap" and r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "cannot connect" in warnings[0].getMessage()  # one line per change of state
    expected = random.Random(seed)
    pauses = [backoff_delay(attempt, expected) for attempt in range(len(attempts))]
    assert [line.rsplit("retrying in ", 1)[1] for line in attempts] == [f"{pause:.1f} s" for pause in pauses]
    assert 1 <= len(attempts) <= 1 + sum(1 for end in _running_totals(pauses) if end < 3)
    assert all("@" not in line and "not-the-password" not in line for line in imap_records(caplog, ""))


def _running_totals(values: list[float]) -> list[float]:
    totals, total = [], 0.0
    for value in values:
        total += value
        totals.append(total)
    return totals


def test_after_the_server_ends_the_session_the_watcher_reconnects_and_catches_up(mail, caplog):
    caplog.set_level(logging.INFO, logger="introbot.imap")
    recorder, stop = Recorder(), threading.Event()
    with watching(MailboxWatcher(dovecot(mail), recorder, stop=stop, rng=SlowestJitter()), stop):
        eventually(lambda: imap_records(caplog, "watching with IDLE"), "connecting")
        subprocess.run([DOVEADM, "-c", str(mail.dovecot_conf), "kick", INTRO], check=True, capture_output=True)
        eventually(lambda: imap_records(caplog, "disconnected"), "noticing the kick")
        mail.append(INTRO, message(3))
        eventually(lambda: recorder.seen, "catching up after reconnecting")
    assert len(imap_records(caplog, "connected to")) >= 2
    assert subjects(mail, "introbot/processed") == ["request 3"]


def test_a_silently_dead_connection_is_noticed_at_renewal_then_caught_up(mail, caplog):
    """The proxy black-holes an idling connection (no FIN, no data): the DONE sent at the next renewal
    goes unanswered, so the watcher gives up after `timeout` and catches up once it can reconnect."""
    caplog.set_level(logging.INFO, logger="introbot.imap")
    recorder, stop = Recorder(), threading.Event()
    with FaultProxy(mail.imaps_port) as proxy:
        settings = dovecot(mail, port=proxy.port, idle_renew=timedelta(seconds=1), timeout=timedelta(seconds=1))
        with watching(MailboxWatcher(settings, recorder, stop=stop, rng=random.Random(3)), stop):
            eventually(lambda: imap_records(caplog, "watching with IDLE"), "connecting")
            proxy.black_hole()
            mail.append(INTRO, message(4))  # straight into Dovecot: the dead connection cannot tell
            eventually(lambda: imap_records(caplog, "disconnected"), "noticing the dead connection")
            proxy.pass_through()
            eventually(lambda: recorder.seen, "catching up after reconnecting")
    [disconnected] = imap_records(caplog, "disconnected")
    assert "did not answer within 1 s" in disconnected
    assert subjects(mail, "introbot/processed") == ["request 4"]


def test_a_cut_connection_and_a_server_down_for_a_while_are_survived(mail, caplog):
    caplog.set_level(logging.INFO, logger="introbot.imap")
    recorder, stop = Recorder(), threading.Event()
    with FaultProxy(mail.imaps_port) as proxy:
        settings = dovecot(mail, port=proxy.port, timeout=timedelta(seconds=2))
        with watching(MailboxWatcher(settings, recorder, stop=stop, rng=random.Random(5)), stop):
            eventually(lambda: imap_records(caplog, "watching with IDLE"), "connecting")
            proxy.refuse()
            proxy.cut()
            eventually(lambda: imap_records(caplog, "refused the connection"), "trying while the server is down")
            mail.append(INTRO, message(6))
            proxy.pass_through()
            eventually(lambda: recorder.seen, "catching up after the server came back")
    assert len(imap_records(caplog, "disconnected")) == 1
    assert len(imap_records(caplog, "connected to")) == 2
    assert subjects(mail, "introbot/processed") == ["request 6"]


def test_starttls_with_the_servers_ca_works(mail):
    mail.append(INTRO, message(1))
    settings = dovecot(mail, port=mail.imap_port, security="starttls")
    assert MailboxWatcher(settings, Recorder(), stop=threading.Event()).run_once() == 1


def test_an_untrusted_certificate_is_refused_with_the_fix(mail):
    with pytest.raises(ImapError, match="is not trusted .*set imap.ca_file"):
        MailboxWatcher(dovecot(mail, ca_file=None), Recorder(), stop=threading.Event()).run_once()


def test_a_certificate_for_another_name_is_refused_before_any_credential(misnamed_tls_server):
    ca_file, port, received = misnamed_tls_server
    settings = ImapSettings(host="127.0.0.1", port=port, security="tls", username=INTRO,
                            password=Secret(key="imap.password_env", literal="secret"), ca_file=ca_file,
                            timeout=timedelta(seconds=5))
    with pytest.raises(ImapError, match="not valid for the name '127.0.0.1'.*set imap.host"):
        MailboxWatcher(settings, Recorder(), stop=threading.Event()).run_once()
    assert received == []


def test_tls_to_a_plain_port_says_which_setting_to_change(mail):
    with pytest.raises(ImapError, match='did not answer with TLS.*security = "starttls"'):
        MailboxWatcher(dovecot(mail, port=mail.imap_port), Recorder(), stop=threading.Event()).run_once()


def test_plain_talk_to_a_tls_port_times_out_with_a_hint(mail):
    settings = dovecot(mail, security="starttls", timeout=timedelta(seconds=1))
    with pytest.raises(ImapError, match='did not answer within 1 s.*set imap.security = "tls"'):
        MailboxWatcher(settings, Recorder(), stop=threading.Event()).run_once()


def test_starttls_is_mandatory_so_no_password_goes_out_in_clear(tmp_path):
    log = tmp_path / "pymap.log"
    with pymap_without(log=log) as port:
        with pytest.raises(ImapError, match="does not offer STARTTLS"):
            MailboxWatcher(pymap(port, security="starttls"), Recorder(), stop=threading.Event()).run_once()
    sent = [line.split("-->| ", 1)[1] for line in log.read_text().splitlines() if "-->| " in line]
    assert sent and not any(" LOGIN " in line or " AUTHENTICATE " in line for line in sent)
    assert PYMAP_PASSWORD not in log.read_text()


def test_plaintext_is_only_for_loopback():
    remote = ImapSettings(host="imap.example.org", security="none", username=INTRO,
                          password=Secret(key="imap.password_env", literal="secret"))
    with pytest.raises(ImapError, match="only for a loopback host"):
        MailboxWatcher(remote, Recorder(), stop=threading.Event()).run_once()


def test_without_idle_the_watcher_polls(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="introbot.imap")
    with pymap_without("IDLE", log=tmp_path / "pymap.log") as port:
        recorder, stop = Recorder(), threading.Event()
        watcher = MailboxWatcher(pymap(port, poll_interval=timedelta(seconds=0.3)), recorder, stop=stop)
        with watching(watcher, stop):
            eventually(lambda: imap_records(caplog, "polling every 0.3 s"), "connecting")
            with IMAPClient("127.0.0.1", port, ssl=False, timeout=10) as client:
                client.login(PYMAP_USER, PYMAP_PASSWORD)
                client.append("INBOX", message(5))
            eventually(lambda: recorder.seen, "the poll finding the message")
    assert b"Subject: request 5" in recorder.seen[0].raw


def test_without_move_messages_are_copied_then_expunged_by_uid(tmp_path):
    with pymap_without("MOVE", log=tmp_path / "pymap.log") as port:
        with IMAPClient("127.0.0.1", port, ssl=False, timeout=10) as client:
            client.login(PYMAP_USER, PYMAP_PASSWORD)
            for number in (1, 2):
                client.append("INBOX", message(number))
            assert MailboxWatcher(pymap(port), Recorder(), stop=threading.Event()).run_once() == 2
            inbox = client.select_folder("INBOX")[b"EXISTS"]
            processed = client.select_folder("introbot/processed")[b"EXISTS"]  # no NAMESPACE: LIST gave "/"
    assert (inbox, processed) == (0, 2)


def test_a_sent_copy_is_found_by_its_message_id(mail):
    settings = dovecot(mail)
    append_to_sent(settings, b"From: intro@collective.example\r\nMessage-ID: <intro.41@collective.example>\r\n"
                             b"Subject: consent\r\n\r\nHello\r\n")
    assert message_id_in_folder(settings, "<intro.41@collective.example>")
    assert not message_id_in_folder(settings, "<intro.4@collective.example>")
    with mail.imap(INTRO) as imap:
        imap.select_folder("Sent", readonly=True)
        [flags] = imap.get_flags(imap.search("ALL")).values()
    assert b"\\Seen" in flags
