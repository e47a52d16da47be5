"""Readable plain text out of a message: the best rendering of its own body, and HTML turned into text."""

from __future__ import annotations

import codecs
import re
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from html import unescape
from urllib.parse import unquote

# Attached messages (message/rfc822, message/news...) are someone else's words: find_forward reads them.
# Nesting deeper than this is hostile; real mail stays far below it.
_MAX_DEPTH = 30

_NEWLINES = re.compile(r"\r\n?")


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF, the only line ending the parsers downstream expect."""
    return _NEWLINES.sub("\n", text)


# Reading headers through email.policy.default re-parses them on every access (about 0.3 ms for a
# Content-Type); these few fields are read straight from the raw header with strict, small patterns.
_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([a-z0-9_.:+-]{1,64})""", re.IGNORECASE)
_FILENAME = re.compile(r"""(?:file)?name\*?\s*=\s*["']?([^"';\r\n]{1,300})""", re.IGNORECASE)


def raw_header(part: Message, name: str) -> str | None:
    """The first `name` header exactly as received (folded lines and encoded words left as they are)."""
    wanted = name.lower()
    for key, value in part.raw_items():
        if key.lower() == wanted:
            return str(value)
    return None


def header_text(part: Message, name: str) -> str | None:
    """The first `name` header as readable text: unfolded, RFC 2047 words decoded; None when absent.
    Never raises: an undecodable header comes back as received."""
    raw = raw_header(part, name)
    if raw is None:
        return None
    try:
        text = str(make_header(decode_header(raw)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        text = raw
    return " ".join(text.split())


def content_type(part: Message) -> str:
    """The part's MIME type, lower-cased; the default type when it is missing or malformed (RFC 2045)."""
    value = (raw_header(part, "content-type") or "").split(";", 1)[0].strip().lower()
    return value if _MIME_TYPE.fullmatch(value) else part.get_default_type()


def is_attachment(part: Message) -> bool:
    return (raw_header(part, "content-disposition") or "").split(";", 1)[0].strip().lower() == "attachment"


def filename(part: Message) -> str:
    """The file name a part carries in Content-Disposition or Content-Type, or ""."""
    for name in ("content-disposition", "content-type"):
        match = _FILENAME.search(raw_header(part, name) or "")
        if match:
            return match.group(1).strip()
    return ""


# Characters of a body that introbot reads (about fifty pages): a request, an answer or a forward's header block
# stands far above it, and each reader's time grows with what it is given, so that a 10 MB body of text (which
# anyone may send) would outlast the time budget. Text handed on whole (a reply passed on) is not cut.
READ_LIMIT = 200_000


def body_text(msg: Message, limit: int | None = READ_LIMIT) -> str:
    """The plain text of `msg`'s own body, its first `limit` characters (None: all): text/plain preferred, else
    its HTML turned into text.

    Inline parts of a multipart/mixed body are joined; attachments and attached messages are left out.
    Undeclared, unknown or lying charsets decode with replacement characters: this never raises.
    """
    return normalize_newlines(_render(msg, 0, limit) or "")[:limit]


def _render(part: Message, depth: int, limit: int | None) -> str | None:
    mime_type = content_type(part)
    if depth > _MAX_DEPTH or mime_type.startswith("message/"):
        return None
    if part.is_multipart():
        inline = [child for child in children(part) if not is_attachment(child)]
        if mime_type == "multipart/alternative":
            return _render_alternative(inline, depth + 1, limit)
        texts = [text for text in (_render(child, depth + 1, limit) for child in inline) if text and text.strip()]
        return "\n\n".join(texts) if texts else None
    if mime_type == "text/plain":
        return _decoded(part)[:limit]
    if mime_type == "text/html":  # markup takes room: the text of `limit` characters lies in at most 4 times as many
        return html_to_text(_decoded(part)[:limit * 4 if limit is not None else None])[:limit]
    return None


def children(part: Message) -> list[Message]:
    """The sub-parts of a multipart part (none for a leaf)."""
    payload = part.get_payload()
    return [child for child in payload if isinstance(child, Message)] if isinstance(payload, list) else []


def _render_alternative(alternatives: list[Message], depth: int, limit: int | None) -> str | None:
    """Plain text when the sender offered a non-empty one; otherwise the richest rendering that yields text."""
    plain = [child for child in alternatives if content_type(child) == "text/plain"]
    for child in plain + list(reversed(alternatives)):
        text = _render(child, depth, limit)
        if text and text.strip():
            return text
    return None


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    match = _CHARSET.search(raw_header(part, "content-type") or "")
    charset = match.group(1).lower() if match else ""
    # Mail that declares nothing or plain ASCII is very often UTF-8 in fact; try that strictly first.
    if charset in ("", "us-ascii", "ascii"):
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("cp1252", errors="replace")
    try:
        if codecs.lookup(charset).name in _SLOW_CODECS:
            raise LookupError(charset)
        return payload.decode(charset, errors="replace")
    except (LookupError, ValueError):  # unknown charset name, or a non-text codec such as "base64"
        return payload.decode("utf-8", errors="replace")


# Python text codecs that are no mail charset and decode in quadratic time: a body declared in them
# would stall the daemon (200 KB of punycode takes seconds).
_SLOW_CODECS = frozenset({"punycode", "idna"})


def html_to_text(html: str) -> str:
    """Readable text from HTML: block elements break lines, <blockquote> becomes "> " quoting, <hr> a rule
    of underscores (as Outlook's own plain-text rendering does), scripts, styles and comments vanish.

    Linear time on any input: html.parser in Python 3.11 is quadratic on unclosed tags (200 KB of "<a"
    took 40 s), so tags are found here with str.find, never searching past the next "<".
    """
    writer = _TextWriter()
    position, length = 0, len(html)
    while position < length:
        opening = html.find("<", position)
        if opening < 0:
            writer.data(html[position:])
            break
        writer.data(html[position:opening])
        if html.startswith("<!--", opening):
            closing = html.find("-->", opening + 4)
            position = length if closing < 0 else closing + 3  # an unclosed comment hides the rest
            continue
        next_opening = html.find("<", opening + 1)
        closing = html.find(">", opening + 1, length if next_opening < 0 else next_opening)
        tag = _TAG_NAME.match(html, opening + 1, closing) if closing >= 0 else None
        if closing < 0 or (tag is None and html[opening + 1:opening + 2] not in ("!", "?")):
            writer.data("<")  # a lone "<" is text, as browsers show it
            position = opening + 1
            continue
        position = closing + 1
        if tag is None:
            continue  # <!DOCTYPE>, <![if ...]>, <?xml?>: nothing to show
        name = tag.group(2).lower()
        if tag.group(1):
            writer.end(name)
        elif name in _RAW_TEXT_TAGS:
            end = _RAW_TEXT_END[name].search(html, position)
            position = length if end is None else end.end()
        else:
            writer.start(name)
            if name == "a":
                mailto = _MAILTO.search(html, opening, closing)
                address = unquote(mailto.group(1)) if mailto else ""
                # Only an address is shown: "%0A" decoded in a crafted link would make lines of its own.
                writer.link_to(address if _PLAIN_ADDRESS.fullmatch(address) else "")
    return writer.text()


# <a href="mailto:sam@client.example">Sam Rivera</a>: the address the name links to.
_PLAIN_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"@]{1,64}@[^\s<>()\[\],;:\"@]{1,189}")
_MAILTO = re.compile(r"""href\s*=\s*["']?\s*mailto:([^"'\s>?]+)""", re.IGNORECASE)


_TAG_NAME = re.compile(r"(/?)([a-zA-Z][a-zA-Z0-9:-]{0,40})")
_RAW_TEXT_TAGS = ("script", "style", "title", "template", "textarea")
_RAW_TEXT_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in _RAW_TEXT_TAGS}
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "center", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main",
    "nav", "ol", "p", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
})
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
# html.unescape raises ValueError on a numeric reference with thousands of digits; none is a character.
_HUGE_CHARREF = re.compile(r"&#(?:[xX][0-9a-fA-F]{9,}|[0-9]{9,});?")
_HR_RULE = "_" * 32


