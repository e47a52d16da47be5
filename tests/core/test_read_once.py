"""The shortcuts of the hot path read exactly what the slow readings did: the header block's end, headers parsed
once (introbot/core/memo.py) and addresses validated once."""

from __future__ import annotations

import re
from email import policy

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from introbot.core.memo import PARSED_ONCE, validated_address
from introbot.core.mime import header_bytes, parse_message

# The header block's definition: everything before the first empty line, whichever line ends it uses.
_EMPTY_LINE = re.compile(rb"\r?\n\r?\n")


def header_block(raw: bytes) -> bytes:
    if raw.startswith((b"\n", b"\r\n")):
        return b""
    end = _EMPTY_LINE.search(raw)
    return raw if end is None else raw[: end.start()]


@settings(max_examples=3000)
@given(st.lists(st.sampled_from([b"\r", b"\n", b"\r\n", b"a", b": ", b" ", b"X-A: b"]), max_size=24).map(b"".join))
def test_header_bytes_ends_at_the_first_empty_line_whatever_the_line_ends(raw):
    assert header_bytes(raw) == header_block(raw)


@pytest.mark.parametrize("raw", [b"A: b\n\r\n\nbody", b"A: b\r\n\nbody", b"A: b\n\nx\r\n\r\n", b"A: b\r\r\n\r\nc",
                                 b"\r\n", b"\n", b"\r", b"", b"A: b\n\r\r\n", b"A: b\r\n\r"])
def test_header_bytes_on_mixed_line_ends(raw):
    assert header_bytes(raw) == header_block(raw)


@given(st.sampled_from(["To", "From", "Subject", "Content-Type", "Date", "Message-ID", "References"]),
       st.text(alphabet=st.sampled_from('ab@<>",;:() =?.\\\t'), max_size=40))
def test_a_header_parsed_once_is_what_the_stdlib_parses_each_time(name, value):
    try:
        fresh = policy.default.header_factory(name, value)
    except Exception as error:  # what the parser refuses is refused again, as it was
        with pytest.raises(type(error)):
            PARSED_ONCE(name, value)
        return
    remembered = PARSED_ONCE(name, value)
    # (The registry makes a new class for every header it parses: the same bases are the same kind of header.)
    assert (str(remembered), type(remembered).__bases__, remembered.name, [str(d) for d in remembered.defects]) == (
        str(fresh), type(fresh).__bases__, fresh.name, [str(d) for d in fresh.defects])
    assert PARSED_ONCE(name, value) is remembered


def test_a_long_header_is_parsed_on_each_read_so_that_no_long_parse_tree_is_kept():
    value = ", ".join(f"Person {i} <p{i}@clinic.example>" for i in range(40))  # a parse tree of hundreds of KB
    first, second = PARSED_ONCE("To", value), PARSED_ONCE("To", value)
    assert first is not second
    assert [a.addr_spec for a in first.addresses] == [a.addr_spec for a in second.addresses] == [
        a.addr_spec for a in policy.default.header_factory("To", value).addresses]


def test_a_parsed_message_reads_its_headers_as_the_default_policy_does():
    raw = (b"From: Ada Lee <ada@clinic.example>\r\nTo: Intro <intro@collective.example>, sam@client.example\r\n"
           b"Subject: =?utf-8?q?Caf=C3=A9?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n")
    message = parse_message(raw)
    for name in ("From", "To", "Subject", "Content-Type"):
        assert str(message[name]) == str(policy.default.header_factory(name, str(message.get_all(name)[0])))
    assert [a.addr_spec for a in message["To"].addresses] == ["intro@collective.example", "sam@client.example"]
    assert message["Subject"] == "Café" and message.get_content_type() == "text/plain"


@pytest.mark.parametrize("text", ["sam@client.example", "Sam@Client.Example", "sam@bücher.example",
                                  "sam@xn--bcher-kva.example", "søren@client.example", "not an address", "a@b",
                                  "sam@@client.example", "", "sam@client.example."])
def test_an_address_validated_once_is_what_email_validator_says(text):
    try:
        expected = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        assert validated_address(text) is None
        return
    got = validated_address(text)
    assert got is not None and (got.normalized, got.local_part, got.domain, got.ascii_domain, got.ascii_email) == (
        expected.normalized, expected.local_part, expected.domain, expected.ascii_domain, expected.ascii_email)
