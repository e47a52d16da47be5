"""How long each reader of the pure core takes on long and hostile texts, at the sizes introbot reads up to.

`python3 -m bench.reading [--scale S]` prints the whole grid (reader × shape × size); `python3 -m bench.run
--only reading` reports each reader's worst time at its cap against its target, and the slowest rows.

Every text is one short unit repeated up to the size: a hostile sender can write any of them, and each
aims at a pattern's weak spot (a long line of words, many short sentences on one line, many lines,
commas, the words the readers look for, addresses, encoded words, runs of spaces or punctuation). Each
reader is measured at a quarter, half and all of its cap: a linear reader takes about twice as long when
the size doubles, a quadratic one four times.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Callable, Sequence

from bench.corpus import COLLEAGUES, PRACTITIONERS
from bench.report import markdown, number
from introbot.core import quotes
from introbot.core.answers import _MAX_CHARS as ANSWER_CAP
from introbot.core.compose import LOOP_HEADER
from introbot.core.echo import own_words
from introbot.core.forwards import find_forward
from introbot.core.holding import defers, holds_back
from introbot.core.mime import parse_message
from introbot.core.request import (_MAX_REQUEST_CHARS as REQUEST_CAP, Directory, corrected_colleague,
                                   resolve_clarification, takes_no_option, understand, without_options_refused)
from introbot.core.robots import _SCAN_LIMIT as SCAN_CAP, detect_automatic, read_consent
from introbot.core.text import body_text, html_to_text
from tests.conversation import BOT

# One unit each, repeated up to the size. Units without a line end make one long line.
SHAPES = {
    "words": "the session today helped a lot and I wanted to ask about next steps ",
    "sentences": "Sam is well. ",
    "lines": "Sam is well today\n",
    "commas": "Sam, ",
    "put": "put ",
    "connect": "connect ",
    "intro": "intro ",
    "meet": "Sam, meet ",
    "wrote": "wrote: ",
    "wrote lines": "On Mon, 2 Mar 2026 Sam wrote:\n",
    "On": "On ",
    ">": ">",
    "> lines": "> Sam\n",
    "From:": "From: ",
    "From: lines": "From: Sam Rivera <sam@client.example>\n",
    "yes": "yes ",
    "no": "no ",
    "names": "Maya Chen Lio Park ",
    "addresses": "<a@b.example> ",
    "encoded words": "=?utf-8?",
    "spaces": " ",
    "tabs": "\t",
    "punctuation": ".,;:!?*",
    "punctuation lines": ".,;:!?*" * 140 + "\n",  # as long as RFC 5322 lets a line be
    "dashes": "-",
    "underscores": "_",
    "tags": "<p>a</p>",
    "open tags": "<a ",
}
# What an honest message looks like: the reference each reader's worst time is put beside.
ORDINARY = ("Hi,\n\nCould you please introduce Sam Rivera <sam@client.example> to Maya Chen? Sam has had back pain "
            "for months and would like to try massage. Yes, she knows you are getting in touch.\n\nThanks,\nAda\n\n"
            "On Mon, 2 Mar 2026 at 09:00, Sam Rivera <sam@client.example> wrote:\n> Hi Ada, do you know someone "
            "for my back?\n> Sam\n")
# Our mail that a reply may repeat without quoting it (see echo.own_words).
OUR_ASK = ("Hi Sam,\n\nDr. Ada Lee would like to introduce you to Maya Chen (massage therapy). Would you like that? "
           "Just reply YES or NO to this email.\n\nIntro Assistant, for Dr. Ada Lee\n")
OUR_QUESTION = ("Hi Ada,\n\nWhich colleague would you like Sam to meet?\n1. Maya Chen (massage therapy)\n"
                "2. Lio Park (craniosacral therapy)\nJust reply with the number or the name.\n")

REFERRER = PRACTITIONERS[0]
DIRECTORY = Directory(PRACTITIONERS + COLLEAGUES)
OPTIONS = (DIRECTORY.candidate(COLLEAGUES[0].email), DIRECTORY.candidate(COLLEAGUES[1].email))
EXCLUDED = frozenset({REFERRER.email, BOT})
TARGET = 0.5  # seconds for one reader on one message at its cap (see README, "Reading hostile mail")
SUPERLINEAR = 3.0  # growth when the size doubles: about 2 for a linear reader, 4 for a quadratic one
NOISE_FLOOR = 0.02  # seconds: below this a growth ratio is the machine's noise, not the reader's


def _headers(**extra: str) -> str:
    fields = {"From": f"{REFERRER.name} <{REFERRER.email}>", "To": f"Intro <{BOT}>", "Subject": "Intro",
              "Message-ID": "<reading@clinic.example>", "Date": "Mon, 02 Mar 2026 09:00:00 +0000",
              "MIME-Version": "1.0", "Content-Type": "text/plain; charset=utf-8",
              "Content-Transfer-Encoding": "8bit", **{name.replace("_", "-"): value for name, value in extra.items()}}
    return "".join(f"{name}: {value}\n" for name, value in fields.items())


def raw(text: str, **headers: str) -> bytes:
    """`text` as the body of a message to intro@, sent as it is (8bit, one line if it has no line end)."""
    return (_headers(**headers) + "\n" + text).encode("utf-8")


def message(text: str, **headers: str) -> EmailMessage:
    """`text` as the body of a message to intro@, parsed as introbot parses what it fetches."""
    return parse_message(raw(text, **headers))


def forward(text: str) -> EmailMessage:
    """`text` as the note above an inline forward and as the body forwarded."""
    return message(f"{text}\n\n---------- Forwarded message ---------\nFrom: Sam Rivera <sam@client.example>\n"
                   f"Date: Mon, 2 Mar 2026 at 08:00\nSubject: Back pain\nTo: {REFERRER.name} <{REFERRER.email}>\n\n"
                   f"{text}\n", Subject="Fwd: Back pain")


def bounce(text: str) -> EmailMessage:
    """`text` as a bounce in an MTA's own words, above the status it gives. (A report with a delivery-status part
    is read from its fields, whatever its text says: a millisecond.)"""
    return message(f"{text}\n\nFinal-Recipient: rfc822; sam@client.example\nAction: failed\nStatus: 5.1.1\n",
                   From="Mail Delivery System <MAILER-DAEMON@mx.client.example>", Subject="Undelivered Mail")


def _which_colleague(text: str) -> None:
    """The referrer's answer to "which colleague?", read as the service reads it (Service._referrer_reply)."""
    answer = own_words(text, [OUR_QUESTION])
    found = resolve_clarification(answer, "colleague", OPTIONS, DIRECTORY, set(EXCLUDED))
    holds_back(without_options_refused(answer, OPTIONS, DIRECTORY), picking=True)
    holds_back(answer, picking=bool(found))
    corrected_colleague(answer, OPTIONS[0], DIRECTORY, EXCLUDED)  # "Sorry, I meant Lio", to a confirmation
    takes_no_option(answer)
    defers(answer)


