"""find_forward / parse_inline_forward: who the forwarded message came from, and what the forwarder wrote."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from introbot.core.addresses import addresses_in_text
from introbot.core.forwards import (
    Forward,
    find_forward,
    parse_inline_forward,
    parse_mailbox,
    parse_mailbox_list,
    strip_subject_prefixes,
    subject_kind,
    valid_address,
)

CLIENT_TEXT = "Hello Dr. Lee,\n\nMy lower back has been hurting for weeks. Do you know someone?\n\nSam"

GMAIL = f"""Could you introduce Sam to Maya Chen?

---------- Forwarded message ---------
From: Sam Patel <Sam.Patel@home.example>
Date: Mon, 2 Mar 2026 at 09:30
Subject: Back pain
To: Dr. Ada Lee <ada@clinic.example>
Cc: Jo <jo@home.example>

{CLIENT_TEXT}
"""

APPLE = f"""Please introduce Sam to Maya.

Begin forwarded message:

> From: Sam Patel <sam.patel@home.example>
> Subject: Back pain
> Date: 2 March 2026 at 09:30:00 CET
> To: Ada Lee <ada@clinic.example>
>
> {CLIENT_TEXT.replace(chr(10), chr(10) + "> ")}
"""

OUTLOOK = f"""Please introduce Sam to Maya Chen.

From: Sam Patel [mailto:sam.patel@home.example]
Sent: Monday, March 2, 2026 9:30 AM
To: Ada Lee <ada@clinic.example>
Subject: Back pain

{CLIENT_TEXT}
"""

THUNDERBIRD = f"""Please introduce Sam to Maya.

-------- Forwarded Message --------
Subject: \tBack pain
Date: \tMon, 2 Mar 2026 09:30:00 +0100
From: \tSam Patel <sam.patel@home.example>
To: \tAda Lee <ada@clinic.example>

{CLIENT_TEXT}
"""


@pytest.mark.parametrize("body, subject", [(GMAIL, "Fwd: Back pain"), (APPLE, "Fwd: Back pain"),
                                           (OUTLOOK, "FW: Back pain"), (THUNDERBIRD, "Fwd: Back pain"),
                                           (GMAIL, None), (OUTLOOK, None)])
def test_english_inline_forwards_of_the_common_clients(body, subject):
    forward = parse_inline_forward(body, subject)
    assert forward is not None
    original = forward.original
    assert original.sender_address == "sam.patel@home.example"
    assert original.sender_name == "Sam Patel"
    assert original.subject == "Back pain"
    assert original.to == ("ada@clinic.example",)
    assert original.date and "2026" in original.date
    assert original.body == CLIENT_TEXT
    assert original.attached is False
    assert forward.note.startswith("Please introduce Sam to Maya") or forward.note.startswith("Could you introduce")


@pytest.mark.parametrize("header, subject", [
    ("----- Forwarded Message -----\nFrom: Sam Patel <sam.patel@home.example>\nTo: Ada <ada@clinic.example>\n"
     "Sent: Monday, March 2, 2026, 09:30:00 AM GMT+1\nSubject: Back pain", "Fwd: Back pain"),               # Yahoo
    ("----- Message transféré -----\nDe : Sam Patel <sam.patel@home.example>\nÀ : Ada <ada@clinic.example>\n"
     "Envoyé : lundi 2 mars 2026 à 09:30:00 UTC+1\nObjet : Back pain", "TR: Back pain"),                  # Yahoo fr
    ("Von: Sam Patel <sam.patel@home.example>\nGesendet: Montag, 2. März 2026 09:30\nAn: Ada <ada@clinic.example>\n"
     "Betreff: Back pain", "WG: Back pain"),                                                             # Outlook de
    ("-----Mensaje original-----\nDe: Sam Patel [mailto:sam.patel@home.example]\nEnviado el: lunes, 2 de marzo de "
     "2026 9:30\nPara: Ada\nAsunto: Back pain", "RV: Back pain"),                                        # Outlook es
    ("------------------ 原始邮件 ------------------\n发件人: \"Sam Patel\"<sam.patel@home.example>\n"
     "发送时间: 2026年3月2日(星期一) 上午9:30\n收件人: \"Ada\"<ada@clinic.example>\n主题: Back pain", "转发：Back pain"),  # QQ
    ("-------- Пересылаемое сообщение --------\nОт: Sam Patel <sam.patel@home.example>\nДата: 2 марта 2026 г.\n"
     "Кому: ada@clinic.example\nТема: Back pain", "Fwd: Back pain"),                                       # Russian
])
def test_forward_headers_of_other_clients_and_languages(header, subject):
    forward = parse_inline_forward(f"Bitte vorstellen.\n\n{header}\n\n{CLIENT_TEXT}\n", subject)
    assert (forward.original.sender_address, forward.original.subject) == ("sam.patel@home.example", "Back pain")
    assert forward.note == "Bitte vorstellen."
    assert forward.original.body == CLIENT_TEXT


def test_a_from_line_wrapped_after_mailto_keeps_the_name_clean():
    header = ("-----Original Message-----\nFrom: Dr. Samantha Rivera-Okonkwo, Riverside Family Practice Patient Services [mailto:\n"
              "samantha@home.example]\nSent: Monday, March 2, 2026 9:30 AM\nTo: Ada Lee <ada@clinic.example>\nSubject: Back pain")
    original = parse_inline_forward(f"Please introduce her.\n\n{header}\n\n{CLIENT_TEXT}\n", "FW: Back pain").original
    assert original.sender_address == "samantha@home.example"
    assert original.sender_name == "Dr. Samantha Rivera-Okonkwo, Riverside Family Practice Patient Services"
    assert original.body == CLIENT_TEXT


def test_cc_recipients_are_kept():
    assert parse_inline_forward(GMAIL).original.cc == ("jo@home.example",)


def test_the_note_above_the_forward_loses_its_signature():
    body = "Hi team,\n\nplease introduce Sam to Maya.\n\nBest regards,\nDr. Ada Lee\nAcupuncture\n\n" + GMAIL.split("\n\n", 1)[1]
    forward = parse_inline_forward(body, "Fwd: Back pain")
    assert forward.note == "Hi team,\n\nplease introduce Sam to Maya."
    assert forward.original.sender_address == "sam.patel@home.example"


def test_nested_forwards_list_the_outermost_first():
    inner = GMAIL.replace("Could you introduce Sam to Maya Chen?\n\n", "").replace(
        "Sam Patel <Sam.Patel@home.example>", "Jo <jo@home.example>")
    outer = f"""FYI

