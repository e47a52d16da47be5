"""Log output: one line per decision, readable in a terminal and in journald (with its priorities)."""

from __future__ import annotations

import logging
import sys
from typing import Mapping

# syslog priorities (RFC 5424), which journald reads from a "<N>" prefix on each line of stderr.
_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6, logging.DEBUG: 7}
# Libraries whose own logging would carry message content or is too chatty for an operator.
_QUIET = {"flufl.bounce": logging.CRITICAL,  # tracebacks that can quote a bounced message
          "apscheduler": logging.WARNING, "aiosmtplib": logging.WARNING, "imapclient": logging.INFO}


class JournalFormatter(logging.Formatter):
    """`<6>introbot.service: …`: journald adds the time and keeps the level as the priority."""

    def format(self, record: logging.LogRecord) -> str:
        priority = _PRIORITY.get(record.levelno, 6)
        return f"<{priority}>{record.name}: {record.getMessage()}"


def setup_logging(verbose: bool, environ: Mapping[str, str]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if environ.get("JOURNAL_STREAM"):  # set by systemd when stderr goes to the journal
        handler.setFormatter(JournalFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s",
                                               datefmt="%Y-%m-%d %H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name, level in _QUIET.items():
        logging.getLogger(name).setLevel(level)