@dataclass(frozen=True)
class Reader:
    """One reader: what it reads (`prepare`, untimed, makes its input from the text) up to which cap."""

    key: str
    name: str
    cap: int          # characters of hostile text it is measured up to: the most introbot lets it read
    prepare: Callable[[str], object]
    read: Callable[[object], object]


READERS = (
    Reader("understand.direct", "understand(), to intro@ alone", REQUEST_CAP, message,
           lambda msg: understand(msg, REFERRER, DIRECTORY, BOT)),
    Reader("understand.cc", "understand(), client in CC", REQUEST_CAP,
           lambda text: message(text, Cc="Sam Rivera <sam@client.example>"),
           lambda msg: understand(msg, REFERRER, DIRECTORY, BOT)),
    Reader("understand.forward", "understand(), a forward", REQUEST_CAP, forward,
           lambda msg: understand(msg, REFERRER, DIRECTORY, BOT)),
    Reader("consent", "consent answer", ANSWER_CAP, str,
           lambda text: read_consent(own_words(text, [OUR_ASK]), signed_by="Sam Rivera")),
    Reader("which_colleague", "which-colleague answer", ANSWER_CAP, str,
           _which_colleague),
    Reader("split_reply", "split_reply()", SCAN_CAP, str, quotes.split_reply),
    Reader("find_forward", "find_forward()", SCAN_CAP, message, find_forward),
    Reader("robots.reply", "robots, a reply", SCAN_CAP,
           lambda text: message(text, Subject="Re: Would you like an introduction?"),
           lambda msg: detect_automatic(msg, own_loop_header=(LOOP_HEADER, BOT))),
    Reader("robots.bounce", "robots, a bounce", SCAN_CAP, bounce,
           lambda msg: detect_automatic(msg, own_loop_header=(LOOP_HEADER, BOT))),
    Reader("body_text", "body_text()", SCAN_CAP, message, body_text),
    Reader("html_to_text", "html_to_text()", SCAN_CAP, str, html_to_text),
    Reader("parse_message", "parse_message()", SCAN_CAP, raw, parse_message),
)


