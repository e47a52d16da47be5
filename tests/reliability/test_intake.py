"""The mailbox in the real world (RELIABILITY 2-8): a changed UIDVALIDITY, a person reading along, a
connection that dies silently, IDLE renewal, refused logins and a server that is down, poison messages,
and nothing from a message inside an IMAP command."""

from __future__ import annotations

import email.policy
import re
import sqlite3
import subprocess

import pytest

from tests.conversation import ADA, BOT, KIM, SAM
from tests.mailhost import DOVEADM, wait_until
from tests.reliability.recorder import RecordingProxy
from tests.reliability.world import REPO, ReliabilityWorld, direct_request, drop_into_inbox, new_world

world = pytest.fixture(new_world, name="world")

LEE = ("Lee Grant", "lee@client.example")


def uid_validity(world: ReliabilityWorld) -> int:
    with world.mail.imap(BOT) as imap:
        return imap.select_folder("INBOX", readonly=True)[b"UIDVALIDITY"]


def asks(world: ReliabilityWorld, *people: tuple[str, str]) -> list[int]:
    """How many copies of distinct messages each person holds, once Postfix has delivered everything."""
    world.mail.wait_for_queue_empty()
    return [sum(world.message_ids(person).values()) for person in people]


def test_after_a_uidvalidity_change_nothing_is_done_twice_and_nothing_is_missed(world):
    without_id = direct_request(KIM, "Maya Chen")
    del without_id["Message-ID"]  # claimed by a digest of its bytes instead
    drop_into_inbox(world.mail, without_id)
    world.send(direct_request(SAM, "Maya Chen"), sender=ADA)
    assert world.process(crash_at="before-move").killed  # both committed, neither moved yet
    before = uid_validity(world)
    subprocess.run([DOVEADM, "-c", str(world.mail.dovecot_conf), "mailbox", "update", "-u", BOT,
                    "--uid-validity", str(before + 1000), "INBOX"], check=True, capture_output=True)
    assert uid_validity(world) != before
    world.send(direct_request(LEE, "Maya Chen"), sender=ADA)  # arrives after the change

    assert world.process().returncode == 0

    wait_until(lambda: world.received(LEE[1]) or None, 20, lambda: "Lee was never asked")
    assert asks(world, SAM, KIM, LEE) == [1, 1, 1]
    assert world.folder_sizes() == {"introbot/processed": 3, "Sent": 3}
    assert world.database_rows("SELECT count(*) FROM intros") == [(3,)]


def test_mail_a_person_read_or_flagged_is_still_handled_and_introbot_never_marks_mail_read(world):
    for person, flags in ((SAM, ("\\Seen",)), (KIM, ("\\Flagged", "\\Seen", "\\Answered")), (LEE, ())):
        world.mail.append(BOT, direct_request(person, "Maya Chen").as_bytes(), flags=flags)

    assert world.process().returncode == 0

    wait_until(lambda: all(world.received(p[1]) for p in (SAM, KIM, LEE)) or None, 20, lambda: "someone not asked")
    with world.mail.imap(BOT) as imap:
        imap.select_folder("introbot/processed", readonly=True)
        flags = sorted(tuple(sorted(set(f) - {b"\\Recent"})) for f in imap.get_flags(imap.search("ALL")).values())
    assert flags == [(), (b"\\Answered", b"\\Flagged", b"\\Seen"), (b"\\Seen",)]  # the unread one is still unread
    assert world.folder_sizes() == {"introbot/processed": 3, "Sent": 3}


def test_an_idle_connection_that_dies_silently_is_noticed_reconnected_and_caught_up(world):
    with RecordingProxy(world.mail.imaps_port) as proxy:
        world.configure("imap", port=proxy.port, idle_renew="1s", timeout="2s")
        with world.daemon() as daemon:
            daemon.wait_for_log("watching with IDLE")
            proxy.black_hole()  # no FIN, no RST, no data: only a timeout can tell
            seen = proxy.connections_made
            world.deliver(direct_request(SAM, "Maya Chen"), ADA)
            [noticed] = daemon.wait_for_log("disconnected")
            proxy.wait_for_connections(seen + 1)  # it tries again while the connection is still dead
            proxy.pass_through()
            world.wait_inbox(SAM, 1)
    assert "did not answer within 2 s" in noticed and "reconnecting" in noticed
    assert asks(world, SAM) == [1]


