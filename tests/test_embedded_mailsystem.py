"""The demo's embedded mail system, driven by real clients (imapclient, smtplib) over 127.0.0.1."""

from __future__ import annotations

import email.policy
import smtplib
import socket
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, LoginError

from introbot.demo.mailsystem import (DEMO_DOMAINS, DEMO_PASSWORD, EmbeddedMailSystem, MailSystemError, mailbox_of,
                                      stamp)

INTRO = "intro@collective.example"
ADA = "ada@clinic.example"
SAM = "sam@client.example"
MAYA = "maya@bodywork.example"


@pytest.fixture
def mail() -> Iterator[EmbeddedMailSystem]:
    with EmbeddedMailSystem() as system:
        yield system


def message(sender: str = ADA, to: str = INTRO, subject: str = "Fwd: back pain", body: str = "Hello.\n",
            extra: dict[str, str] | None = None) -> bytes:
    composed = EmailMessage()
    composed["From"] = sender
    composed["To"] = to
    composed["Subject"] = subject
    for name, value in (extra or {}).items():
        composed[name] = value
    composed.set_content(body)
    return composed.as_bytes(policy=email.policy.SMTP)  # CRLF, as mail travels


def imap(mail: EmbeddedMailSystem, login: str, password: str = DEMO_PASSWORD) -> IMAPClient:
    client = IMAPClient(mail.host, port=mail.imap_port, ssl=False, timeout=10)
    client.login(login, password)
    return client


def smtp(mail: EmbeddedMailSystem) -> smtplib.SMTP:
    return smtplib.SMTP(mail.host, mail.smtp_port, local_hostname="client.example", timeout=10)


# ---------------------------------------------------------------------- logging in
@pytest.mark.parametrize("login", [INTRO, "Maya@Bodywork.Example", "anyone.at.all@client.example"])
def test_any_address_of_the_demo_domains_logs_in_to_imap_with_the_demo_password(mail, login):
    with imap(mail, login) as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0


@pytest.mark.parametrize("login, password", [(INTRO, "wrong"), (INTRO, ""), ("intro@elsewhere.example", DEMO_PASSWORD),
                                             ("not an address", DEMO_PASSWORD)])
def test_imap_refuses_a_wrong_password_or_an_address_outside_the_demo_domains(mail, login, password):
    with pytest.raises(LoginError):
        imap(mail, login, password)


def test_smtp_auth_accepts_the_demo_password_and_refuses_a_wrong_one_without_hanging(mail):
    with smtp(mail) as client:
        client.login(ADA, DEMO_PASSWORD)
    with smtp(mail) as client, pytest.raises(smtplib.SMTPAuthenticationError):
        client.login(ADA, "wrong")
    with smtp(mail) as client, pytest.raises(smtplib.SMTPAuthenticationError):
        client.login("ada@elsewhere.example", DEMO_PASSWORD)


def test_a_mailbox_starts_with_the_folders_desktop_mail_clients_expect(mail):
    with imap(mail, SAM) as client:
        assert {name for _, _, name in client.list_folders()} == {"INBOX", "Sent", "Drafts", "Trash"}
    assert sorted(mail.folders(MAYA)) == ["Drafts", "INBOX", "Sent", "Trash"]


def test_a_restarted_system_starts_empty():
    system = EmbeddedMailSystem().start()
    system.deliver(message(), ADA, [INTRO])
    system.stop()
    with system:
        assert system.messages(INTRO) == []
        with imap(system, INTRO) as client:
            assert client.select_folder("INBOX")[b"EXISTS"] == 0


def test_each_address_has_its_own_inbox(mail):
    mail.deliver(message(to=SAM), ADA, [SAM])
    with imap(mail, SAM) as sam, imap(mail, MAYA) as maya:
        assert sam.select_folder("INBOX")[b"EXISTS"] == 1
        assert maya.select_folder("INBOX")[b"EXISTS"] == 0


# ---------------------------------------------------------------------- delivery
def test_smtp_delivers_a_plus_address_into_the_base_inbox_keeping_the_original_recipient(mail):
    with smtp(mail) as client:
        client.sendmail("bounce+x1@collective.example", ["intro+tok3n@collective.example", SAM],
                        message(to="intro+tok3n@collective.example"))
    [intro] = mail.wait_for_messages(INTRO, 1)
    [sam] = mail.wait_for_messages(SAM, 1)
    assert intro["Delivered-To"] == "intro+tok3n@collective.example"
    assert sam["Delivered-To"] == SAM
    assert intro["Return-Path"] == sam["Return-Path"] == "<bounce+x1@collective.example>"
    assert intro["Subject"] == "Fwd: back pain" and intro.get_content().splitlines() == ["Hello."]