@dataclass(frozen=True)
class Timing:
    reader: Reader
    shape: str
    size: int
    seconds: float
    growth: float | None  # seconds at this size over seconds at half of it; None at the smallest size


def text_of(shape: str, size: int) -> str:
    unit = SHAPES[shape]
    return (unit * (size // len(unit) + 1))[:size]


def seconds(reader: Reader, text: str) -> float:
    """The time of one reading; a quick one is the best of three (this machine is shared)."""
    argument = reader.prepare(text)
    best = float("inf")
    for attempt in range(3):
        quotes._split_kept.cache_clear()  # each reading splits its text anew, as for a new message
        started = time.perf_counter()
        reader.read(argument)
        best = min(best, time.perf_counter() - started)
        if best > 0.1:
            break
    return best


def sizes(reader: Reader, scale: float) -> tuple[int, int, int]:
    cap = max(8, round(reader.cap * scale))
    return cap // 4, cap // 2, cap


def measure(scale: float = 1.0, readers: Sequence[Reader] = READERS, shapes: Sequence[str] = tuple(SHAPES),
            say: Callable[[str], None] = lambda line: None) -> list[Timing]:
    """Every reader on every shape at a quarter, half and all of its cap (times `scale`)."""
    timings = []
    for reader in readers:
        started = time.monotonic()
        for shape in shapes:
            previous = None
            for size in sizes(reader, scale):
                taken = seconds(reader, text_of(shape, size))
                timings.append(Timing(reader, shape, size, taken, taken / previous if previous else None))
                previous = taken
        say(f"reading: {reader.name} in {time.monotonic() - started:.1f} s")
    return timings


def ordinary(reader: Reader) -> float:
    return seconds(reader, ORDINARY)


def at_cap(timings: Sequence[Timing], reader: Reader) -> list[Timing]:
    largest = max(t.size for t in timings if t.reader == reader)
    return [t for t in timings if t.reader == reader and t.size == largest]


def superlinear(timings: Sequence[Timing]) -> list[Timing]:
    """The timings at a cap that grew like a quadratic reader's at both doublings, and took long enough to tell.
    A reader that does more past a threshold grows once: the robot rules read a bounce's status only when it
    lies within the characters they scan, so at that cap they scan the whole text for failure words instead."""
    found = []
    for reader in dict.fromkeys(t.reader for t in timings):
        for shape in dict.fromkeys(t.shape for t in timings if t.reader == reader):
            *_, half, cap = [t for t in timings if t.reader == reader and t.shape == shape]
            if cap.seconds >= NOISE_FLOOR and all(t.growth is not None and t.growth >= SUPERLINEAR for t in (half, cap)):
                found.append(cap)
    return found


def slowest(timings: Sequence[Timing], count: int = 15) -> str:
    """The `count` slowest (reader, shape, size) rows as a table, with their growth from half the size."""
    rows = sorted(timings, key=lambda t: t.seconds, reverse=True)[:count]
    return markdown(("reader", "shape", "characters", "time", "× from half the size"),
                    [(t.reader.name, t.shape, f"{t.size:,}", number(t.seconds, "s"),
                      f"{t.growth:.1f}" if t.growth else "—") for t in rows])


def grid(timings: Sequence[Timing]) -> str:
    """Every reader × shape: the time at each size, as a table."""
    lines = []
    for reader in dict.fromkeys(t.reader for t in timings):
        for shape in dict.fromkeys(t.shape for t in timings if t.reader == reader):
            found = [t for t in timings if t.reader == reader and t.shape == shape]
            cells = [f"{t.size:,}: {number(t.seconds, 's')}" for t in found]
            lines.append((reader.key, shape, *cells, f"{found[-1].growth:.1f}" if found[-1].growth else "—"))
    return markdown(("reader", "shape", "quarter", "half", "cap", "× last doubling"), lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench.reading", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="sizes as a share of each cap (1)")
    parser.add_argument("--reader", action="append", choices=[r.key for r in READERS], help="only this reader")
    parser.add_argument("--shape", action="append", choices=list(SHAPES), help="only this shape")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    readers = [r for r in READERS if not args.reader or r.key in args.reader]
    timings = measure(args.scale, readers, args.shape or tuple(SHAPES),
                      say=lambda line: print(f"· {line}", file=sys.stderr, flush=True))
    print(grid(timings))
    print()
    print(slowest(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
