"""Strict address parsing: one meaning or an AddressError, never a guess (RELIABILITY 24, CVE-2023-27043)."""

import base64
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from introbot.core.addresses import (MAX_MAILBOX_CHARS, Address, AddressError, addresses_in_text, is_valid_address,
                                     parse_address, parse_address_list)
from introbot.core.headers import address_header, clean_header_text


def encoded(text):
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


@pytest.mark.parametrize("value, expected", [
    ("sam@client.example", Address("sam@client.example")),
    ("Sam Rivera <sam@client.example>", Address("sam@client.example", "Sam Rivera")),
    ("<Sam.Rivera+intro@Client.EXAMPLE>", Address("sam.rivera+intro@client.example")),
    ('"Rivera, Sam" <sam@client.example>', Address("sam@client.example", "Rivera, Sam")),
    ('"Sam \\"the Rock\\" Rivera" <sam@client.example>', Address("sam@client.example", 'Sam "the Rock" Rivera')),
    ("J. Smith <j@client.example>", Address("j@client.example", "J. Smith")),
    ("sam@client.example (Sam Rivera)", Address("sam@client.example")),
    ("Sam\r\n Rivera\r\n <sam@client.example>", Address("sam@client.example", "Sam Rivera")),
    ("Zoë Ünal <zoe@client.example>", Address("zoe@client.example", "Zoë Ünal")),
    ("=?utf-8?q?Zo=C3=AB?= =?utf-8?b?IMOcbmFs?= <zoe@client.example>", Address("zoe@client.example", "Zoë Ünal")),
    ('"=?iso-8859-1?q?Jos=E9?=" <jose@client.example>', Address("jose@client.example", "José")),
    ("=?x-unknown?q?Sam?= <sam@client.example>", Address("sam@client.example", "Sam")),
    ("Sam\u202e Rivera <sam@client.example>", Address("sam@client.example", "Sam Rivera")),
    ('"sam@client.example" <sam@client.example>', Address("sam@client.example")),
    ("\"'Sam@Client.example'\" <sam@client.example>", Address("sam@client.example")),
    ("zoë@bücher.example", Address("zoë@bücher.example")),
    ("Ada <ada@example.org>", Address("ada@example.org", "Ada")),
])
def test_parse_address_reads_one_address_and_its_cleaned_name(value, expected):
    assert parse_address(value) == expected
    assert parse_address_list(value) == (expected,)


@pytest.mark.parametrize("value, problem", [
    ("alice@example.org)<bob@example.org>", "unexpected ')'"),
    ("alice@example.org(<bob@example.org>", "comment holds an address"),
    ('"a@b.example" <c@d.example>', "display name holds an at-sign"),
    ("a@b.example <c@d.example>", "followed by more text"),
    ("Sam <a@b.example> <c@d.example>", "followed by more text"),
    ("Sam <a@b.example>, Eve <c@d.example>", "more than 1"),
    ("sam@client.example (sent for eve@evil.example)", "comment holds an address"),
    (f"{encoded('eve@evil.example')} <sam@client.example>", "display name holds an at-sign"),
    (f'"{encoded("x <eve@evil.example>")}" <sam@client.example>', "display name holds an at-sign"),
    ("sam\uff20client.example <eve@evil.example>", "display name holds an at-sign"),
    ("Sam Rivera sam@client.example", "expected an address"),
    ('"sam rivera"@client.example', "expected an address"),
    ("sam @client.example", "without spaces"),
    ("sam(x)@client.example", "without spaces"),
    ("<sam@client.example", "not closed"),
    ("<@relay.example:sam@client.example>", "without spaces"),
    ("sam@[192.0.2.1]", "unexpected '['"),
    ('"unterminated <sam@client.example>', "unexpected '\"'"),
    ("sam@client.example\nBcc: eve@evil.example", "control character"),
    ("sam@client.example\x00", "control character"),
    ("sam@client.example\u2028", "control character"),
    ("Friends: sam@client.example;", "group"),
    ("", "no address"),
    ("  (just a comment)  ", "no address"),
    ("sam@client.test", "not valid"),
    ("sam@localhost", "not valid"),
    ("((((deep))))sam@client.example", "nested"),
    ("sam@client.example (unclosed", "not closed"),
    ("=?utf-8?q?Sam=0D=0ABcc=3A_x?= <sam@client.example>", "standard library parser cannot read"),
    ("sam@client.exampleµ", "look-alike"),
    ("sam@client\uff0eexample", "look-alike"),
    ("x" * (MAX_MAILBOX_CHARS + 1) + " <sam@client.example>", "longer than"),
])
def test_parse_address_refuses_anything_ambiguous_with_a_message_that_names_no_one(value, problem):
    with pytest.raises(AddressError, match=re.escape(problem)) as raised:
        parse_address(value)
    for private in ("sam", "eve", "alice", "bob", "client.example"):
        assert private not in str(raised.value)


