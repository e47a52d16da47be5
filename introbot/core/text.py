"""Readable plain text out of a message: the best rendering of its own body, and HTML turned into text."""

from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from html.parser import HTMLParser

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


def body_text(msg: Message) -> str:
    """The plain text of `msg`'s own body: text/plain preferred, else its HTML turned into text.

    Inline parts of a multipart/mixed body are joined; attachments and attached messages are left out.
    Undeclared, unknown or lying charsets decode with replacement characters: this never raises.
    """
    return normalize_newlines(_render(msg, 0) or "")


def _render(part: Message, depth: int) -> str | None:
    mime_type = content_type(part)
    if depth > _MAX_DEPTH or mime_type.startswith("message/"):
        return None
    if part.is_multipart():
        inline = [child for child in children(part) if not is_attachment(child)]
        if mime_type == "multipart/alternative":
            return _render_alternative(inline, depth + 1)
        texts = [text for text in (_render(child, depth + 1) for child in inline) if text and text.strip()]
        return "\n\n".join(texts) if texts else None
    if mime_type == "text/plain":
        return _decoded(part)
    if mime_type == "text/html":
        return html_to_text(_decoded(part))
    return None


def children(part: Message) -> list[Message]:
    """The sub-parts of a multipart part (none for a leaf)."""
    payload = part.get_payload()
    return [child for child in payload if isinstance(child, Message)] if isinstance(payload, list) else []


def _render_alternative(alternatives: list[Message], depth: int) -> str | None:
    """Plain text when the sender offered a non-empty one; otherwise the richest rendering that yields text."""
    plain = [child for child in alternatives if content_type(child) == "text/plain"]
    for child in plain + list(reversed(alternatives)):
        text = _render(child, depth)
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
        return payload.decode(charset, errors="replace")
    except (LookupError, ValueError):  # unknown charset name, or a non-text codec such as "base64"
        return payload.decode("utf-8", errors="replace")


def html_to_text(html: str) -> str:
    """Readable text from HTML: block elements break lines, <blockquote> becomes "> " quoting, <hr> a rule
    of underscores (as Outlook's own plain-text rendering does), scripts and styles vanish."""
    converter = _HtmlToText()
    converter.feed(html)
    converter.close()
    return converter.text()


_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "center", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main",
    "nav", "ol", "p", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
})
_HIDDEN_TAGS = frozenset({"script", "style", "title", "template", "head"})
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_HR_RULE = "_" * 32


class _HtmlToText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._lines: list[str] = []
        self._current: list[str] = []
        self._quote_depth = 0
        self._pre_depth = 0
        self._hidden: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden.append(tag)
        elif tag == "body" or (tag in _BLOCK_TAGS or tag in ("br", "hr", "blockquote", "pre")) and "head" in self._hidden:
            # <head> is often left open by broken senders: it ends where the body visibly starts.
            self._hidden = [hidden for hidden in self._hidden if hidden != "head"]
            if tag != "body":
                self.handle_starttag(tag, attrs)
        elif tag == "br":
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

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            if tag in self._hidden:
                del self._hidden[len(self._hidden) - 1 - self._hidden[::-1].index(tag)]
        elif tag == "blockquote":
            self._flush()
            self._quote_depth = max(0, self._quote_depth - 1)
        elif tag == "pre":
            self._flush()
            self._pre_depth = max(0, self._pre_depth - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._pre_depth:
            pieces = normalize_newlines(data).split("\n")
            for index, piece in enumerate(pieces):
                if index:
                    self._flush(keep_empty=True)
                self._current.append(piece)
            return
        collapsed = _SPACES.sub(" ", data)
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
