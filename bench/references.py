"""What the mail servers themselves allow, measured in the same run: Dovecot's delivery-to-IDLE latency,
mbsync's download time, Postfix's intake rate, and the cost of a bare IDLE client."""

from __future__ import annotations

import smtplib
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from imapclient import IMAPClient

from bench.accepted import AcceptanceLog
from bench.corpus import BOT_DOMAIN, Generator, mailbox_of
from bench.procstat import Usage, Watched
from tests.mailhost import MailHost

PROBE = f"idle-probe@{BOT_DOMAIN}"
# Byte-identical copies of intro@'s backlog, for mbsync to download before and after introbot's run.
MIRROR, MIRROR_AFTER = f"mirror@{BOT_DOMAIN}", f"mirror-after@{BOT_DOMAIN}"
WAIT = 60.0


class IdleProbe:
    """An IMAP client idling on its own mailbox (IMAPS, like introbot): how long after Postfix accepts a
    message Dovecot tells an idling client about it. Dovecot delays that push by about 0.5 s."""

    def __init__(self, host: MailHost, accepted: AcceptanceLog, address: str = PROBE) -> None:
        self.host, self.accepted, self.address = host, accepted, address
        self.client = IMAPClient(host.host, port=host.imaps_port, ssl=True, ssl_context=host.ssl_context(),
                                 timeout=WAIT)
        self.client.login(address, host.password)
        self.client.select_folder("INBOX")
        self.client.idle()
        self.sent = 0

    def measure(self) -> float:
        """Seconds from Postfix's 250 for one message to the EXISTS it causes on the idling client."""
        self.sent += 1
        note = EmailMessage()
        note["From"], note["To"], note["Subject"] = "probe@example.org", self.address, f"probe {self.sent}"
        note["Message-ID"] = f"<probe.{self.sent}.{time.monotonic_ns()}@example.org>"
        note.set_content("A probe.\n")
        mark = self.accepted.mark()
        self.host.deliver(bytes(note), "probe@example.org", [self.address])
        accepted = self.accepted.wait_for(lambda a: a.recipient == self.address, mark, WAIT)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if any(len(item) > 1 and item[1] == b"EXISTS" for item in self.client.idle_check(timeout=1)):
                return time.monotonic() - accepted.at
        raise TimeoutError(f"Dovecot pushed no EXISTS within {WAIT:.0f} s of a delivery")

    def close(self) -> None:
        self.client.idle_done()
        self.client.logout()


def mbsync_download(host: MailHost, address: str, fsync: bool, expected: int) -> Usage:
    """Time mbsync (isync) pulling `address`'s INBOX over IMAPS into a fresh Maildir, fsync as chosen."""
    with tempfile.TemporaryDirectory(prefix="bench-mbsync-") as folder:
        local = Path(folder)
        config = local / "mbsyncrc"
        config.write_text(MBSYNCRC.format(fsync="yes" if fsync else "no", port=host.imaps_port, user=address,
                                          password=host.password, ca_file=host.ca_file, local=local / "mail"))
        (local / "mail").mkdir()
        with open(local / "mbsync.log", "wb") as log:
            usage = Watched(["mbsync", "-c", str(config), "-q", "bench"], log=log).finish()
        downloaded = sum(1 for sub in ("cur", "new") for _ in (local / "mail" / "INBOX" / sub).iterdir())
        if usage.exit_status != 0 or downloaded != expected:
            raise RuntimeError(f"mbsync exited {usage.exit_status} with {downloaded} of {expected} messages: "
                               f"{(local / 'mbsync.log').read_text(errors='replace')[-2000:]}")
    return usage


# mbsync checks the certificate against Host: the test certificate names "localhost" (and 127.0.0.1, which
# mbsync does not match against IP SANs); /etc/hosts maps localhost to 127.0.0.1.
MBSYNCRC = """\
FSync {fsync}

IMAPAccount bench
Host localhost
Port {port}
User {user}
Pass {password}
SSLType IMAPS
CertificateFile {ca_file}

IMAPStore far
Account bench

MaildirStore near
Path {local}/
Inbox {local}/INBOX

Channel bench
Far :far:
Near :near:
Patterns INBOX
Create Near
Sync Pull
SyncState *
"""


def postfix_intake(host: MailHost, accepted: AcceptanceLog, messages: list[tuple[str, str, bytes]]) -> float:
    """Messages per second Postfix takes on the submission port from one client that logs in once and
    reuses its connection (STARTTLS and AUTH, as introbot sends). Timed between the first and last 250."""
    mark = accepted.mark()
    with smtplib.SMTP(host.host, host.submission_port, local_hostname=BOT_DOMAIN, timeout=WAIT) as smtp:
        smtp.starttls(context=host.ssl_context())
        smtp.login(f"intro@{BOT_DOMAIN}", host.password)
        for sender, recipient, raw in messages:
            smtp.sendmail(sender, [recipient], raw)
    return rate(accepted.since(mark)[-len(messages):])


def rate(accepted: list) -> float:
    """Messages per second between the first and the last acceptance."""
    if len(accepted) < 2:
        return float("nan")
    return (len(accepted) - 1) / max(accepted[-1].at - accepted[0].at, 1e-9)


def ask_like(generator: Generator, count: int) -> list[tuple[str, str, bytes]]:
    """Messages the size and shape of introbot's consent asks (plain text and HTML, about 3 KB)."""
    found = []
    for i in range(count):
        client = generator.client(i)
        text = generator.texts.body(generator.rng, 2)
        message = EmailMessage()
        message["From"] = f"Dr. Ada Lee via Intro Assistant <intro@{BOT_DOMAIN}>"
        message["To"] = mailbox_of(client)
        message["Reply-To"] = f"Intro Assistant <intro+{i:024x}@{BOT_DOMAIN}>"
        message["Subject"] = "Would you like to meet Maya Chen?"
        message["Message-ID"] = f"<{i:024x}.ask@{BOT_DOMAIN}>"
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(text)
        message.add_alternative(f"<p>{text}</p>", subtype="html")
        found.append((f"intro+{i:024x}@{BOT_DOMAIN}", client.email, bytes(message)))
    return found


def bare_idler(host: MailHost, address: str, log_path: Path) -> Watched:
    """A process that only logs in and idles (imapclient, renewing IDLE every 4 minutes): the floor for
    what watching a mailbox costs in Python."""
    log = open(log_path, "wb")
    return Watched([sys.executable, "-m", "bench.idler", host.host, str(host.imaps_port), address,
                    host.password, str(host.ca_file)], log=log)