def test_a_bounce_keeps_its_null_return_path(mail):
    mail.deliver(message(sender="MAILER-DAEMON@clinic.example"), "", [INTRO])
    assert mail.wait_for_messages(INTRO, 1)[0]["Return-Path"] == "<>"


def test_smtp_refuses_recipients_outside_the_demo_domains(mail):
    with smtp(mail) as client, pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        client.sendmail(ADA, ["someone@gmail.example"], message())
    assert refused.value.recipients["someone@gmail.example"][0] == 550


def test_deliver_refuses_recipients_outside_the_demo_domains(mail):
    with pytest.raises(MailSystemError, match="outside the demo domains"):
        mail.deliver(message(), ADA, [INTRO, "someone@gmail.example"])
    assert mail.messages(INTRO) == []


def test_messages_are_read_oldest_first_without_marking_them_seen(mail):
    for number in range(3):
        mail.deliver(message(subject=f"number {number}"), ADA, [INTRO])
    assert [m["Subject"] for m in mail.messages(INTRO)] == ["number 0", "number 1", "number 2"]
    with imap(mail, INTRO) as client:
        client.select_folder("INBOX")
        assert all(b"\\Seen" not in flags for flags in client.get_flags(client.search()).values())


def test_waiting_for_mail_never_holds_up_its_delivery(mail):
    def deliver_one_by_one() -> None:
        for _ in range(50):
            mail.deliver(message(), ADA, [INTRO])

    senders = [threading.Thread(target=deliver_one_by_one) for _ in range(4)]
    for sender in senders:
        sender.start()
    try:
        assert len(mail.wait_for_messages(INTRO, 200, timeout=60)) == 200
    finally:
        for sender in senders:
            sender.join()


def test_wait_for_messages_gives_up_with_a_count_when_mail_does_not_come(mail):
    mail.deliver(message(), ADA, [INTRO])
    with pytest.raises(TimeoutError, match="1 messages in the INBOX folder .* expected 2"):
        mail.wait_for_messages(INTRO, 2, timeout=0.3)


# ---------------------------------------------------------------------- authentication results
def test_the_receiving_server_vouches_for_authentic_mail_and_removes_forged_results(mail):
    forged = {"Authentication-Results": f"{mail.authserv_id}; dkim=pass header.d=clinic.example"}
    other_server = {"Authentication-Results": "mx.elsewhere.example; spf=pass"}
    mail.deliver(message(extra=forged), ADA, [INTRO], authentic=False)
    mail.deliver(message(extra=other_server), ADA, [INTRO])
    unauthentic, authentic = mail.wait_for_messages(INTRO, 2)
    assert unauthentic.get_all("Authentication-Results") == [
        f"{mail.authserv_id}; dkim=none; dmarc=fail header.from=clinic.example"]
    assert authentic.get_all("Authentication-Results") == [
        f"{mail.authserv_id}; dkim=pass header.d=clinic.example; dmarc=pass header.from=clinic.example",
        "mx.elsewhere.example; spf=pass"]


def test_smtp_mail_is_authentic_only_from_a_login_of_the_from_domain(mail):
    with smtp(mail) as client:
        client.login(ADA, DEMO_PASSWORD)
        client.sendmail(ADA, [INTRO], message(subject="logged in"))
        client.sendmail(ADA, [INTRO], message(sender=MAYA, subject="someone else's From"))
    with smtp(mail) as client:
        client.sendmail(ADA, [INTRO], message(subject="anonymous"))
    results = {m["Subject"]: m["Authentication-Results"] for m in mail.wait_for_messages(INTRO, 3)}
    assert "dmarc=pass header.from=clinic.example" in results["logged in"]
    assert "dmarc=fail header.from=bodywork.example" in results["someone else's From"]
    assert "dmarc=fail header.from=clinic.example" in results["anonymous"]


# ---------------------------------------------------------------------- IMAP features introbot uses
def test_idle_reports_new_mail(mail):
    with imap(mail, INTRO) as client:
        client.select_folder("INBOX")
        client.idle()
        mail.deliver(message(), ADA, [INTRO])
        responses: list = []
        deadline = time.monotonic() + 20
        while (1, b"EXISTS") not in responses and time.monotonic() < deadline:
            responses += client.idle_check(timeout=1)
        client.idle_done()
    assert (1, b"EXISTS") in responses


def test_move_into_a_created_folder_with_the_slash_separator(mail):
    mail.deliver(message(), ADA, [INTRO])
    with imap(mail, INTRO) as client:
        assert b"MOVE" in client.capabilities() and b"UIDPLUS" in client.capabilities()
        assert client.list_folders()[0][1] == b"/"
        client.create_folder("introbot/processed")
        client.select_folder("INBOX")
        client.move(client.search(), "introbot/processed")
        assert client.search() == []
    assert "introbot/processed" in mail.folders(INTRO)
    assert [m["Subject"] for m in mail.messages(INTRO, "introbot/processed")] == ["Fwd: back pain"]
    assert mail.messages(INTRO) == []