---------- Forwarded message ---------
From: Sam Patel <sam.patel@home.example>
Date: Tue, 3 Mar 2026 at 10:00
Subject: Fwd: Back pain
To: Ada Lee <ada@clinic.example>

See below, from my partner.

{inner}"""
    forward = parse_inline_forward(outer, "Fwd: Fwd: Back pain")
    assert [message.sender_address for message in forward.messages] == ["sam.patel@home.example", "jo@home.example"]
    assert forward.original is forward.messages[0]
    assert forward.original.body.startswith("See below, from my partner.")
    assert CLIENT_TEXT in forward.original.body  # the outer body holds the nested forward
    assert forward.messages[1].body == CLIENT_TEXT
    assert forward.note == "FYI"


def test_a_reply_subject_keeps_an_outlook_reply_from_being_read_as_a_forward():
    assert parse_inline_forward(OUTLOOK, "RE: Back pain") is None
    assert parse_inline_forward(GMAIL, "Re: Back pain") is not None  # an explicit separator still counts


def test_an_on_date_wrote_header_is_a_forward_only_under_a_forward_subject():
    body = f"Please introduce Sam.\n\nOn 02/03/2026 09:30, \"Sam Patel\" <sam.patel@home.example> wrote:\n\n    {CLIENT_TEXT.replace(chr(10), chr(10) + '    ')}\n"
    assert parse_inline_forward(body, None) is None
    assert parse_inline_forward(body, "Re: Back pain") is None
    forward = parse_inline_forward(body, "FW: Back pain")
    assert forward.original.sender_address == "sam.patel@home.example"
    assert forward.original.sender_name == "Sam Patel"
    assert forward.original.subject == "Back pain"
    assert forward.original.date == "02/03/2026 09:30"
    assert forward.original.body == CLIENT_TEXT


def test_a_plain_reply_with_a_gmail_quote_is_no_forward():
    body = "Sounds good!\n\nOn Mon, 2 Mar 2026 at 09:30, Sam <sam@home.example> wrote:\n> Thanks\n"
    assert parse_inline_forward(body) is None
    assert parse_inline_forward("just text", "Fwd: something") is None


def test_an_invalid_forwarded_address_gives_no_sender_address():
    body = GMAIL.replace("Sam Patel <Sam.Patel@home.example>", "Sam Patel <sam..patel@home.example>")
    original = parse_inline_forward(body).original
    assert original.sender_address is None
    assert original.sender_name == "Sam Patel"


def test_an_address_header_crafted_against_parseaddr_does_not_smuggle_a_domain():
    # CVE-2023-27043 shape: parseaddr reads the address as alice@example.org.
    body = GMAIL.replace("Sam Patel <Sam.Patel@home.example>", '"alice@example.org@mallory.example" <>')
    assert parse_inline_forward(body).original.sender_address is None


def _forwarding_message(subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Dr. Ada Lee <ada@clinic.example>"
    msg["To"] = "intro@collective.example"
    msg["Subject"] = subject
    return msg


def _forward_with_attached(note: str, inner: EmailMessage) -> Forward | None:
    """The forward found in a practitioner's message with `note` as its text and `inner` attached, as received."""
    msg = _forwarding_message("Fwd: Back pain")
    msg.set_content(note)
    msg.add_attachment(inner)
    return find_forward(email.message_from_bytes(msg.as_bytes(), policy=email.policy.default))