class _TextWriter:
    """Collects the text lines of an HTML document as its tags and text arrive."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._current: list[str] = []
        self._quote_depth = 0
        self._pre_depth = 0
        self._in_head = False
        self._link_address = ""  # the mailto: address of the open <a>, whose text is in _link_text
        self._link_text: list[str] = []

    def link_to(self, address: str) -> None:
        self._link_address, self._link_text = address, []

    def start(self, tag: str) -> None:
        if tag == "head":
            self._in_head = True
            return
        if tag == "body" or tag in _BLOCK_TAGS or tag in ("br", "hr", "blockquote", "pre"):
            # <head> is often left open by broken senders: it ends where the body visibly starts.
            self._in_head = False
        if tag == "br":
            self._flush(keep_empty=True)
        elif tag == "hr":
            self._flush()
            self._emit(_HR_RULE)
        elif tag == "blockquote":
            self._flush()
            self._quote_depth += 1
        elif tag == "pre":
            self._flush()
            self._pre_depth += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag == "li":
                self._current.append("- ")
        elif tag in ("td", "th"):
            self._current.append(" ")

    def end(self, tag: str) -> None:
        if tag == "a" and self._link_address:
            # A name linked to an address shows the address beside it, as plain-text mail writes it
            # ("Sam Rivera <sam@client.example>"): the address is who a request names.
            shown = "".join(self._link_text)
            if shown.strip() and self._link_address.lower() not in shown.lower():
                self._current.append(f" <{self._link_address}>")
            self._link_address = ""
        if tag == "head":
            self._in_head = False
        elif tag == "blockquote":
            self._flush()
            self._quote_depth = max(0, self._quote_depth - 1)
        elif tag == "pre":
            self._flush()
            self._pre_depth = max(0, self._pre_depth - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def data(self, raw: str) -> None:
        if not raw or self._in_head:
            return
        text = unescape(_HUGE_CHARREF.sub("\ufffd", raw)) if "&" in raw else raw
        if self._pre_depth:
            for index, piece in enumerate(normalize_newlines(text).split("\n")):
                if index:
                    self._flush(keep_empty=True)
                self._current.append(piece)
            return
        collapsed = _SPACES.sub(" ", text)
        if self._link_address:
            self._link_text.append(collapsed)
        if collapsed.strip(" ") or (self._current and not self._current[-1].endswith(" ")):
            self._current.append(collapsed)

    def _flush(self, keep_empty: bool = False) -> None:
        raw = "".join(self._current)
        self._current = []
        line = raw.rstrip() if self._pre_depth else raw.strip()
        # Word-made HTML writes its blank lines as paragraphs holding a single &nbsp;.
        if line or keep_empty or "\xa0" in raw:
            self._emit(line)

    def _emit(self, line: str) -> None:
        line = line.replace("\xa0", " ")
        if not self._pre_depth:
            line = line.strip()
        if self._quote_depth:
            line = (">" * self._quote_depth + " " + line).rstrip()
        self._lines.append(line)

    def text(self) -> str:
        self._flush()
        kept: list[str] = []
        for line in self._lines:
            # Empty paragraphs and stacked <br> make runs of blank lines; one is enough to read.
            if not line.strip(">").strip() and kept and not kept[-1].strip(">").strip():
                continue
            kept.append(line)
        return "\n".join(kept).strip("\n")
