"""A bare IMAP IDLE client, the reference for introbot's idle cost: `python3 -m bench.idler HOST PORT USER PASSWORD CA_FILE`."""

from __future__ import annotations

import os
import signal
import ssl
import sys

from imapclient import IMAPClient

RENEW_EVERY = 240  # seconds: what introbot does too, well inside NAT timeouts


def main(argv: list[str]) -> None:
    host, port, user, password, ca_file = argv
    # Stop at once, mid-IDLE: a polite LOGOUT would wait for the server to end IDLE first.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    with IMAPClient(host, port=int(port), ssl=True, ssl_context=ssl.create_default_context(cafile=ca_file),
                    timeout=RENEW_EVERY + 60) as client:
        client.login(user, password)
        client.select_folder("INBOX")
        while True:
            client.idle()
            client.idle_check(timeout=RENEW_EVERY)
            client.idle_done()


if __name__ == "__main__":
    main(sys.argv[1:])