def test_parse_address_list_keeps_groups_and_first_occurrences():
    value = ("Sam Rivera <sam@client.example>, Maya: maya@bodywork.example, SAM@client.example;, ,"
             " undisclosed-recipients:;, ada@clinic.example")
    assert parse_address_list(value) == (Address("sam@client.example", "Sam Rivera"),
                                         Address("maya@bodywork.example"), Address("ada@clinic.example"))


@pytest.mark.parametrize("value", [
    "sam@client.example, alice@example.org)<bob@example.org>",
    'sam@client.example, "a@b.example" <c@d.example>',
    "sam@client.example, Team: x@client.example",
    "sam@client.example, eve@ex.example: x@client.example;",
    "sam@client.example, : x@client.example;",
    "Sam <sam@client.example>; maya@bodywork.example",
    "sam@client.example maya@bodywork.example",
])
def test_parse_address_list_refuses_the_whole_header_on_any_trick(value):
    with pytest.raises(AddressError):
        parse_address_list(value)


def test_parse_address_list_enforces_its_limit():
    five = ", ".join(f"p{i}@client.example" for i in range(5))
    assert len(parse_address_list(five, limit=5)) == 5
    with pytest.raises(AddressError, match="more than 4"):
        parse_address_list(five, limit=4)
    with pytest.raises(AddressError, match="longer than"):
        parse_address_list("x" * (2 * MAX_MAILBOX_CHARS + 1), limit=2)
    assert len(parse_address_list(", ".join(f"Person {i} <p{i}@client.example>" for i in range(500)))) == 500


def test_address_domain_is_the_part_after_the_at_sign():
    assert parse_address("Sam <sam@Client.Example>").domain == "client.example"


@pytest.mark.parametrize("text, valid", [
    ("sam@client.example", True), ("SAM@CLIENT.EXAMPLE", True), ("zoë@bücher.example", True),
    ("Sam <sam@client.example>", False), ("sam@client.test", False), ("sam", False), ("", False),
    ("sam@client.example\r\n", False), (" sam@client.example", False), ('"sam rivera"@client.example', False),
])
def test_is_valid_address_accepts_only_a_bare_address(text, valid):
    assert is_valid_address(text) is valid


def test_addresses_in_text_finds_every_written_form_once_with_names_before_brackets():
    text = """Hi Maya, please introduce Sam Rivera <sam@client.example> to Dr. Ada Lee <ADA@clinic.example>.
From: sam rivera <sam@client.example>
*Von:* jörg mayer <joerg@bücher.example>
You can also write to mailto:maya@bodywork.example?subject=hi or (office@bodywork.example),
'quoted@client.example', o'brien@client.example. "Rivera, Sam" <s2@client.example>
Maria de la Cruz <maria@client.example>; please introduce sam <s3@client.example>
not an address: a@b, x@y.test, @client.example, sam@, trailing@client.example."""
    assert addresses_in_text(text) == (
        Address("sam@client.example", "Sam Rivera"), Address("ada@clinic.example", "Dr. Ada Lee"),
        Address("joerg@bücher.example", "jörg mayer"), Address("maya@bodywork.example"),
        Address("office@bodywork.example"), Address("quoted@client.example"), Address("o'brien@client.example"),
        Address("s2@client.example", "Rivera, Sam"), Address("maria@client.example", "Maria de la Cruz"),
        Address("s3@client.example"), Address("trailing@client.example"))


