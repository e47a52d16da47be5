"""Outgoing header text: no control character, no injected header, addresses that parse back as set (RELIABILITY 25, 26)."""

from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from introbot.core.addresses import Address, parse_address, parse_address_list
from introbot.core.headers import (MAX_LINE_LENGTH, address_header, clean_header_text, contains_at_sign, display_address,
                                   text_header)

HOSTILE_PIECES = ["\r\n", "\n", "\r", "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\ufeff",
                  "Bcc: eve@evil.example", '"', "'", ",", ";", ":", "<", ">", "(", ")", "\\", "@", "\uff20",
                  "=?utf-8?q?x=0D=0ABcc:_eve=40evil.example?=", "=?utf-8?b?DQpCY2M6IGV2ZUBldmlsLmV4YW1wbGU=?=",
                  "Zoë", "José María", "张伟", "🙂", " ", "\t", "\xa0"]
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=12)), max_size=12).map("".join)
label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
plain_addresses = st.builds("{}{}{}@{}.example".format, label, st.sampled_from(["", ".", "+", "_", "-"]), label, label)


@pytest.mark.parametrize("text, expected", [
    ("Sam Rivera", "Sam Rivera"),
    ("  Sam \t\r\n Rivera  ", "Sam Rivera"),
    ("Sam\r\nBcc: eve@evil.example", "Sam Bcc: eve@evil.example"),
    ("Sa\x00m\x1b[31m", "Sam[31m"),
    ("=?utf-8?q?x=0D=0ABcc:_eve=40evil.example?=", "= ?utf-8?q?x=0D=0ABcc:_eve=40evil.example?="),
    ("Zo\u202eë\u200b", "Zoë"),
    ("a\u2028b\u2029c\x85d", "a b c d"),
    ("\ufeffJosé\xa0María", "José María"),
])
def test_clean_header_text_removes_controls_and_folds_whitespace(text, expected):
    assert clean_header_text(text) == expected


def test_clean_header_text_truncates_on_a_character_boundary_without_trailing_space():
    assert clean_header_text("张伟 " * 100, max_length=9) == "张伟 张伟 张伟"
    assert clean_header_text("🙂" * 300) == "🙂" * 200
    assert clean_header_text("anything", max_length=0) == ""


def test_clean_header_text_refuses_a_negative_length():
    with pytest.raises(ValueError, match="max_length"):
        clean_header_text("x", max_length=-1)


@given(hostile_text, st.integers(min_value=0, max_value=300))
def test_clean_header_text_output_is_always_header_safe_and_stable(text, max_length):
    cleaned = clean_header_text(text, max_length)
    assert len(cleaned) <= max_length
    assert not any(char in cleaned for char in "\r\n\x00\t\x0b\x0c\x7f\x85\u2028\u2029\u202e\ufeff")
    assert cleaned == cleaned.strip() and "  " not in cleaned and "=?" not in cleaned
    assert clean_header_text(cleaned, max_length) == cleaned


@pytest.mark.parametrize("name, email, expected", [
    ("Sam Rivera", "sam@client.example", "Sam Rivera <sam@client.example>"),
    ("Rivera, Sam", "sam@client.example", '"Rivera, Sam" <sam@client.example>'),
    ('Sam "the Rock"', "sam@client.example", '"Sam \\"the Rock\\"" <sam@client.example>'),
    ("", "sam@client.example", "sam@client.example"),
    ("Sam\r\nBcc: eve@evil.example", "sam@client.example", "sam@client.example"),
    ("sam＠client.example", "sam@client.example", "sam@client.example"),
    ("=?utf-8?q?eve=40evil.example?=", "sam@client.example", '"= ?utf-8?q?eve=40evil.example?=" <sam@client.example>'),
])
def test_display_address_quotes_cleans_or_drops_the_name(name, email, expected):
    assert display_address(name, email) == expected


def test_display_address_encodes_a_non_ascii_name_and_an_internationalised_domain():
    assert display_address("Zoë", "zoe@client.example") == "=?utf-8?b?Wm/Dqw==?= <zoe@client.example>"
    assert display_address("Sam", "sam@bücher.example") == "Sam <sam@xn--bcher-kva.example>"
    assert parse_address(display_address("José María", "jose@bücher.example")) == Address("jose@bücher.example", "José María")


def test_display_address_encodes_long_names_in_short_words_cut_after_spaces():
    name = "Maria " + "Anna " * 30 + "x" * 70
    value = display_address(name, "maria@client.example")
    assert all(len(word) <= 60 for word in value.split(" "))
    assert parse_address(value).name == clean_header_text(name)


@pytest.mark.parametrize("email", ["sam@client.example\r\nBcc: eve@evil.example", "sam rivera@client.example",
                                   "<sam@client.example>", "sam@client.example>", "not an address", "sam@client.test"])
def test_display_address_refuses_an_address_that_was_not_validated(email):
    with pytest.raises(ValueError, match="valid address") as raised:
        display_address("Sam", email)
    assert "client" not in str(raised.value)


