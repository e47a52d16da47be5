"""body_text, html_to_text and header_text: the text a message's own body shows, robust to bad input."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from introbot.core.text import READ_LIMIT, body_text, content_type, header_text, html_to_text


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_a_plain_text_message_gives_its_body_with_lf_line_ends():
    msg = parse(b"From: a@clinic.example\r\nSubject: hi\r\n\r\nYes, happy to.\r\n\r\nSam\r\n")
    assert body_text(msg) == "Yes, happy to.\n\nSam\n"


@pytest.mark.parametrize("subtype, line", [("plain", "Yes, happy to. " * 4 + "\n"),
                                           ("html", "<p>Yes, <b>happy</b> to. Yes, happy to.</p>\n")])
def test_a_reader_gets_the_first_read_limit_characters_of_a_huge_body_and_a_relay_all_of_it(subtype, line):
    """A 10 MB body of text (anyone may send one) would keep each reader past the time budget: readers get the
    first READ_LIMIT characters; a reply passed on to the other party (limit=None) is passed on whole."""
    msg = EmailMessage()
    msg.set_content(line * (3 * READ_LIMIT // len(line)) + "The last line.\n", subtype=subtype)
    read = body_text(msg)
    assert len(read) == READ_LIMIT and read.startswith("Yes, happy to.")
    whole = body_text(msg, limit=None)
    assert len(whole) > 2 * READ_LIMIT and whole.rstrip().endswith("The last line.")


def test_the_plain_alternative_wins_over_html():
    msg = EmailMessage()
    msg.set_content("plain words")
    msg.add_alternative("<p>html words</p>", subtype="html")
    assert body_text(msg).strip() == "plain words"


def test_an_empty_plain_alternative_falls_back_to_the_html_one():
    msg = EmailMessage()
    msg.set_content(" \n")
    msg.add_alternative("<div>only here</div>", subtype="html")
    assert body_text(msg) == "only here"


def test_an_html_only_message_keeps_line_breaks_and_shows_blockquotes_as_quoting():
    msg = EmailMessage()
    msg.set_content(
        "<div>Yes please!<br></div><div class=gmail_quote>On Mon, 2 Mar 2026, Ada wrote:<br>"
        "<blockquote>Shall I introduce you?<br>Reply YES or NO.</blockquote></div>", subtype="html")
    assert body_text(msg) == "Yes please!\nOn Mon, 2 Mar 2026, Ada wrote:\n> Shall I introduce you?\n> Reply YES or NO."


def test_attachments_and_attached_messages_are_not_part_of_the_body():
    inner = EmailMessage()
    inner["From"] = "client@home.example"
    inner.set_content("the client's own words")
    msg = EmailMessage()
    msg.set_content("my note")
    msg.add_attachment(inner)
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="x.pdf")
    msg.add_attachment("notes in a file", filename="notes.txt")
    assert body_text(msg).strip() == "my note"


def test_inline_text_parts_of_a_mixed_body_are_joined():
    raw = (b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n"
           b"--b\r\nContent-Type: image/png\r\n\r\nxx\r\n--b\r\nContent-Type: text/plain\r\n\r\nsecond\r\n--b--\r\n")
    assert body_text(parse(raw)) == "first\n\nsecond"


@pytest.mark.parametrize("content_type, body, expected", [
    (b"text/plain; charset=x-no-such-charset", b"caf\xc3\xa9 \xff", "café \ufffd"),  # unknown: replaced
    (b"text/plain; charset=base64", b"hello", "hello"),                              # not a text codec
    (b"text/plain; charset=punycode", b"a" * 200_000 + b"-b", "a" * 200_000 + "-b"),   # quadratic codec
    (b"text/plain", b"d\xe9j\xe0 vu", "déjà vu"),                                     # undeclared latin-1
    (b"text/plain; charset=us-ascii", b"Gr\xc3\xbc\xc3\x9fe", "Grüße"),                # lying ASCII label
])
def test_missing_or_wrong_charsets_decode_without_raising(content_type, body, expected):
    raw = b"Content-Type: " + content_type + b"\r\n\r\n" + body + b"\r\n"
    assert body_text(parse(raw), limit=None) == expected + "\n"  # all of it: the punycode case is longer than READ_LIMIT


def test_a_message_without_any_text_part_has_an_empty_body():
    msg = EmailMessage()
    msg.set_content(b"\x00\x01", maintype="application", subtype="octet-stream")
    assert body_text(msg) == ""


def test_a_malformed_content_type_means_plain_text():
    msg = parse(b"Content-Type: text\r\n\r\nbody\r\n")
    assert content_type(msg) == "text/plain"
    assert body_text(msg) == "body\n"


def test_html_to_text_hides_scripts_styles_and_head():
    html = ("<html><head><title>T</title><style>p{color:red}</style></head><body><script>x()</script>"
            "<p>Visible &amp; kept</p></body></html>")
    assert html_to_text(html) == "Visible & kept"


def test_html_to_text_survives_a_head_that_is_never_closed():
    assert html_to_text("<html><head><meta charset=utf-8><div>Yes</div>") == "Yes"


def test_html_to_text_renders_lists_rules_preformatted_text_and_nested_quotes():
    html = "<ul><li>one</li><li>two</li></ul><hr><pre>  a\n   b</pre><blockquote>x<blockquote>y</blockquote></blockquote>"
    assert html_to_text(html) == "- one\n- two\n" + "_" * 32 + "\n  a\n   b\n> x\n>> y"


def test_html_to_text_shows_stray_angle_brackets_and_absurd_references_without_failing():
    assert html_to_text("1 < 2 and 3 > 2<br>&#1234567890123; &amp;") == "1 < 2 and 3 > 2\n\ufffd &"
    assert html_to_text("x &#" + "9" * 10_000 + ";") == "x \ufffd"


@pytest.mark.parametrize("hostile", ["<a" * 100_000, "</" * 100_000, "<!--" * 100_000, '<a href="x>' * 50_000,
                                     "<![" * 100_000, "<script>" * 100_000])
def test_html_to_text_handles_unclosed_constructs_in_linear_time(hostile):
    """html.parser needs 40 s for 200 KB of "<a"; completion is what is tested (pytest-timeout guards)."""
    assert isinstance(html_to_text(hostile), str)


def test_html_to_text_keeps_word_blank_paragraphs_as_one_blank_line():
    html = "<p>Hi.</p><p>&nbsp;</p><p>&nbsp;</p><p>Thanks,</p>"
    assert html_to_text(html) == "Hi.\n\nThanks,"


def test_header_text_decodes_encoded_words_and_unfolds():
    msg = parse(b"Subject: =?utf-8?q?Caf=C3=A9?=\r\n  au lait\r\n\r\n")
    assert header_text(msg, "subject") == "Café au lait"
    assert header_text(msg, "X-Missing") is None


def test_header_text_returns_an_undecodable_header_as_received():
    msg = parse(b"Subject: =?x-nope?b?!!!?=\r\n\r\n")
    assert header_text(msg, "Subject") == "=?x-nope?b?!!!?="


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_body_text_never_raises_on_arbitrary_bytes(raw):
    assert isinstance(body_text(parse(raw)), str)


MIME_PIECES = st.sampled_from([
    b"Content-Type: multipart/mixed; boundary=z\r\n", b"Content-Type: multipart/alternative; boundary=z\r\n",
    b"Content-Type: text/html; charset=\"utf-8\r\n", b"Content-Type: message/rfc822\r\n",
    b"Content-Transfer-Encoding: base64\r\n", b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"Content-Transfer-Encoding: x-uuencode\r\n", b"Content-Disposition: attachment; filename=a.eml\r\n",
    b"\r\n", b"--z\r\n", b"--z--\r\n", b"<p>hi<blockquote>q", b"=C3=A9=\r\n", b"aGVsbG8=\r\n", b"\xff\xfe\x00",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(MIME_PIECES, max_size=40))
def test_body_text_never_raises_on_mangled_mime(pieces):
    assert isinstance(body_text(parse(b"".join(pieces))), str)


HTML_PIECES = st.sampled_from(list("<>/=\"' abp&;#x\n!-?") + [
    "<br>", "<blockquote>", "</blockquote>", "<pre>", "</pre>", "<head>", "<script>", "</script>", "&nbsp;",
    "<hr/>", "<li>", "<!--", "-->", "&#", "99999999999", "<![endif]>"])


@settings(max_examples=300, deadline=None)
@given(st.lists(HTML_PIECES, max_size=200))
def test_html_to_text_never_raises(pieces):
    assert isinstance(html_to_text("".join(pieces)), str)


@pytest.mark.parametrize("html, text", [
    ('<p>Please introduce <a href="mailto:sam@client.example">Sam Rivera</a> to Lio.</p>',
     "Please introduce Sam Rivera <sam@client.example> to Lio."),
    ('<p>From: Sam &lt;<a href="mailto:sam@client.example">sam@client.example</a>&gt;</p>',
     "From: Sam <sam@client.example>"),  # the address already shows: not written twice
    ("<a href=mailto:sam%40client.example?subject=Hi>write to me</a>", "write to me <sam@client.example>"),
    ('<a href="https://clinic.example">our site</a>', "our site"),
    ('<a href="mailto:sam@client.example"></a>', ""),
    ('<a href="mailto:x%3E%0A%0AFrom:%20Lio%20%3Clio@craniosacral.example%3E">me</a>', "me"),  # no lines made
])
def test_a_name_linked_to_an_address_shows_the_address_beside_it(html, text):
    assert html_to_text(html) == text
