"""Where `introbot once` spends a backlog: a cProfile of the real command, summed by step and by area.

Steps are cumulative times of introbot's own functions (a step includes what it calls, so steps
overlap: "decide" contains "parse"). Areas split the same run's own time (tottime) by the code that
spent it, so they add up to the whole. cProfile slows pure-Python code more than C and I/O waits:
read the shares, not the absolute seconds.
"""

from __future__ import annotations

import pstats
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.bot import Bot
from bench.procstat import Usage, Watched

# (label, file suffix, function name): introbot's steps, from the fetch to the send.
STEPS = (
    ("whole run", "introbot/cli.py", "main"),
    ("IMAP: the catch-up, handler included", "introbot/edges/imap.py", "_catch_up"),
    ("IMAP: fetch each message's size and first 8 KB", "introbot/edges/imap.py", "_fetch_first_bytes"),
    ("IMAP: fetch whole what the handler asks for (and oversized headers)", "introbot/edges/imap.py", "_fetch"),
    ("IMAP: move to folders (5,000 messages at a time)", "introbot/edges/imap.py", "_move"),
    ("handler: every batch, commits included", "introbot/service.py", "handle_batch"),
    ("store: every transaction with its commit (tries, batches, outbox)", "introbot/edges/store.py", "transaction"),
    ("decide: screen, or read in full", "introbot/service.py", "decide"),
    ("screen the header block (no live token, not a practitioner)", "introbot/service.py", "screened"),
    ("read in full: parse, classify, understand, workflow", "introbot/service.py", "read_in_full"),
    ("parse the message (email, policy.default)", "introbot/core/mime.py", "parse_message"),
    ("automatic-mail rules", "introbot/core/robots.py", "detect_automatic"),
    ("reply-token lookup of a message read in full", "introbot/service.py", "_token_match"),
    ("understand a request", "introbot/core/request.py", "understand"),
    ("render and address outgoing mail", "introbot/outgoing.py", "write"),
    ("write: claim, counters, state and outbox (in the batch's transaction)", "introbot/service.py",
     "_write_decision"),
    ("drain the outbox over SMTP (after the backlog)", "introbot/service.py", "drain_outbox"),
)

# (label, fragments of a file path or of a built-in's name): the first that matches takes the time.
AREAS = (
    ("SQLite (execute, commit, fsync)", ("sqlite3",)),
    ("TLS and sockets (reads, writes, waits)", ("_ssl.", "_socket.", "ssl.py", "socket.py", "selectors.py", "'poll'",
                                                "'select'")),
    ("address validation (email_validator, idna)", ("email_validator/", "idna/", "unicodedata")),
    ("IMAP protocol (imapclient, imaplib)", ("imapclient/", "imaplib.py")),
    ("MIME parsing and headers (email package)", ("/email/",)),
    ("introbot core (rules, request, answers, render)", ("introbot/core/",)),
    ("introbot service, store and edges", ("introbot/",)),
    ("templates (jinja2)", ("jinja2/", "markupsafe")),
    ("SMTP and asyncio (aiosmtplib)", ("aiosmtplib/", "asyncio/")),
    ("regular expressions", ("re.Pattern", "re/", "sre_")),
    ("logging", ("logging/",)),
    ("imports at start-up", ("importlib", "<frozen")),
)


@dataclass(frozen=True)
class Share:
    label: str
    seconds: float
    share: float  # of the whole run


def profile_once(bot: Bot, output: Path) -> Usage:
    """Run `introbot once` under cProfile, writing the statistics to `output`."""
    log = open(bot.log_path("profile"), "wb")
    return Watched([sys.executable, "-m", "cProfile", "-o", str(output), "-m", "introbot", "once",
                    "--config", str(bot.config)], cwd=Path(__file__).resolve().parent.parent, log=log).finish()


def steps(stats_file: Path) -> list[Share]:
    """Cumulative seconds in each of introbot's steps, as shares of the whole run."""
    stats = pstats.Stats(str(stats_file)).stats  # type: ignore[attr-defined]
    cumulative: dict[str, float] = {}
    for label, suffix, function in STEPS:
        found = [ct for (path, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.items()
                 if path.endswith(suffix) and name == function]
        # A step that introbot no longer has (renamed, or folded into another) says so instead of showing 0 s.
        cumulative[label if found else f"{label} (not in this profile: renamed?)"] = sum(found)
    whole = next(iter(cumulative.values())) or 1e-9
    return [Share(label, seconds, seconds / whole) for label, seconds in cumulative.items()]


def areas(stats_file: Path) -> list[Share]:
    """Own time (tottime) of every function, summed by the area of code it belongs to."""
    stats = pstats.Stats(str(stats_file)).stats  # type: ignore[attr-defined]
    totals = {label: 0.0 for label, _ in AREAS}
    totals["other"] = 0.0
    for (path, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        where = f"{path} {name}"
        label = next((label for label, fragments in AREAS if any(f in where for f in fragments)), "other")
        totals[label] += tottime
    whole = sum(totals.values()) or 1e-9
    return sorted((Share(label, seconds, seconds / whole) for label, seconds in totals.items()),
                  key=lambda share: -share.seconds)


def breakdown(title: str, shares: list[Share]) -> str:
    width = max(len(s.label) for s in shares)
    lines = [title, ""] + [f"  {s.label.ljust(width)}  {s.seconds:8.2f} s  {s.share:6.1%}" for s in shares]
    return "\n".join(lines)
