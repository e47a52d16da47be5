"""The moment Postfix accepts each message, to the microsecond: a policy service asked at end of DATA.

Postfix's own log has one-second timestamps, too coarse for latencies of a few milliseconds. Instead
Postfix consults this policy service (`smtpd_end_of_data_restrictions`) after the final "." of every
message, on every SMTP port, right before it answers 250; the service notes the time on the bench's
own clock and answers DUNNO (no opinion), so mail flows exactly as before.
"""

from __future__ import annotations

import os
import socketserver
import threading
import time
from dataclasses import dataclass
from typing import Callable

from tests.mailhost import MailHost


@dataclass(frozen=True)
class Accepted:
    """One message Postfix took, with the SMTP envelope as its policy request describes it."""

    at: float          # time.monotonic() in the bench process
    sender: str
    recipient: str     # empty when the message had several recipients
    sasl_username: str  # empty for mail that came in on the unauthenticated port
    size: int


class AcceptanceLog:
    """Every message accepted since start-up; waiters block until one they look for arrives."""

    def __init__(self) -> None:
        self._accepted: list[Accepted] = []
        self._changed = threading.Condition()
        self._server: socketserver.ThreadingTCPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "AcceptanceLog.start() has not run"
        return self._server.server_address[1]

    def start(self) -> AcceptanceLog:
        log = self

        class PolicyRequests(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                attributes: dict[str, str] = {}
                for line in self.rfile:  # Postfix keeps the connection for many requests
                    line = line.rstrip(b"\r\n")
                    if line:
                        name, _, value = line.decode("utf-8", "replace").partition("=")
                        attributes[name] = value
                        continue
                    at = time.monotonic()
                    if attributes.get("protocol_state") == "END-OF-MESSAGE":
                        log._add(Accepted(at, attributes.get("sender", ""), attributes.get("recipient", ""),
                                          attributes.get("sasl_username", ""), int(attributes.get("size") or 0)))
                    self.wfile.write(b"action=DUNNO\n\n")
                    self.wfile.flush()
                    attributes = {}

        socketserver.ThreadingTCPServer.daemon_threads = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), PolicyRequests)
        threading.Thread(target=self._server.serve_forever, name="bench-policy", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _add(self, accepted: Accepted) -> None:
        with self._changed:
            self._accepted.append(accepted)
            self._changed.notify_all()

    def mark(self) -> int:
        """A position in the log: `since(mark)` and `wait_for(…, after=mark)` see only what came later."""
        with self._changed:
            return len(self._accepted)

    def since(self, mark: int) -> list[Accepted]:
        with self._changed:
            return self._accepted[mark:]

    def wait_for(self, wanted: Callable[[Accepted], bool], after: int, timeout: float) -> Accepted:
        """The first message accepted after `after` that `wanted` picks; TimeoutError if none comes."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((a for a in self._accepted[after:] if wanted(a)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"Postfix accepted no matching message within {timeout:.0f} s "
                                       f"({len(self._accepted) - after} others meanwhile)")
                self._changed.wait(left)

    def wait_for_count(self, wanted: Callable[[Accepted], bool], count: int, after: int,
                       timeout: float) -> list[Accepted]:
        """The first `count` matching messages accepted after `after`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [a for a in self._accepted[after:] if wanted(a)]
                if len(found) >= count:
                    return found[:count]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"Postfix accepted {len(found)} of {count} expected messages "
                                       f"within {timeout:.0f} s")
                self._changed.wait(min(left, 1.0))


class BenchMailHost(MailHost):
    """The test mail host, with Postfix reporting every acceptance to an AcceptanceLog."""

    def __init__(self, accepted: AcceptanceLog, **kwargs) -> None:
        super().__init__(**kwargs)
        self.accepted = accepted

    def _write_postfix_config(self) -> None:
        super()._write_postfix_config()
        main_cf = self.postfix_dir / "main.cf"
        with open(main_cf, "a") as config:
            config.write(f"smtpd_end_of_data_restrictions = check_policy_service inet:127.0.0.1:{self.accepted.port}\n"
                         "smtpd_policy_service_timeout = 10s\n")
        # Postfix waits for a main.cf younger than ~2 s to settle; the parent backdated it, so do we.
        an_hour_ago = time.time() - 3600
        os.utime(main_cf, (an_hour_ago, an_hour_ago))