def test_display_address_refuses_a_non_ascii_local_part_it_cannot_write():
    with pytest.raises(ValueError, match="SMTPUTF8"):
        display_address("Zoë", "zoë@client.example")


def test_address_header_folds_between_words_and_unfolds_to_the_joined_addresses():
    people = [("Sam Rivera", "sam@client.example"), ("Maya Chen", "maya@bodywork.example"), ("Zoë", "zoe@x.example")]
    value = address_header("Reply-To", people)
    lines = value.split("\r\n")
    assert len(lines) > 1 and len("Reply-To: " + lines[0]) <= MAX_LINE_LENGTH
    assert all(line.startswith(" ") and len(line) <= MAX_LINE_LENGTH for line in lines[1:])
    assert value.replace("\r\n", "") == ", ".join(display_address(name, email) for name, email in people)


def test_address_header_needs_someone():
    with pytest.raises(ValueError, match="at least one"):
        address_header("To", [])


def test_contains_at_sign_sees_look_alikes():
    assert contains_at_sign("a@b") and contains_at_sign("a\uff20b") and contains_at_sign("a\ufe6bb")
    assert not contains_at_sign("Sam Rivera")


@given(hostile_text, plain_addresses)
def test_display_address_parses_back_to_the_same_address_and_cleaned_name(name, email):
    address = parse_address(display_address(name, email))
    assert address.email == email
    cleaned = clean_header_text(name)
    assert address.name == ("" if contains_at_sign(cleaned) else cleaned)


def build_intro(subject, people, bot="intro@collective.example"):
    message = EmailMessage(policy=policy.default)
    message.set_raw("From", address_header("From", [("Introbot", bot)]))
    message.set_raw("To", address_header("To", people))
    message.set_raw("Reply-To", address_header("Reply-To", people))
    message.set_raw("Subject", text_header("Subject", subject))
    message["Message-ID"] = "<intro-1@collective.example>"
    message.set_content("Hello both.\n")
    return message


@settings(max_examples=300, deadline=None)
@given(hostile_text, st.lists(st.tuples(hostile_text, plain_addresses), min_size=1, max_size=4,
                              unique_by=lambda person: person[1]))
def test_a_built_message_has_exactly_our_headers_and_the_same_recipients_after_a_round_trip(subject, people):
    message = build_intro(subject, people)
    raw = message.as_bytes()
    assert raw.isascii()
    assert all(len(line) <= MAX_LINE_LENGTH for line in raw.split(b"\n\n")[0].split(b"\n"))
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert [name.lower() for name in parsed.keys()] == [name.lower() for name in message.keys()]
    assert parsed["Subject"] == clean_header_text(subject)
    expected = {(email, "" if contains_at_sign(clean_header_text(name)) else clean_header_text(name))
                for name, email in people}
    folded = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    for header in ("To", "Reply-To"):
        assert {(address.email, address.name) for address in parse_address_list(folded[header])} == expected
        # The stdlib puts a space between adjacent encoded words when it decodes (RFC 2047 6.2 says
        # not to), so its decoded names can hold extra spaces (and so be cut earlier at 200
        # characters), never other addresses.
        decoded = {address.email: address.name.replace(" ", "") for address in parse_address_list(str(parsed[header]))}
        assert decoded.keys() == {email for email, _ in expected}
        assert all(name.replace(" ", "").startswith(decoded[email]) for email, name in expected)
        assert {address.addr_spec for address in parsed[header].addresses} == {email for _, email in people}


def test_an_encoded_newline_in_a_name_adds_no_header():
    """CVE-2024-6923: a name that decodes to CR LF must not become a header of its own."""
    people = [("=?utf-8?q?Sam=0D=0ABcc:_eve=40evil.example?=", "sam@client.example"),
              ("Maya\r\nBcc: eve@evil.example", "maya@bodywork.example")]
    parsed = BytesParser(policy=policy.default).parsebytes(build_intro("Intro\r\nBcc: eve@evil.example", people).as_bytes())
    assert parsed["Bcc"] is None
    assert {address.addr_spec for address in parsed["To"].addresses} == {"sam@client.example", "maya@bodywork.example"}


def test_text_header_encodes_non_ascii_and_unbreakable_words_and_folds():
    assert text_header("Subject", "Intro: Sam\r\nBcc: eve@evil.example") == "Intro: Sam Bcc: eve@evil.example"
    value = text_header("Subject", "Vorstellung: Zoë " + "x" * 70)
    assert value.isascii() and all(len(line) <= MAX_LINE_LENGTH - len("Subject: ") for line in value.split("\r\n"))
    message = EmailMessage(policy=policy.default)
    message.set_raw("Subject", value)
    assert BytesParser(policy=policy.default).parsebytes(message.as_bytes())["Subject"] == "Vorstellung: Zoë " + "x" * 70
