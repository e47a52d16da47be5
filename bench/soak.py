"""Soak benchmark (RELIABILITY 33): thousands of requests through one `introbot run` while the network
misbehaves every few seconds; prints memory and open files at the start and the end, and the invariants.

    python3 -m bench.soak [--requests 2000] [--fault-every 3] [--seed 1]
    python3 -m bench.soak --drain 300      how fast one pass sends 300 queued messages, with and
                                           without copies in the Sent folder

Runs as root on a machine with Dovecot and Postfix installed (it starts its own pair on loopback, as
the tests do). Between introbot and each server sits a FaultProxy that cuts connections, black-holes
them (no FIN: only a timeout can tell), refuses new ones or delays traffic, one fault every few
seconds. People answer as in the randomised kill test: clients say yes four times in five.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path

from introbot.config import load_config
from introbot.daemon import Daemon, build_service, status
from introbot.edges.imap import MailboxWatcher, SentFolder
from introbot.edges.store import Store
from tests.faultproxy import FaultProxy
from tests.mailhost import MailHost
from tests.reliability.traffic import Traffic, outcome
from tests.reliability.world import REPO, ReliabilityWorld, direct_request, drop_into_inbox

FAULTS = ("imap cut", "imap black hole", "imap delay", "smtp cut", "smtp refuse", "smtp delay")


def process_figures(pid: int) -> dict[str, int]:
    """Resident memory now and at its peak (KiB), open files and threads of a running process."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {"rss_kib": int(fields["VmRSS"].split()[0]), "peak_rss_kib": int(fields["VmHWM"].split()[0]),
            "open_files": len(os.listdir(f"/proc/{pid}/fd")), "threads": int(fields["Threads"])}


class Faults(threading.Thread):
    """One fault every `every` seconds, on the IMAP or the SMTP side, lasting a few seconds."""

    def __init__(self, imap: FaultProxy, smtp: FaultProxy, every: float, rng: random.Random):
        super().__init__(name="soak-faults", daemon=True)
        self.imap, self.smtp, self.every, self.rng = imap, smtp, every, rng
        self.done = threading.Event()
        self.injected: dict[str, int] = dict.fromkeys(FAULTS, 0)

    def run(self) -> None:
        while not self.done.wait(self.every):
            fault = self.rng.choice(FAULTS)
            self.injected[fault] += 1
            proxy = self.imap if fault.startswith("imap") else self.smtp
            if fault.endswith("cut"):
                proxy.cut()
                continue
            {"black hole": proxy.black_hole, "refuse": proxy.refuse,
             "delay": lambda: proxy.delay(300)}[fault.split(" ", 1)[1]]()
            self.done.wait(self.rng.uniform(2, 8))
            proxy.pass_through()


def lift_caps(world: ReliabilityWorld) -> None:
    """Thousands of requests in minutes, from two practitioners to one colleague, are a flood by design."""
    world.configure("limits", mails_per_hour=1_000_000, mails_per_recipient_per_day=1_000_000,
                    requests_per_referrer_per_day=1_000_000)


def wait_for_outbox(world: ReliabilityWorld, daemon: subprocess.Popen, limit: float = 600) -> int:
    """Seconds until nothing waits in the outbox (a retry is due a minute or more after its failure)."""
    started = time.monotonic()
    while world.database_rows("SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')") != [(0,)]:
        if daemon.poll() is not None or time.monotonic() - started > limit:
            raise RuntimeError("the outbox did not empty")
        time.sleep(1)
    time.sleep(2)  # the last batch's copies and moves
    return round(time.monotonic() - started)


def soak(requests: int, fault_every: float, seed: int) -> dict:
    rng = random.Random(seed)
    with MailHost() as mail, tempfile.TemporaryDirectory(prefix="introbot-soak-") as folder, \
            FaultProxy(mail.imaps_port) as imap, FaultProxy(mail.submission_port) as smtp:
        world = ReliabilityWorld(mail, Path(folder))
        world.configure("imap", port=imap.port, timeout="5s", idle_renew="30s")
        world.configure("smtp", port=smtp.port, timeout="5s")
        lift_caps(world)
        traffic = Traffic(world, requests, rng)
        log = Path(folder) / "daemon.log"
        with open(log, "w") as log_file:
            daemon = subprocess.Popen(world.command("run"), cwd=REPO, env=world.environment(),
                                      stdout=subprocess.DEVNULL, stderr=log_file)
        faults = Faults(imap, smtp, fault_every, rng)
        started = time.monotonic()
        samples: dict[str, dict[str, int]] = {}
        try:
            faults.start()
            while (finished := traffic.finished()) < requests:
                if daemon.poll() is not None:
                    raise RuntimeError(f"introbot exited with {daemon.returncode}; see {log}")
                for _ in range(5):
                    traffic.send_request()
                traffic.answer()
                for name, share in (("start", 0.05), ("middle", 0.5)):  # start: warmed up, caches full
                    if name not in samples and finished >= share * requests:
                        samples[name] = process_figures(daemon.pid)
                time.sleep(0.05)
            faults.done.set()
            faults.join()
            imap.pass_through()
            smtp.pass_through()
            waiting = wait_for_outbox(world, daemon)  # mail a fault sent back for a retry a minute later
            samples["end"] = process_figures(daemon.pid)
        finally:
            faults.done.set()
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=120)
        seconds = time.monotonic() - started
        mail.wait_for_queue_empty(timeout=120)
        result = outcome(world, traffic)
        counters = status(load_config(world.config_path))["counters"]
        text = log.read_text()
        return {"requests": requests, "seconds": round(seconds), "requests_per_second": round(requests / seconds, 1),
                "faults": faults.injected, **samples, "retries_waited_for_seconds": waiting,
                "invariants": asdict(result),
                "counters": counters, "log_lines": text.count("\n"), "log_has_addresses": "@" in text,
                "tracebacks": text.count("Traceback"), "daemon_exit": daemon.returncode}


def drain_speed(messages: int) -> dict:
    """Messages per second one `once` pass sends from a full outbox, with and without Sent copies."""
    figures = {}
    for copy_to_sent in (True, False):
        with MailHost() as mail, tempfile.TemporaryDirectory(prefix="introbot-drain-") as folder:
            world = ReliabilityWorld(mail, Path(folder))
            world.configure("smtp", copy_to_sent=copy_to_sent)
            lift_caps(world)
            for number in range(messages):
                drop_into_inbox(mail, direct_request((f"Client {number}", f"c{number}@client.example"), "Maya Chen"))
            config = load_config(world.config_path)
            store = Store(config.bot.database)
            try:
                service = build_service(config, store)
                MailboxWatcher(config.imap, service.handle_batch, stop=threading.Event()).run_once()
                started = time.perf_counter()
                sent = asyncio.run(service.drain_outbox(Daemon(config)._sender(), SentFolder(config.imap)))
                seconds = time.perf_counter() - started
            finally:
                store.close()
        figures["with Sent copies" if copy_to_sent else "without"] = {
            "sent": sent, "seconds": round(seconds, 2), "per_second": round(sent / seconds)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--fault-every", type=float, default=3.0, help="seconds between faults")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drain", type=int, metavar="N", help="measure sending N queued messages instead")
    args = parser.parse_args()
    figures = drain_speed(args.drain) if args.drain else soak(args.requests, args.fault_every, args.seed)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