def test_an_attached_rfc822_forward():
    inner = EmailMessage()
    inner["From"] = "=?utf-8?q?Sam_P=C3=A1tel?= <sam.patel@home.example>"
    inner["To"] = "Ada Lee <ada@clinic.example>, other@clinic.example"
    inner["Subject"] = "Back pain"
    inner["Date"] = "Mon, 02 Mar 2026 09:30:00 +0100"
    inner.set_content(CLIENT_TEXT)
    forward = _forward_with_attached("Please introduce Sam to Maya.\n\n-- \nDr. Ada Lee", inner)
    assert forward.note == "Please introduce Sam to Maya."
    original = forward.original
    assert (original.sender_address, original.sender_name) == ("sam.patel@home.example", "Sam Pátel")
    assert original.subject == "Back pain"
    assert original.to == ("ada@clinic.example", "other@clinic.example")
    assert original.date == "Mon, 02 Mar 2026 09:30:00 +0100"
    assert original.body.strip() == CLIENT_TEXT
    assert original.attached is True


def test_several_attached_forwards_are_all_listed():
    msg = _forwarding_message("Two requests")
    msg.set_content("Two clients.")
    for sender in ("one@home.example", "two@home.example"):
        inner = EmailMessage()
        inner["From"] = sender
        inner.set_content("hello")
        msg.add_attachment(inner)
    forward = find_forward(email.message_from_bytes(msg.as_bytes(), policy=email.policy.default))
    assert [message.sender_address for message in forward.messages] == ["one@home.example", "two@home.example"]


def test_an_html_only_forward():
    msg = _forwarding_message("Fwd: Back pain")
    msg.set_content(
        '<div dir="ltr">Please introduce Sam to Maya.<br><br><div class="gmail_quote"><div dir="ltr" '
        'class="gmail_attr">---------- Forwarded message ---------<br>From: <strong class="gmail_sendername">'
        'Sam Patel</strong> <span>&lt;<a href="mailto:sam.patel@home.example">sam.patel@home.example</a>&gt;'
        '</span><br>Date: Mon, 2 Mar 2026 at 09:30<br>Subject: Back pain<br>To: &lt;ada@clinic.example&gt;<br>'
        '</div><br><br><div dir="ltr">My back hurts.<div>Sam</div></div></div></div>', subtype="html")
    forward = find_forward(msg)
    assert forward.note == "Please introduce Sam to Maya."
    assert forward.original.sender_address == "sam.patel@home.example"
    assert forward.original.subject == "Back pain"
    assert forward.original.body == "My back hurts.\nSam"


def test_a_bounce_returning_a_message_is_no_forward():
    raw = (b"From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered Mail\r\n"
           b"Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n"
           b"--r\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n"
           b"--r\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; x@home.example\r\n\r\n"
           b"--r\r\nContent-Type: message/rfc822\r\n\r\nFrom: intro@collective.example\r\nSubject: x\r\n\r\nhi\r\n--r--\r\n")
    assert find_forward(email.message_from_bytes(raw, policy=email.policy.default)) is None


def test_a_deep_nest_of_attached_messages_is_cut_off():
    msg = EmailMessage()
    msg.set_content("innermost")
    for level in range(60):
        outer = _forwarding_message(f"Fwd: level {level}")
        outer.set_content("wrapper")
        outer.add_attachment(msg)
        msg = outer
    forward = find_forward(email.message_from_bytes(msg.as_bytes(), policy=email.policy.default))
    assert len(forward.messages) == 20
    assert forward.original.subject == "Fwd: level 58"


