"""introbot's reply and forward parsing beside the specialised parsers: `python3 -m bench.rivals [--json PATH]`.

Reads the corpus in ../shared/corpus. Reply separation: introbot's split_reply, talon, email_reply_parser
and mail-parser-reply on every reply.* manifest, scored by the rules of tests/corpus/test_replies_corpus.py
(its run_case, with each parser as the splitter). Forwards: introbot's parse_inline_forward and
email-forward-parser on crisp's fixtures, scored on the right original sender as
tests/corpus/test_forwards_corpus.py scores it. The rivals are optional (`pip install '.[rivals]'`): a
missing one is named and the others are scored. Each rival call runs under a time limit; a call that
raises or runs out of time fails its case.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.report import markdown
from introbot.core.forwards import parse_inline_forward
from introbot.core.quotes import ReplyParts, split_reply
from introbot.core.text import html_to_text
from tests.conftest import corpus_manifest, corpus_or_skip
from tests.corpus.test_forwards_corpus import crisp_label, crisp_sender, read_text
from tests.corpus.test_replies_corpus import MANIFESTS, WHY, Outcome, Splitter, run_case

INTROBOT = "introbot"
FORWARDS = "forward.crisp-email-forward-parser"
RIGHT_SENDER = f"{FORWARDS}: right original sender"
TOTAL = "all reply manifests"

# (a forward was found, the original sender's address, lower-cased; None when it has none)
FindSender = Callable[[str, str | None], tuple[bool, str | None]]


@dataclass(frozen=True)
class ReplyParser:
    name: str
    split: Splitter
    split_html: Splitter | None = None   # fed talon's .html fixtures as HTML; without it they go through html_to_text


@dataclass(frozen=True)
class ForwardParser:
    name: str
    find_sender: FindSender


class TimeLimit(BaseException):
    """A rival call ran out of time (a BaseException, so that a rival's own `except Exception` cannot hide it)."""


class Guard:
    """Runs one rival's calls under a time limit, counting those that raised or ran out of time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.raised = 0
        self.timed_out = 0
        self.failed = False   # the last call raised or ran out of time

    @contextmanager
    def limit(self) -> Iterator[None]:
        expired = False

        def expire(signum, frame) -> None:
            nonlocal expired
            expired = True
            raise TimeLimit

        previous = signal.signal(signal.SIGALRM, expire)
        # A timer already running (pytest-timeout's, say) is put back, less the time this call took.
        outer, _ = signal.setitimer(signal.ITIMER_REAL, self.seconds)
        started = time.monotonic()
        self.failed = False
        try:
            yield
        except (Exception, TimeLimit):
            self.failed = True
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if outer:
                signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))
        if expired:   # also when the rival caught TimeLimit itself and carried on
            self.failed = True
            self.timed_out += 1
        elif self.failed:
            self.raised += 1

    def splitter(self, split: Splitter) -> Splitter:
        def guarded(text: str) -> ReplyParts:
            parts = ReplyParts("", "", "")
            with self.limit():
                parts = split(text)
            return parts
        return guarded

    def finder(self, find_sender: FindSender) -> FindSender:
        def guarded(body: str, subject: str | None) -> tuple[bool, str | None]:
            found: tuple[bool, str | None] = (False, None)
            with self.limit():
                found = find_sender(body, subject)
            return found
        return guarded


# ------------------------------------------------------------------------------------------ the parsers

def introbot_find_sender(body: str, subject: str | None) -> tuple[bool, str | None]:
    forward = parse_inline_forward(body, subject)
    return forward is not None, forward.original.sender_address if forward else None


def talon_parser() -> ReplyParser:
    """talon's quotation stripper, then its brute-force signature extractor on what is left.

    talon returns only the reply; the quotation is the range of lines its own marking deleted (the
    return_flags of process_marked_lines, which its HTML path uses the same way).
    """
    import talon
    from talon import quotations
    from talon.signature.bruteforce import extract_signature
    from talon.utils import get_delimiter

    talon.init()
    # talon's HTML path warns about Outlook's namespaced tags (o:p, xmlns:v...) on every such fixture
    warnings.filterwarnings("ignore", module=r"html5lib\b")

    def quotation(text: str) -> str:
        delimiter = get_delimiter(text)
        lines = quotations.preprocess(text, delimiter).splitlines()[:quotations.MAX_LINES_COUNT]
        flags: list = []
        quotations.process_marked_lines(lines, quotations.mark_message_lines(lines), flags)
        deleted, first, last = flags
        return quotations.postprocess(delimiter.join(lines[first:last])) if deleted else ""

    def split(text: str) -> ReplyParts:
        reply, signature = extract_signature(quotations.extract_from_plain(text))
        return ReplyParts(reply.strip(), quotation(text), (signature or "").strip())

    def split_html(html: str) -> ReplyParts:
        return ReplyParts(html_to_text(quotations.extract_from_html(html)), "", "")

    return ReplyParser("talon", split, split_html)


def email_reply_parser_parser() -> ReplyParser:
    """zapier's port of GitHub's parser: its visible fragments are the reply (its own `reply`), its quoted
    fragments and everything from its first header fragment on (an older message in Outlook's style) the
    quote, and its other hidden fragments (signatures, blank ones) the signature."""
    from email_reply_parser import EmailReplyParser

    def split(text: str) -> ReplyParts:
        new, quoted, signature = [], [], []
        older_message = False
        for fragment in EmailReplyParser.read(text).fragments:
            older_message = older_message or fragment.headers
            if not (fragment.hidden or fragment.quoted):
                new.append(fragment.content)
            elif fragment.quoted or older_message:
                quoted.append(fragment.content)
            else:
                signature.append(fragment.content)
        return ReplyParts(*("\n".join(part).strip() for part in (new, quoted, signature)))

    return ReplyParser("email_reply_parser", split)


def mail_parser_reply_parser() -> ReplyParser:
    """alfonsrv's parser with every language it knows (the corpus mixes languages and we do not tell it which):
    its latest reply's body is the reply, that reply's signature and disclaimers the signature, and the
    older replies (header lines included) the quote."""
    from mailparser_reply import EmailReplyParser
    from mailparser_reply.constants import MAIL_LANGUAGES

    parser = EmailReplyParser(languages=sorted(MAIL_LANGUAGES))

    def split(text: str) -> ReplyParts:
        latest, *older = parser.read(text).replies
        signature = "\n".join([latest.signatures, *latest.disclaimers]).strip()
        return ReplyParts(latest.body, "\n\n".join(reply.content for reply in older), signature)

    return ReplyParser("mail-parser-reply", split)


def email_forward_parser_parser() -> ForwardParser:
    """The Python port of crisp's parser, called as crisp's own tests call it: body and outer subject."""
    from emailforwardparser.forward_parser import get_forwarded_metadata

    def find_sender(body: str, subject: str | None) -> tuple[bool, str | None]:
        result = get_forwarded_metadata(body, subject)
        return result.forwarded, result.email.from_.address.strip().lower() or None

    return ForwardParser("email-forward-parser", find_sender)


# (name, pip requirement, loader): each loader imports its package and fails with ImportError when absent
RIVALS: tuple[tuple[str, str, Callable[[], ReplyParser | ForwardParser]], ...] = (
    ("talon", "talon", talon_parser),
    ("email_reply_parser", "email_reply_parser", email_reply_parser_parser),
    ("mail-parser-reply", "mail-parser-reply", mail_parser_reply_parser),
    ("email-forward-parser", "email-forward-parser", email_forward_parser_parser),
)


# ------------------------------------------------------------------------------------------ scoring

def score_replies(corpus: Path, split: Splitter, split_html: Splitter | None = None,
                  guard: Guard | None = None) -> list[Outcome]:
    """Every reply case scored with `split`; under a guard, a case whose call failed fails all its checks."""
    outcomes = []
    for manifest in MANIFESTS:
        for case in corpus_manifest(manifest)["cases"]:
            outcome = run_case(manifest, case, corpus, split, split_html)
            if guard is not None and guard.failed:
                outcome.checks = [(name, False) for name, _ in outcome.checks]
            outcomes.append(outcome)
    return outcomes


def score_forwards(corpus: Path, find_sender: FindSender) -> list[Outcome]:
    """Every crisp case that is a forward: did the parser find it, with the original sender crisp expects?"""
    outcomes = []
    for case in corpus_manifest(FORWARDS)["cases"]:
        if not case["expected"]["forwarded"] or "from" not in case["expected"]:
            continue
        found, sender = find_sender(read_text(corpus / case["body_file"]), case["outer_subject"])
        right = found and sender == crisp_sender(case)
        outcomes.append(Outcome(RIGHT_SENDER, crisp_label(case), [("right sender", right)]))
    return outcomes


@dataclass
class Results:
    outcomes: dict[str, list[Outcome]]      # parser name -> its outcomes
    guards: dict[str, Guard]                # rival name -> its failed calls
    missing: list[str]                      # rivals not installed

    def cell(self, parser: str, manifest: str) -> tuple[int, int] | None:
        """(passed, scored) of `parser` on `manifest` (TOTAL: every reply manifest), None when it was not run."""
        rows = [o for o in self.outcomes.get(parser, []) if o.scored and
                (o.manifest == manifest or (manifest == TOTAL and o.manifest in MANIFESTS))]
        return (sum(o.passed for o in rows), len(rows)) if rows else None

    def rival_better(self) -> list[tuple[str, str, str]]:
        """(rival, manifest, case) for every case a rival passes and introbot fails."""
        failed = {(o.manifest, o.case) for o in self.outcomes[INTROBOT] if o.scored and not o.passed}
        return [(name, o.manifest, o.case) for name, outcomes in self.outcomes.items() if name != INTROBOT
                for o in outcomes if o.scored and o.passed and (o.manifest, o.case) in failed]


def compare(corpus: Path, seconds: float, say: Callable[[str], None]) -> Results:
    outcomes = {INTROBOT: score_replies(corpus, split_reply) + score_forwards(corpus, introbot_find_sender)}
    guards: dict[str, Guard] = {}
    missing = []
    for name, requirement, load in RIVALS:
        try:
            parser = load()
        except ImportError as error:
            say(f"{name} is not scored, it cannot be imported ({error}): pip install {requirement} "
                f"(or pip install '.[rivals]')")
            missing.append(name)
            continue
        say(f"scoring {name}")
        guard = guards[name] = Guard(seconds)
        if isinstance(parser, ReplyParser):
            split_html = guard.splitter(parser.split_html) if parser.split_html else None
            outcomes[name] = score_replies(corpus, guard.splitter(parser.split), split_html, guard)
        else:
            outcomes[name] = score_forwards(corpus, guard.finder(parser.find_sender))
    return Results(outcomes, guards, missing)


# Bodies that cost a forward parser more than their size: long runs of spaces (a pasted table, an
# HTML-to-text conversion) and a "From:" header line with no address.
HOSTILE_BODIES = (("one 7 KB line of spaces", " " * 7_000 + "x"), ("one 14 KB line of spaces", " " * 14_000 + "x"),
                  ("'From:' then 7 KB of spaces", "From:" + " " * 7_000 + "x"))


def hostile_timings(seconds: float) -> list[str]:
    """How long each installed forward parser takes on each hostile body, or how it failed."""
    parsers = [ForwardParser(INTROBOT, introbot_find_sender)]
    for name, _, load in RIVALS:
        try:
            parser = load()
        except ImportError:
            continue
        if isinstance(parser, ForwardParser):
            parsers.append(parser)
    lines = []
    for label, body in HOSTILE_BODIES:
        cells = []
        for parser in parsers:
            guard = Guard(seconds)
            started = time.perf_counter()
            with guard.limit():
                parser.find_sender(body, "Fwd: hello")
            took = time.perf_counter() - started
            verdict = ("ran out of time" if guard.timed_out else "raised") if guard.failed else f"{took:.3f} s"
            cells.append(f"{parser.name} {verdict}")
        lines.append(f"  {label}: " + ", ".join(cells))
    return lines


# ------------------------------------------------------------------------------------------ report

def figure(cell: tuple[int, int] | None, with_rate: bool = False) -> str:
    if cell is None:
        return "—"
    passed, scored = cell
    return f"{passed}/{scored} ({passed / scored:.1%})" if with_rate else f"{passed}/{scored}"


def report(results: Results) -> str:
    parsers = list(results.outcomes)
    rows = [(label, *(figure(results.cell(parser, label), with_rate=label in (TOTAL, RIGHT_SENDER))
                      for parser in parsers)) for label in (*MANIFESTS, TOTAL, RIGHT_SENDER)]
    lines = ["", markdown(("manifest", *parsers), rows), ""]
    lines += [f"{name}: {guard.raised} calls raised, {guard.timed_out} ran out of time ({guard.seconds:g} s each)"
              for name, guard in results.guards.items()]
    if results.missing:
        lines.append(f"not installed, not scored: {', '.join(results.missing)}")
    better = results.rival_better()
    if len(results.outcomes) == 1:
        lines += ["", "where a rival does better: no rival was scored"]
    else:
        lines += ["", "where a rival does better (it passes, introbot fails):" if better else
                  "where a rival does better: nowhere (no case a rival passes and introbot fails)"]
    lines += [f"  {rival}: {manifest}: {case}" + (f" (introbot: {WHY[case]})" if case in WHY else "")
              for rival, manifest, case in better]
    return "\n".join(lines)


def as_json(results: Results) -> dict:
    labels = [*MANIFESTS, TOTAL, RIGHT_SENDER]
    return {
        "scores": {label: {parser: dict(zip(("passed", "scored"), cell)) for parser in results.outcomes
                           if (cell := results.cell(parser, label)) is not None} for label in labels},
        "failed_calls": {name: {"raised": guard.raised, "timed_out": guard.timed_out, "time_limit_s": guard.seconds}
                         for name, guard in results.guards.items()},
        "missing": results.missing,
        "rival_better": [{"rival": rival, "manifest": manifest, "case": case}
                         for rival, manifest, case in results.rival_better()],
    }


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 -m bench.rivals", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the table as JSON to this file")
    parser.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS",
                        help="the most one rival call may take before its case counts as failed (default 10)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        corpus = corpus_or_skip()
    except pytest.skip.Exception as absent:
        print(f"bench.rivals cannot run: {absent.msg}", file=sys.stderr)
        return 2
    results = compare(corpus, args.time_limit, lambda line: print(line, file=sys.stderr, flush=True))
    print(report(results))
    print("\nforward parsers on hostile bodies:\n" + "\n".join(hostile_timings(args.time_limit)))
    if args.json:
        args.json.write_text(json.dumps(as_json(results), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