def test_addresses_in_text_takes_no_name_that_holds_an_address():
    assert addresses_in_text('"eve@evil.example" <sam@client.example>') == (
        Address("eve@evil.example"), Address("sam@client.example"))


def test_addresses_in_text_stays_linear_on_hostile_text():
    hostile = "a" * 200_000 + "@" * 50_000 + "." * 1000 + " sam@client.example"
    assert addresses_in_text(hostile) == (Address("sam@client.example"),)


ADDRESSES = ["sam@client.example", "maya@bodywork.example", "eve@evil.example", "ada@clinic.example"]
HOSTILE_PIECES = ADDRESSES + ["<", ">", "(", ")", '"', "\\", ",", ";", ":", "@", " ", "\t", "\r\n ", "\r\n", "\n",
                              "\x00", "\u2028", "=?utf-8?q?", "?=", "=40", "=0D=0A", "[", "]", ".", "'", "Zoë", "＠",
                              encoded("eve@evil.example"), encoded("\r\nBcc: eve@evil.example"), "mailto:"]
hostile_values = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=6)), max_size=14).map("".join)


def written(name, email, form):
    return {"bare": email, "plain": f"{name} <{email}>", "encoded": f"{encoded(name)} <{email}>",
            "quoted": '"' + name.replace("\\", "\\\\").replace('"', '\\"') + f'" <{email}>'}[form]


def spliced(header, piece, position):
    position = min(position, len(header))
    return header[:position] + piece + header[position:]


# Well-formed headers with hostile names, then one hostile piece spliced in anywhere: most parse, some
# turn into tricks, and the properties below must hold for every one of them.
mutated_headers = st.builds(
    spliced,
    st.lists(st.builds(written, st.text(max_size=12), st.sampled_from(ADDRESSES),
                       st.sampled_from(["bare", "plain", "encoded", "quoted"])), min_size=1, max_size=3).map(", ".join),
    st.one_of(st.just(""), st.sampled_from(HOSTILE_PIECES)), st.integers(min_value=0, max_value=120))


@settings(max_examples=1000, deadline=None)
@given(st.one_of(hostile_values, mutated_headers))
def test_hostile_headers_raise_only_address_error_and_never_invent_an_address(value):
    for parse in (lambda v: (parse_address(v),), parse_address_list):
        try:
            found = parse(value)
        except AddressError:
            continue
        for address in found:
            assert address.email in value.lower()
            assert address.name == clean_header_text(address.name)
            assert "@" not in address.name


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30), st.sampled_from(ADDRESSES), st.sampled_from(ADDRESSES), st.text(max_size=30),
       st.sampled_from(["plain", "quoted", "encoded"]))
def test_a_display_name_holding_another_address_is_always_refused(before, hidden, real, after, form):
    name = before + hidden + after
    phrase = {"plain": name, "quoted": '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"',
              "encoded": encoded(name)}[form]
    value = f"{phrase} <{real}>"
    try:
        found = parse_address(value)
    except AddressError:
        return
    assert found.email == real and hidden == real and found.name in ("", clean_header_text(name))


@given(st.lists(st.tuples(st.text(max_size=40), st.sampled_from(ADDRESSES)), min_size=1, max_size=4))
def test_our_own_address_headers_parse_back_exactly(people):
    value = address_header("To", people)
    expected = {}
    for name, email in people:
        cleaned = clean_header_text(name)
        expected.setdefault(email, "" if "@" in cleaned or "＠" in cleaned or "﹫" in cleaned else cleaned)
    assert {address.email: address.name for address in parse_address_list(value)} == expected