def test_a_digest_is_no_forward():
    raw = (b"Subject: List digest\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n"
           b"--d\r\n\r\nFrom: one@home.example\r\nSubject: a\r\n\r\nfirst\r\n"
           b"--d\r\n\r\nFrom: two@home.example\r\nSubject: b\r\n\r\nsecond\r\n--d--\r\n")
    assert find_forward(email.message_from_bytes(raw, policy=email.policy.default)) is None


def test_a_forward_attached_as_an_eml_file():
    inner = b"From: Sam <sam@home.example>\r\nSubject: Back pain\r\n\r\nMy back hurts.\r\n"
    msg = _forwarding_message("Fwd: Back pain")
    msg.set_content("see attached")
    msg.add_attachment(inner, maintype="application", subtype="octet-stream", filename="request.eml")
    forward = find_forward(email.message_from_bytes(msg.as_bytes(), policy=email.policy.default))
    assert forward.original.sender_address == "sam@home.example"
    assert forward.original.body == "My back hurts."


@pytest.mark.parametrize("text, expected", [
    ("Sam Patel <Sam@Home.example>", ("Sam Patel", "sam@home.example")),
    ('"Patel, Sam" <sam@home.example>', ("Patel, Sam", "sam@home.example")),
    ("Sam Patel [mailto:sam@home.example]", ("Sam Patel", "sam@home.example")),
    ("sam@home.example (Sam Patel)", ("Sam Patel", "sam@home.example")),
    ("Sam<mailto:sam@home.example> <sam@home.example<mailto:sam@home.example>> on behalf of desk@home.example",
     ("Sam", "sam@home.example")),
    ("sam@home.example", (None, "sam@home.example")),
    ("sam@home.example <sam@home.example>", (None, "sam@home.example")),
    ("Sam Patel", ("Sam Patel", None)),
    ("Sam Patel, Home Practice [mailto: sam@home.example]", ("Sam Patel, Home Practice", "sam@home.example")),
    ("Sam Patel < sam@home.example >", ("Sam Patel", "sam@home.example")),
    # An apostrophe is legal atext inside a local part; at its edges it is Outlook's quoting.
    ("O'Brien, Pat <pat.o'brien@home.example>", ("O'Brien, Pat", "pat.o'brien@home.example")),
    ("'pat.o'brien@home.example' <pat.o'brien@home.example>", (None, "pat.o'brien@home.example")),
    ("'Pat O'Brien' [mailto:pat.o'brien@home.example]", ("Pat O'Brien", "pat.o'brien@home.example")),
    ("d'angelo@home.example (Dan D'Angelo)", ("Dan D'Angelo", "d'angelo@home.example")),
    ("Sam <sam@localhost>", ("Sam", None)),
    ("", (None, None)),
])
def test_parse_mailbox(text, expected):
    assert parse_mailbox(text) == expected


def test_huge_mailboxes_are_cut_short_rather_than_scanned():
    """Completion is what is tested (pytest-timeout guards against a hang); the regexes are bounded."""
    assert parse_mailbox("a" * 1_000_000) == ("a" * 1000, None)
    assert parse_mailbox_list("a@" * 500_000) == ()
    assert parse_mailbox("Sam <" + "s" * 100_000 + "@home.example>")[1] is None


def test_lines_that_make_backtracking_parsers_hang_are_handled():
    """email-forward-parser needs 111 s for 7 KB of the first line; this one must simply complete."""
    assert parse_inline_forward("Dne " + "a, <b> " * 100_000, "Fwd: x") is None
    assert parse_inline_forward("From:" + " " * 20_000 + "x", "Fwd: x") is None  # an IndexError there


@pytest.mark.parametrize("header", [
    "From: O'Brien, Pat <pat.o'brien@home.example>\nSent: Monday, March 2, 2026 9:30 AM\nTo: Ada Lee <ada@clinic.example>"
    "\nSubject: Back pain",                                                                            # Outlook
    "---------- Forwarded message ---------\nFrom: Pat O'Brien <pat.o'brien@home.example>\nDate: Mon, 2 Mar 2026 at 09:30"
    "\nSubject: Back pain\nTo: <ada@clinic.example>",                                                  # Gmail
])
def test_an_apostrophe_in_the_forwarded_local_part_is_read_whole(header):
    forward = parse_inline_forward(f"Please introduce Pat to Maya.\n\n{header}\n\n{CLIENT_TEXT}\n", "FW: Back pain")
    assert forward.original.sender_address == "pat.o'brien@home.example"