def test_idle_is_renewed_at_the_configured_interval(world):
    with RecordingProxy(world.mail.imap_port) as proxy:
        world.configure("imap", port=proxy.port, security="none", idle_renew="1s")
        with world.daemon():
            wait_until(lambda: max(idles(proxy), default=0) >= 3 or None, 30, lambda: f"IDLE sent {idles(proxy)} times")


def idles(proxy: RecordingProxy) -> list[int]:
    """IDLE commands sent on each connection."""
    return [sum(1 for command in commands if re.fullmatch(rb"\w+ IDLE", command)) for commands in proxy.commands()]


def test_a_server_down_then_a_refused_login_each_log_one_line_and_back_off_then_work_resumes(world):
    password = world.folder / "password"
    with RecordingProxy(world.mail.imaps_port) as proxy:
        proxy.refuse()
        world.configure("imap", port=proxy.port)
        with world.daemon("--verbose") as daemon:
            daemon.wait_for_log("cannot connect", count=2)  # one warning, then repeats at debug level
            password.write_text("not-the-password")
            proxy.pass_through()
            daemon.wait_for_log("refused the login")
            password.write_text(world.mail.password)  # read again at every connect: no restart needed
            daemon.wait_for_log("connected to")
            world.deliver(direct_request(SAM, "Maya Chen"), ADA)
            world.wait_inbox(SAM, 1)
    warnings = daemon.lines("cannot connect", level="WARNING")
    assert len(warnings) == 2, warnings  # one per change of state: down, then refusing the login
    assert "refused the connection" in warnings[0] and "refused the login" in warnings[1]
    assert len(daemon.lines("cannot connect", level="DEBUG")) >= 1
    assert "@" not in daemon.log() and "not-the-password" not in daemon.log()


def test_a_pass_while_the_mailbox_is_down_still_sends_what_is_queued_then_says_so(world):
    world.send(direct_request(SAM, "Maya Chen"), sender=ADA)
    assert world.process(crash_at="before-smtp").killed  # the ask is saved, claimed, not sent
    with RecordingProxy(world.mail.imaps_port) as proxy:
        proxy.refuse()
        world.configure("imap", port=proxy.port)
        down = world.process()
    assert down.returncode == 1 and "cannot handle the mailbox" in down.log and "refused" in down.log
    assert asks(world, SAM) == [1]


def poison(shape: str) -> bytes:
    """Messages that break naive parsers, each dressed as an authenticated request from Ada."""
    head = (f"From: {ADA[0]} <{ADA[1]}>\r\nTo: {BOT}\r\nSubject: intro\r\nMessage-ID: <{shape}@clinic.example>\r\n"
            f"Authentication-Results: mx.collective.example; dkim=pass header.d=clinic.example; "
            f"dmarc=pass header.from=clinic.example\r\nMIME-Version: 1.0\r\n")
    request = "Please introduce Sam Rivera <sam@client.example> to Maya Chen.\r\n"
    if shape == "1,000 nested multiparts":
        opening = "".join(f"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n" for i in range(1000))
        closing = "".join(f"--b{i}--\r\n" for i in reversed(range(1000)))
        return (head + opening + "Content-Type: text/plain\r\n\r\n" + request + closing).encode()
    if shape == "100,000 parts":
        parts = "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n" * 100_000
        return (head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n" + parts + "--b--\r\n").encode()
    if shape == "20,000 recipients":
        everyone = ", ".join(f"p{i}@client.example" for i in range(20_000))
        return (head.replace(f"To: {BOT}", f"To: {BOT}, {everyone}") + "\r\n" + request).encode()
    assert shape == "11 MB"
    return (head + "\r\n" + request + ("y" * 998 + "\r\n") * 11_000).encode()


SHAPES = ("1,000 nested multiparts", "100,000 parts", "20,000 recipients", "11 MB")


@pytest.mark.timeout(600)
def test_poison_messages_are_quarantined_and_every_other_message_still_flows(world):
    for shape in SHAPES:
        drop_into_inbox(world.mail, poison(shape))
    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))

    assert world.process().returncode == 0

    assert world.folder_sizes() == {"introbot/quarantine": 4, "introbot/processed": 1, "Sent": 1}
    assert asks(world, SAM) == [1]
    assert world.counters() == {"quarantined": 4, "processed": 1, "sent": 1}
    verdicts = sorted(verdict for (verdict,) in world.database_rows("SELECT verdict FROM inbound WHERE "
                                                                     "kind = 'quarantined'"))
    assert len(verdicts) == 4 and any("larger than 10 MB" in v for v in verdicts)