def test_copy_then_uid_expunge_removes_only_the_copied_message(mail):
    mail.deliver(message(subject="handled"), ADA, [INTRO])
    mail.deliver(message(subject="still waiting"), ADA, [INTRO])
    with imap(mail, INTRO) as client:
        client.create_folder("introbot/ignored")
        client.select_folder("INBOX")
        first, second = client.search()
        client.copy([first], "introbot/ignored")
        client.add_flags([first], [b"\\Deleted"])
        client.add_flags([second], [b"\\Deleted"])
        client.uid_expunge([first])
        client.remove_flags([second], [b"\\Deleted"])
    assert [m["Subject"] for m in mail.messages(INTRO)] == ["still waiting"]
    assert [m["Subject"] for m in mail.messages(INTRO, "introbot/ignored")] == ["handled"]


def test_reading_a_folder_that_does_not_exist_says_so(mail):
    with pytest.raises(MailSystemError, match="no folder"):
        mail.messages(INTRO, "introbot/processed")


# ---------------------------------------------------------------------- life cycle
def test_stop_closes_connections_and_frees_the_ports():
    system = EmbeddedMailSystem().start()
    ports = (system.imap_port, system.smtp_port)
    client = imap(system, INTRO)
    client.select_folder("INBOX")
    client.idle()
    system.stop()
    with pytest.raises((OSError, IMAPClientAbortError)):  # the server ended the idling connection
        client.idle_check(timeout=5)
        client.idle_done()
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5)
        with socket.socket() as listener:  # as any server binds: SO_REUSEADDR, so TIME_WAIT does not count
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", port))
    with pytest.raises(MailSystemError, match="not running"):
        system.messages(INTRO)


def test_two_systems_run_side_by_side_on_their_own_ports_and_mail():
    with EmbeddedMailSystem() as first, EmbeddedMailSystem() as second:
        assert {first.imap_port, first.smtp_port}.isdisjoint({second.imap_port, second.smtp_port})
        first.deliver(message(), ADA, [INTRO])
        assert len(first.messages(INTRO)) == 1 and second.messages(INTRO) == []


def test_a_running_system_cannot_be_started_twice(mail):
    with pytest.raises(MailSystemError, match="already running"):
        mail.start()


# ---------------------------------------------------------------------- the pure helpers
@pytest.mark.parametrize("address, mailbox", [
    ("intro+abc.1@collective.example", INTRO), ("Maya@BODYWORK.example", MAYA), (" sam@client.example ", SAM),
    ("sam@elsewhere.example", None), ("+tag@client.example", None), ("nonsense", None),
    ("sam@client.example>, <x@y.example", None)])
def test_mailbox_of(address, mailbox):
    assert mailbox_of(address, DEMO_DOMAINS) == mailbox


header_names = st.sampled_from(["Subject", "X-Note", "Authentication-Results", "Received", "From"])
header_values = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
folds = st.lists(st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=10), max_size=2)


@given(fields=st.lists(st.tuples(header_names, header_values, folds), max_size=6),
       body=st.binary(max_size=200), newline=st.sampled_from([b"\r\n", b"\n"]),
       claims_ours=st.lists(st.booleans(), min_size=6, max_size=6))
def test_stamp_keeps_the_body_and_every_header_field_except_forged_results(fields, body, newline, claims_ours):
    lines = []
    for (name, value, continuations), ours in zip(fields, claims_ours):
        if name == "Authentication-Results":
            value = ("MAIL.demo.example" if ours else "mx.other.example") + "; " + value
        lines.append(newline.join([f"{name}: {value}".encode()] + [b" " + part.encode() for part in continuations]))
    raw = newline.join(lines) + newline + newline + body if lines else newline + body
    stamped = stamp(raw, mail_from="a@clinic.example", recipient=INTRO, authserv_id="mail.demo.example",
                    authentic=True)
    head, _, kept_body = stamped.partition(newline + newline) if lines else stamped.partition(newline * 2)
    assert kept_body == body
    assert head.startswith(b"Return-Path: <a@clinic.example>" + newline + b"Delivered-To: " + INTRO.encode())
    ours = [line for line in head.split(newline) if line.lower().startswith(b"authentication-results: mail.demo")]
    assert ours == [b"Authentication-Results: mail.demo.example; dkim=none; dmarc=permerror"] or len(ours) == 1
    kept = [line for line in lines if not line.startswith(b"Authentication-Results: MAIL.demo.example")]
    assert head.endswith(newline.join(kept)) if kept else head.count(newline) == 2
