"""Sending caps: per referrer and per recipient per day, and an hourly cap on everything; over one, mail waits.

A cap never drops anything: a message over it stays in the outbox with a later next attempt and the
name of the cap that holds it. The operator hears once per episode (one warning when a cap starts
holding mail back, one line when it no longer holds any), and the "held" and "cap_alerts" counters
keep the tally. The defaults are far above honest use (a busy practitioner refers 7 or 8 times a
day), so they only bite a flood or a loop.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from introbot.config import LimitsSettings
from introbot.edges.store import QueuedMail, Store, Transaction, stamp

log = logging.getLogger("introbot.caps")

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
PER_HOUR, PER_RECIPIENT, PER_REFERRER = ("limits.mails_per_hour", "limits.mails_per_recipient_per_day",
                                         "limits.requests_per_referrer_per_day")
# How long a held message waits before it is weighed again: a fraction of its cap's window.
RECHECK = {PER_HOUR: timedelta(minutes=5), PER_RECIPIENT: timedelta(hours=1), PER_REFERRER: timedelta(hours=1)}


@dataclass(frozen=True)
class Held:
    """A due message a cap keeps waiting until `until`."""

    mail: QueuedMail
    cap: str
    until: datetime


class SendingCaps:
    def __init__(self, limits: LimitsSettings, store: Store):
        self.limits = limits
        self.store = store

    def sort(self, due: list[QueuedMail], now: datetime) -> tuple[list[QueuedMail], list[Held]]:
        """Split due messages, in order, into those that may go now and those a cap holds back.

        Counts come from what was sent in each cap's window, plus what this batch admits.
        """
        sent_this_hour = self.store.sent_since(now - HOUR)
        recipients = {address for queued in due for address in queued.mail.recipients}
        per_recipient = self.store.sent_to_since(recipients, now - DAY)
        # The referrer of each intro none of whose mail has reached a client or colleague yet.
        starting = self.store.intros_started({q.mail.intro_id for q in due if q.mail.intro_id and q.mail.role})
        per_referrer = self.store.requests_started_since({r for r in starting.values() if r}, now - DAY)
        admitted: list[QueuedMail] = []
        held: list[Held] = []
        for queued in due:
            mail = queued.mail
            referrer = starting.get(mail.intro_id) if mail.intro_id and mail.role else None
            if sent_this_hour >= self.limits.mails_per_hour:
                cap = PER_HOUR
            elif any(per_recipient.get(a, 0) >= self.limits.mails_per_recipient_per_day for a in mail.recipients):
                cap = PER_RECIPIENT
            elif referrer and per_referrer.get(referrer, 0) >= self.limits.requests_per_referrer_per_day:
                cap = PER_REFERRER
            else:
                admitted.append(queued)
                sent_this_hour += 1
                for address in mail.recipients:
                    per_recipient[address] = per_recipient.get(address, 0) + 1
                if referrer:
                    per_referrer[referrer] = per_referrer.get(referrer, 0) + 1
                    starting[mail.intro_id] = None  # its other mail is no longer a new request
                continue
            held.append(Held(queued, cap, now + RECHECK[cap]))
        return admitted, held

    def hold(self, tx: Transaction, held: list[Held], now: datetime) -> list[tuple[int, str]]:
        """Keep `held` waiting, within the claim's transaction; return the alerts for `log_alerts` once it commits."""
        for item in held:
            tx.hold(item.mail.id, item.until, item.cap)
        if held:
            tx.count("held", len(held))
        lines = []
        holding = {item.cap for item in held}
        for cap in RECHECK:
            alerted = self.store.meta(f"alert:{cap}") is not None
            if cap in holding and not alerted:
                tx.set_meta(f"alert:{cap}", stamp(now))
                tx.count("cap_alerts")
                limit = getattr(self.limits, cap.removeprefix("limits."))
                lines.append((logging.WARNING, f"over {cap} ({limit}): mail waits in the outbox and none is "
                                               f"dropped; raise the limit if this is honest use, else look for a loop"))
            elif alerted and cap not in holding and self.store.held_by(cap) == 0:
                tx.set_meta(f"alert:{cap}", None)
                lines.append((logging.INFO, f"{cap} no longer holds any mail back"))
        return lines


def log_alerts(alerts: list[tuple[int, str]]) -> None:
    for level, line in alerts:
        log.log(level, line)