def test_a_message_that_hangs_is_interrupted_by_the_time_budget_then_quarantined_after_three_tries(world):
    world.configure("limits", message_time_budget="1s")
    hanging = direct_request(KIM, "Maya Chen")
    drop_into_inbox(world.mail, hanging)
    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))

    runs = [world.process(stall_on=hanging["Message-ID"]) for _ in range(4)]

    assert [run.returncode for run in runs] == [0, 0, 0, 0]
    assert sum("could not handle a message" in run.log and "OverBudget" in run.log for run in runs) == 3
    assert "quarantined a message: failed 3 times" in runs[3].log
    assert asks(world, SAM, KIM) == [1, 0]
    assert world.folder_sizes() == {"introbot/quarantine": 1, "introbot/processed": 1, "Sent": 1}


def test_a_message_that_kills_the_process_every_time_is_quarantined_after_three_tries(world):
    """A hang the budget cannot interrupt ends with the supervisor's SIGKILL; the try was counted before."""
    world.configure("limits", message_time_budget="10m")
    killer = direct_request(KIM, "Maya Chen")
    drop_into_inbox(world.mail, killer)
    key = killer["Message-ID"]
    for tries in (1, 2, 3):
        process = subprocess.Popen(world.command("once"), cwd=REPO, env=world.environment(stall_on=key),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: attempts(world) == [(tries,)] or None, 30, lambda: f"try {tries} never began")
        process.kill()
        assert process.wait() == -9

    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))
    assert world.process(stall_on=key).returncode == 0

    assert asks(world, SAM, KIM) == [1, 0]
    assert world.folder_sizes() == {"introbot/quarantine": 1, "introbot/processed": 1, "Sent": 1}


def attempts(world: ReliabilityWorld) -> list[tuple[int]]:
    """The tries counted for messages in hand; none before introbot created its database."""
    if not world.database.exists():
        return []
    try:
        return world.database_rows("SELECT count FROM attempts")
    except sqlite3.OperationalError:  # the file exists, its tables not yet
        return []


HOSTILE = "ZZHOSTILE"
IMAP_COMMAND = re.compile(rb"(\w+ (UID )?(CAPABILITY|LOGIN|NAMESPACE|LIST|LSUB|CREATE|SUBSCRIBE|SELECT|EXAMINE|"
                          rb"SEARCH|FETCH|MOVE|COPY|STORE|EXPUNGE|APPEND|NOOP|IDLE|LOGOUT|ENABLE|ID|STATUS)\b.*|DONE)")


def hostile_requests() -> list[bytes]:
    """Requests whose fields try to smuggle IMAP commands: a folded Message-ID, an encoded CR LF in the
    Subject, a folded References header and the body."""
    crlf = email.policy.default.clone(linesep="\r\n")
    found = []
    for number in (1, 2):
        message = direct_request(SAM, "Maya Chen")
        del message["Message-ID"], message["Subject"]
        colleague = "Maya Chen" if number == 1 else "Lio Park"  # two requests, not one repeated
        message.set_content(f"Please introduce Sam Rivera <sam@client.example> to {colleague}.\n"
                            f"{HOSTILE} A4 LOGOUT\n")
        message_id = (f"<{HOSTILE}\r\n A2 DELETE INBOX@clinic.example>" if number == 1 else
                      f"<hostile.{number}@clinic.example>")
        head = (f"Message-ID: {message_id}\r\nSubject: =?utf-8?q?Intro=0D=0AA1_DELETE_INBOX_{HOSTILE}?=\r\n"
                f"References: <x@y> {HOSTILE}\r\n A3 EXPUNGE\r\n")
        found.append(head.encode() + message.as_bytes(policy=crlf))
    return found


def test_nothing_taken_from_a_message_ever_reaches_an_imap_command(world):
    with RecordingProxy(world.mail.imap_port) as proxy:
        world.configure("imap", port=proxy.port, security="none")
        for raw in hostile_requests():
            drop_into_inbox(world.mail, raw)
        assert world.process(crash_at="before-smtp").killed  # so that the next run also searches Sent
        assert world.process().returncode == 0
    commands = [command for connection in proxy.commands() for command in connection]
    assert any(re.fullmatch(rb"\w+ UID SEARCH HEADER Message-ID <[\w.]+@collective\.example>", c) for c in commands)
    assert [command for command in commands if not IMAP_COMMAND.fullmatch(command)] == []
    assert [command for command in commands if HOSTILE.encode() in command or b"DELETE INBOX" in command] == []
    processed = world.folder_sizes().get("introbot/processed", 0)
    assert processed >= 1 and asks(world, SAM) == [processed]