def test_an_apostrophe_in_the_attached_sender_local_part_is_read_whole():
    inner = EmailMessage()
    inner["From"] = "Dan D'Angelo <d'angelo@home.example>"
    inner["Subject"] = "Back pain"
    inner.set_content(CLIENT_TEXT)
    original = _forward_with_attached("Please introduce Dan to Maya.", inner).original
    assert (original.sender_address, original.sender_name) == ("d'angelo@home.example", "Dan D'Angelo")


def test_an_apostrophe_in_an_address_written_in_the_note_is_read_whole():
    note = "Her address is pat.o'brien@home.example, not 'pat@home.example'."
    assert [found.email for found in addresses_in_text(note)] == ["pat.o'brien@home.example", "pat@home.example"]


def test_parse_mailbox_list_splits_outside_quotes_and_brackets():
    value = "'Lee, Ada' <ada@clinic.example>; \"Jo\" <jo@home.example>, plain@home.example,, Nobody"
    assert parse_mailbox_list(value) == ("ada@clinic.example", "jo@home.example", "plain@home.example")


@pytest.mark.parametrize("subject, kind, stripped", [
    ("Fwd: Back pain", "forward", "Back pain"), ("FW: RE: Back pain", "forward", "Back pain"),
    ("TR: Mal de dos", "forward", "Mal de dos"), ("WG: Rücken", "forward", "Rücken"),
    ("RV: Dolor", "forward", "Dolor"), ("[Fwd: Netscape]", "forward", "Netscape"), ("İLT: Sırt", "forward", "Sırt"),
    ("Re: Back pain", "reply", "Back pain"), ("AW: Rücken", "reply", "Rücken"), ("SV: Ryg", "reply", "Ryg"),
    ("Back pain", "plain", "Back pain"), ("Fwdx: nope", "plain", "Fwdx: nope"), (None, None, None),
])
def test_subject_hints(subject, kind, stripped):
    assert subject_kind(subject) == kind
    if subject is not None:
        assert strip_subject_prefixes(subject) == stripped


@pytest.mark.timeout(60)  # a hang guard, not a speed claim: a subject of 20,000 spaces once took two minutes
@pytest.mark.parametrize("subject", [" " * 200_000 + "x", "Fwd" + " \t" * 100_000 + "x", "Re" + " " * 200_000 + "x"],
                         ids=["blanks", "Fwd and blanks", "Re and blanks"])
def test_a_subject_of_long_runs_of_blanks_is_read_in_linear_time(subject):
    assert subject_kind(subject) == "plain"
    assert strip_subject_prefixes(subject) == subject.strip()


def test_valid_address_never_checks_dns_and_rejects_special_use_domains():
    assert valid_address("Ada@Clinic.Example") == "ada@clinic.example"
    assert valid_address("ada@clinic.test") is None
    assert valid_address("not an address") is None


PIECES = st.sampled_from([
    "---------- Forwarded message ---------\n", "Begin forwarded message:\n", "From: ", "Von: ", "Date: ",
    "Subject: ", "To: ", "Cc: ", "> ", ">", "<", ">", "a@b.example", "mailto:", "\n", "\n\n", "Sam ", "wrote:",
    "On 1 Jan 2020, ", "________________________________\n", "-----Original Message-----\n", "\t", ",", ";", '"',
    "보낸 사람: ", "От кого: ", "מאת: ", "\u200f", "\u202a", "From ", "Date 3/3/2025 ", "03.03.2025, 09:31, ", " by ",
    " от ", "-------- Пересылаемое сообщение --------\n", "pat.o'brien", "'", "[mailto: ", "-------- Xyz --------\n",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=120), st.sampled_from([None, "Fwd: x", "Re: x", "x"]))
def test_parse_inline_forward_never_raises_and_only_returns_valid_addresses(pieces, subject):
    forward = parse_inline_forward("".join(pieces), subject)
    if forward is not None:
        assert forward.messages
        for message in forward.messages:
            for address in (message.sender_address, *message.to, *message.cc):
                assert address is None or valid_address(address) == address


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=1500), st.one_of(st.none(), st.text(max_size=40)))
def test_parse_inline_forward_never_raises_on_random_text(body, subject):
    parse_inline_forward(body, subject)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_find_forward_never_raises_on_arbitrary_bytes(raw):
    find_forward(email.message_from_bytes(b"Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n" + raw,
                                          policy=email.policy.default))


def test_a_forwarded_from_naming_two_addresses_yields_no_client():
    forward = parse_inline_forward("Please see Maya.\n\n---------- Forwarded message ---------\n"
                                   "From: Sam <eve@attacker.example> <sam@client.example>\n"
                                   "Subject: Hi\n\nHello\n")
    assert forward is not None and forward.messages[0].sender_address is None
