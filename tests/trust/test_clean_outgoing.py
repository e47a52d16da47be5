"""Outgoing mail from hostile input: no header injected, envelope recipients exactly as intended (RELIABILITY 25-28)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from introbot.config import Person
from introbot.core.addresses import parse_address, parse_address_list
from tests.conversation import ADA, BOT, MAYA, gmail_forward, new_message
from tests.service_world import Desk, Mail, as_received, our_results

ALLOWED_HEADERS = {"from", "to", "reply-to", "subject", "date", "message-id", "in-reply-to", "references",
                   "auto-submitted", "x-auto-response-suppress", "x-introbot-loop", "content-language",
                   "content-type", "content-transfer-encoding", "mime-version"}
EVE = "eve@mail.example"
# Names that try to smuggle a header or a recipient: raw and encoded line breaks (CVE-2024-6923),
# Unicode line separators, address look-alikes, quotes and commas, markup.
NASTY_NAMES = [
    "=?utf-8?q?Sam=0D=0ABcc:_eve@mail.example?=",
    "=?utf-8?b?U2FtDQpCY2M6IGV2ZUBtYWlsLmV4YW1wbGU=?=",
    "Sam =?utf-8?q?=0ABcc=3A_eve=40mail=2Eexample?= Rivera",
    "Sam\u2028Bcc: eve@mail.example", "Sam\x85Bcc: eve@mail.example", "Sam\x0bBcc:\x0ceve@mail.example",
    "Sam\x00Rivera", "Sam\u202eareviR", '"Sam, Rivera"', "Sam, Bcc: eve@mail.example", "Sam; eve",
    "Sam \\\" Rivera", "<script>alert('x')</script>", "Sam & Rivera's <b>", "Sam\tRivera", "Ŝàm Rïvérà 山田",
    "x" * 300,
]
names = st.one_of(st.sampled_from(NASTY_NAMES),
                  st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n<>@"), max_size=60),
                  st.text(st.sampled_from(list("Sam=?qQbB_:;,\"'\\ \t\x0b\x0c\u2028\u0085=0DA")), max_size=40))
local_parts = st.from_regex(r"[a-z0-9][a-z0-9+_-]{0,15}(\.[a-z0-9_-]{1,8})?", fullmatch=True)
domains = st.sampled_from(["client.example", "example.org", "xn--bcher-kva.example", "sub.client.example"])


def unfolded_headers(raw: bytes) -> list[tuple[str, str]]:
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    assert b"\r" not in head, "a lone CR in the header block"
    assert all(byte in (9, 10) or 32 <= byte < 127 for byte in head), "a control or 8-bit byte in a header"
    fields: list[tuple[str, str]] = []
    for line in head.decode("ascii").split("\n"):
        if line[:1] in (" ", "\t"):
            name, value = fields[-1]
            fields[-1] = (name, value + line)
        else:
            name, _, value = line.partition(":")
            fields.append((name, value.strip()))
    return fields


def ascii_form(email: str) -> str:
    """The address as the envelope carries it: an internationalised domain in its xn-- form."""
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def assert_clean(mail: Mail, expected_to: set[str], expected_reply_to: set[str] | None = None) -> None:
    assert mail.raw is not None
    fields = unfolded_headers(mail.raw)
    names = [name.lower() for name, _ in fields]
    assert set(names) <= ALLOWED_HEADERS, set(names) - ALLOWED_HEADERS
    assert len(names) == len(set(names)), "a header appears twice"
    values = dict((name.lower(), value) for name, value in fields)
    assert parse_address(values["from"]).email == BOT
    to = {ascii_form(a.email) for a in parse_address_list(values["to"])}
    assert to == set(mail.recipients) == expected_to
    reply_to = {ascii_form(a.email) for a in parse_address_list(values["reply-to"])} if "reply-to" in values else set()
    if expected_reply_to is None:
        assert all(a.endswith("@collective.example") for a in reply_to)
    else:
        assert reply_to == expected_reply_to
    assert mail.envelope_from.endswith("@collective.example")
    assert EVE not in mail.recipients


def forward_naming(name: str, address: str) -> bytes:
    client_mail = new_message(("Sam", address), ADA, "Back pain", "Do you know someone for massage?\n")
    client_mail.replace_header("From", f"X <{address}>")
    forward = gmail_forward(ADA, client_mail, "Maya, could you see this client? Thanks, Ada")
    body = forward.get_content().replace(f"From: X <{address}>", f"From: {name} <{address}>")
    forward.set_content(body)
    forward.replace_header("Subject", "Fwd: " + " ".join(name.split())[:80])
    return as_received(forward, our_results("clinic.example"))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=names, local=local_parts, domain=domains)
@example(name=NASTY_NAMES[0], local="sam", domain="client.example")
def test_hostile_names_in_a_forward_reach_no_header_and_nobody_else(name, local, domain):
    address = f"{local}@{domain}"
    with tempfile.TemporaryDirectory() as folder:
        with Desk(Path(folder)) as desk:
            desk.receive(forward_naming(name, address))
            first = desk.mail()
            assert len(first) == 1
            if first[0].kind == "clarify":  # the name kept the parser from finding the client: only Ada hears
                assert_clean(first[0], {ADA[1]})
                return
            [ask] = first
            assert ask.kind == "ask_client"
            assert_clean(ask, {address})
            desk.answer(ask, ("Sam", address), "Yes please")
            [colleague_ask] = desk.mail_to(MAYA[1])
            assert_clean(colleague_ask, {MAYA[1]})
            desk.answer(colleague_ask, MAYA, "Yes")
            [introduction] = desk.mail_to(MAYA[1], "introduction")
            assert_clean(introduction, {address, MAYA[1]}, {address, MAYA[1]})
            html = introduction.message.get_body(("html",)).get_content()
            assert "<script" not in html and "<b>" not in html
            for mail in desk.mail():
                assert_clean(mail, set(mail.recipients), None if mail.kind != "introduction" else set(mail.recipients))


def introduced(desk: Desk, name: str) -> Mail:
    """The introduction after a forward naming the client `name` <sam@client.example>, and two yeses."""
    desk.receive(forward_naming(name, "sam@client.example"))
    [ask] = desk.mail()
    desk.answer(ask, ("Sam", "sam@client.example"), "yes")
    desk.answer(desk.mail_to(MAYA[1])[0], MAYA, "yes")
    [introduction] = desk.mail_to(MAYA[1], "introduction")
    return introduction


def test_an_encoded_line_break_in_the_clients_name_adds_no_header_to_the_introduction(tmp_path):
    with Desk(tmp_path) as desk:
        introduction = introduced(desk, "=?utf-8?q?Sam=0D=0ABcc:_Eve=0D=0AX-Injected:_1?= Rivera")
        assert introduction.message.get("Bcc") is None and b"\nBcc" not in introduction.raw
        assert introduction.message.get("X-Injected") is None
        assert "Sam" in str(introduction.message["Subject"])
        assert_clean(introduction, {"sam@client.example", MAYA[1]}, {"sam@client.example", MAYA[1]})


def test_an_address_hidden_in_the_clients_name_makes_introbot_ask_the_referrer_not_guess(tmp_path):
    with Desk(tmp_path) as desk:
        desk.receive(forward_naming("=?utf-8?q?Sam=0D=0ABcc:_eve@mail.example?= Rivera", "sam@client.example"))
        [question] = desk.mail()
        assert question.kind == "clarify" and question.recipients == (ADA[1],)


def test_markup_in_names_and_a_website_is_escaped_in_the_html_part(tmp_path):
    maya = Person('Maya <script>alert("x")</script> Chen', MAYA[1], specialty="<i>massage</i>",
                  website='https://bodywork.example/"><script>alert(1)</script>')
    with Desk(tmp_path, maya=maya) as desk:
        introduction = introduced(desk, "O'Brien&Sons")
        html = introduction.message.get_body(("html",)).get_content()
        assert "<script" not in html and "<i>" not in html and '"><' not in html
        assert "O&#39;Brien&amp;Sons" in html and "&lt;script&gt;" in html and "&lt;i&gt;massage" in html
        assert_clean(introduction, {"sam@client.example", MAYA[1]}, {"sam@client.example", MAYA[1]})


def test_an_internationalised_domain_is_one_mailbox_in_both_spellings(tmp_path):
    with Desk(tmp_path) as desk:
        desk.receive(forward_naming("Sam", "sam@bücher.example"))
        [ask] = desk.mail()
        assert ask.recipients == ("sam@xn--bcher-kva.example",)  # RCPT TO cannot carry ü without SMTPUTF8
        [intro] = desk.store.intros()
        assert intro.role_of("sam@xn--bcher-kva.example") is intro.role_of("sam@bücher.example") is not None


@pytest.mark.parametrize("name", ["\\ Rivera", "\\g<0> Rivera", "Sam\\1 Rivera"])
def test_a_backslash_in_the_clients_name_is_only_text_when_the_note_is_redacted(tmp_path, name):
    """Found by the property above: the first name was used as a re.sub template, so "\\" crashed the colleague ask."""
    with Desk(tmp_path) as desk:
        desk.receive(forward_naming(name, "sam@client.example"))
        [ask] = desk.mail()
        desk.answer(ask, ("Sam", "sam@client.example"), "yes")
        [colleague_ask] = desk.mail_to(MAYA[1])
        assert_clean(colleague_ask, {MAYA[1]})
