"""The benchmark, one command: `python3 -m bench.run [--quick] [--only NAME] [--backlog N] [--big-backlog N]`.

Starts its own Dovecot and Postfix on 127.0.0.1, runs introbot's real daemon against them, and prints
each figure beside its reference measured in the same run: Dovecot's delivery-to-IDLE latency,
mbsync's download of the same mailbox, Postfix's intake rate, a bare IDLE client's cost; and how long
the pure core's readers take on hostile texts at their caps, beside an ordinary request.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

from bench import reading
from bench.accepted import AcceptanceLog, BenchMailHost
from bench.bot import Bot
from bench.corpus import BOT, Generator, Loaded, load_mailboxes
from bench.procstat import MB, Usage, Watched, sample
from bench.profile import areas, breakdown, profile_once, steps
from bench.references import (MIRROR, MIRROR_AFTER, WAIT, IdleProbe, ask_like, bare_idler, mbsync_download,
                              postfix_intake, rate)
from bench.report import Row, percentile, row, table

SCENARIOS = ("latency", "backlog", "memory", "drain", "idle", "reading", "profile")
DEFAULT_SCENARIOS = SCENARIOS[:-1]  # the profile reruns the backlog under cProfile: only on request
PEAK_RSS_LIMIT = 150  # MB
FLAT_RSS_GROWTH = 10  # MB allowed between 20 % and 100 % of the big backlog
# Each scenario's requests name clients of their own, so no request repeats another's.
LATENCY_CLIENTS, DRAIN_CLIENTS = 5_000_000, 6_000_000


@dataclass(frozen=True)
class Settings:
    requests: int = 200
    backlog: int = 10_000
    big_backlog: int = 100_000
    drain: int = 1_000
    idle_seconds: float = 60.0
    reading_scale: float = 1.0  # the reading scenario's sizes, as a share of each reader's cap
    only: tuple[str, ...] = DEFAULT_SCENARIOS
    references_only: bool = False
    seed: int = 2026


QUICK = dict(requests=20, backlog=1_000, big_backlog=5_000, drain=200, idle_seconds=10.0, reading_scale=0.25)


class Bench:
    """One run: a mail host with an acceptance log, a message generator, a work folder, the rows so far."""

    def __init__(self, settings: Settings, folder: Path, say: Callable[[str], None]) -> None:
        self.settings = settings
        self.folder = folder
        self.say = say
        self.generator = Generator(settings.seed)
        self.accepted = AcceptanceLog().start()
        self.host = BenchMailHost(self.accepted).start()
        self.rows: list[Row] = []
        self.notes: list[str] = []  # printed after the table: the profile

    def close(self) -> None:
        self.host.stop()
        self.accepted.stop()

    def bot(self, name: str, lift_caps: bool = False) -> Bot | None:
        return None if self.settings.references_only else Bot(self.host, self.folder / name, lift_caps)

    # ------------------------------------------------------------------ 1. reaction latency
    def latency(self) -> None:
        count = self.settings.requests
        self.say(f"latency: {count} requests one after another, each beside a Dovecot IDLE probe")
        self.host.reset()
        bot = self.bot("latency")
        daemon = bot.start("run", "daemon") if bot else None
        if bot and daemon:
            bot.wait_until_watching(daemon, "daemon")
            self._reaction(LATENCY_CLIENTS - 1)  # warm-up: first connections, imports; not counted
        probe = IdleProbe(self.host, self.accepted)
        floor, reaction = [], []
        try:
            probe.measure()  # warm-up
            for i in range(count):
                floor.append(probe.measure())
                if daemon:
                    reaction.append(self._reaction(LATENCY_CLIENTS + i))
        finally:
            probe.close()
            usage = self._stop(daemon, bot.log_path("daemon") if bot else None)
        reference_is = "Dovecot: SMTP accept → IDLE EXISTS"
        p50, p99 = percentile(reaction, 0.5), percentile(reaction, 0.99)
        floor50, floor99 = percentile(floor, 0.5), percentile(floor, 0.99)
        self.rows += [
            row("latency.p50", f"Reaction latency p50 ({count} requests)", p50 if daemon else None, floor50, "s",
                reference_is + " p50", "≤ reference + 0.1 s", lambda v, r: v <= r + 0.1),
            row("latency.p99", f"Reaction latency p99 ({count} requests)", p99 if daemon else None, floor99, "s",
                reference_is + " p99", "< 1 s", lambda v, r: v < 1.0),
            self._peak("latency.rss", "Peak RSS, daemon through the latency run", usage, None, ""),
        ]

    def _reaction(self, client_number: int) -> float:
        """Seconds from Postfix accepting a practitioner's request to Postfix accepting introbot's first ask."""
        request = self.generator.request(client_number)
        mark = self.accepted.mark()
        self.host.deliver(request.raw, request.practitioner.email, list(request.recipients))
        taken = self.accepted.wait_for(lambda a: a.sender == request.practitioner.email and not a.sasl_username,
                                       mark, WAIT)
        ask = self.accepted.wait_for(lambda a: a.sasl_username == BOT and a.recipient == request.client, mark, WAIT)
        return ask.at - taken.at

    # ------------------------------------------------------------------ 2. backlog
    def backlog(self, count: int, key: str) -> None:
        """The timed backlog (key "backlog") or the memory one ("memory"): introbot once over `count`
        waiting messages, beside mbsync downloading byte-identical copies of the same mailbox."""
        big = key == "memory"
        # This machine is shared, so its speed drifts: for the timed backlog mbsync downloads one cold copy
        # before introbot runs and another after, and the reference is their mean. The big backlog is a
        # memory figure: one copy, without fsync, which changes mbsync's time but not its memory.
        mirrors = [MIRROR] if big else [MIRROR, MIRROR_AFTER]
        self.say(f"{key}: loading {count:,} messages into intro@ and into {' and '.join(mirrors)} for mbsync")
        self.host.reset()
        loaded = load_mailboxes(self.host, [BOT, *mirrors], Generator(self.settings.seed).backlog(count))
        self.say(f"{key}: {loaded.size / MB:,.0f} MB each, {_mix(loaded)}")
        before = mbsync_download(self.host, MIRROR, fsync=not big, expected=count)
        done, usage = self._once_backlog(count, key)
        label = f"{count:,}"
        if big:
            self.rows += [
                self._peak("memory.rss", f"Peak RSS, backlog of {label}", usage, before, "mbsync"),
                row("memory.growth", f"RSS growth from 20 % to 100 % of the {label}",
                    _rss_growth(usage, count) if usage else None, None, "MB", "",
                    f"flat: < {FLAT_RSS_GROWTH} MB", lambda v, r: v < FLAT_RSS_GROWTH),
                row("memory.time", f"Backlog of {label}: all handled and moved", done, before.wall, "s",
                    "mbsync download, FSync no", ""),
                row("memory.files", f"Most open files, backlog of {label}",
                    float(usage.max_open_files) if usage else None, None, "", "", ""),
            ]
            return
        after = mbsync_download(self.host, MIRROR_AFTER, fsync=True, expected=count)
        bare = mbsync_download(self.host, MIRROR, fsync=False, expected=count)
        self.say(f"{key}: mbsync took {before.wall:.2f} s before introbot and {after.wall:.2f} s after; "
                 f"{bare.wall:.2f} s without fsync")
        self.rows += [
            row("backlog.time", f"Backlog of {label}: all handled and moved", done, (before.wall + after.wall) / 2,
                "s", "mbsync download as packaged (FSync yes), mean of one before and one after",
                "≤ 1.5 × reference", lambda v, r: v <= 1.5 * r),
            row("backlog.time_vs_bare", f"Backlog of {label}, against a download without fsync", done, bare.wall,
                "s", "mbsync download, FSync no, server warm", ""),
            row("backlog.rate", f"Backlog of {label}: messages per second", count / done if done else None,
                count / before.wall, "msg/s", "mbsync, before", ""),
            self._peak("backlog.rss", f"Peak RSS, backlog of {label}", usage, before, "mbsync"),
        ]

    def _once_backlog(self, count: int, key: str) -> tuple[float | None, Usage | None]:
        """`introbot once` over the loaded INBOX: seconds until the INBOX is empty, and its usage."""
        bot = self.bot(key)
        if bot is None:
            return None, None
        self.say(f"{key}: introbot once over {count:,} messages")
        watcher = self.host.imap(BOT)
        remaining = lambda: watcher.folder_status("INBOX", [b"MESSAGES"])[b"MESSAGES"]  # noqa: E731
        # STATUS on a mailbox that changes under it costs Dovecot real work: half a second between looks
        # for the big backlogs, down to a tenth for a small one, whose whole run is not much longer.
        interval = min(0.5, max(0.1, count / 20_000))
        once = bot.start("once", "once", progress=lambda: count - remaining(), interval=interval)
        usage = once.finish()
        watcher.logout()
        emptied = next((s.at for s in usage.samples if s.progress >= count), None)
        handled = bot.handled()
        if usage.exit_status != 0 or handled != count:
            raise RuntimeError(f"introbot once exited {usage.exit_status} having recorded {handled} of {count} "
                               f"messages; see {bot.log_path('once')}")
        return (emptied - once.started if emptied else usage.wall), usage

    # ------------------------------------------------------------------ 3. outbox drain
    def drain(self) -> None:
        count = self.settings.drain
        self.say(f"drain: {count:,} messages to Postfix's submission port, introbot and a plain client")
        self.host.reset()
        reference = postfix_intake(self.host, self.accepted, ask_like(self.generator, count))
        self.host.wait_for_queue_empty(timeout=600)
        introbot, usage = None, None
        bot = self.bot("drain", lift_caps=True)  # the drain measures sending, not the sending limits
        if bot is not None:
            queued = bot.fill_outbox(self.generator, count, DRAIN_CLIENTS)
            if queued != count:
                raise RuntimeError(f"introbot queued {queued} asks for {count} requests; see {bot.folder}")
            mark = self.accepted.mark()
            usage = bot.start("once", "drain").finish()
            sent = [a for a in self.accepted.since(mark) if a.sasl_username == BOT]
            if usage.exit_status != 0 or len(sent) != count:
                raise RuntimeError(f"introbot once sent {len(sent)} of {count}; see {bot.log_path('drain')}")
            introbot = rate(sent)
        self.rows += [
            row("drain.rate", f"Outbox drain of {count:,}", introbot, reference, "msg/s",
                "smtplib, one connection, STARTTLS + AUTH", "≥ 100 msg/s", lambda v, r: v >= 100),
            self._peak("drain.rss", f"Peak RSS, outbox drain of {count:,}", usage, None, ""),
        ]

    # ------------------------------------------------------------------ 4. idle cost
    def idle(self) -> None:
        seconds = self.settings.idle_seconds
        self.say(f"idle: introbot and a bare IDLE client watch an empty intro@ for {seconds:g} s")
        self.host.reset()
        bot = self.bot("idle")
        daemon = bot.start("run", "daemon", interval=1.0) if bot else None
        if bot and daemon:
            bot.wait_until_watching(daemon, "daemon")
        idler = bare_idler(self.host, BOT, self.folder / "idler.log")
        time.sleep(2.0)  # both logged in and idling
        start = {w: sample(w.pid) for w in (daemon, idler) if w}
        time.sleep(seconds)
        end = {w: sample(w.pid) for w in (daemon, idler) if w}
        cpu = {w: (end[w].cpu - start[w].cpu) / (end[w].at - start[w].at) * 100 for w in start}
        idler.terminate()
        idler_usage = idler.finish(timeout=30)
        usage = self._stop(daemon, bot.log_path("daemon") if bot else None)
        self.rows += [
            row("idle.cpu", f"Idle CPU over {seconds:g} s", cpu.get(daemon), cpu[idler], "% of a core",
                "bare imapclient IDLE", "< 1 %", lambda v, r: v < 1.0),
            row("idle.rss", "RSS while idle", end[daemon].rss / MB if daemon else None, end[idler].rss / MB, "MB",
                "bare imapclient IDLE", f"< {PEAK_RSS_LIMIT} MB", lambda v, r: v < PEAK_RSS_LIMIT),
            row("idle.files", "Open files while idle", float(end[daemon].open_files) if daemon else None,
                float(end[idler].open_files), "", "bare imapclient IDLE", ""),
            self._peak("idle.rss_peak", "Peak RSS, idle daemon", usage, idler_usage, "bare IDLE client"),
        ]

    # ------------------------------------------------------------------ 6. reading hostile mail
    def reading(self) -> None:
        """Each reader of the pure core on long and hostile texts up to its cap (bench/reading.py): its worst
        time beside its time on an ordinary request, and the readings that grew like a quadratic's."""
        if self.settings.references_only:
            return
        scale = self.settings.reading_scale
        self.say(f"reading: {len(reading.READERS)} readers × {len(reading.SHAPES)} shapes, up to {scale:g} × each cap")
        timings = reading.measure(scale, say=self.say)
        for reader in reading.READERS:
            worst = max(reading.at_cap(timings, reader), key=lambda t: t.seconds)
            self.rows.append(row(f"reading.{reader.key}", f"Reading {reader.name}: slowest shape at {worst.size:,} "
                                 f"characters ({worst.shape})",
                                 worst.seconds, reading.ordinary(reader), "s", "an ordinary request",
                                 f"< {reading.TARGET:g} s", lambda v, r: v < reading.TARGET))
        grown = reading.superlinear(timings)
        self.rows.append(row("reading.superlinear", f"Readings that grew ≥ {reading.SUPERLINEAR:g} × at both doublings "
                             f"to the cap (of those over {reading.NOISE_FLOOR * 1000:g} ms)", float(len(grown)), None,
                             "", "", "none", lambda v, r: v == 0))
        self.notes.append(f"Slowest readings (bench/reading.py; `python3 -m bench.reading` prints them all):\n\n"
                          f"{reading.slowest(timings)}")
        if grown:
            self.notes.append("Readings that grew like a quadratic's:\n\n" + reading.slowest(grown, len(grown)))

    # ------------------------------------------------------------------ 7. where the backlog's time goes
    def profile(self) -> None:
        count = self.settings.backlog
        bot = self.bot("profile")
        if bot is None:
            return
        self.say(f"profile: introbot once under cProfile over the same {count:,} messages")
        self.host.reset()
        load_mailboxes(self.host, [BOT], Generator(self.settings.seed).backlog(count))
        stats = bot.folder / "once.prof"
        usage = profile_once(bot, stats)
        if usage.exit_status != 0 or bot.handled() != count:
            raise RuntimeError(f"introbot once under cProfile exited {usage.exit_status} having recorded "
                               f"{bot.handled()} of {count}; see {bot.log_path('profile')}")
        self.notes += [breakdown(f"Where the time goes: introbot once over {count:,} messages under cProfile "
                                 f"({usage.wall:.1f} s wall with the profiler; steps overlap)", steps(stats)),
                       breakdown("Own time by area (adds up to the whole)", areas(stats))]

    # ------------------------------------------------------------------ helpers
    def _stop(self, daemon: Watched | None, log: Path | None = None) -> Usage | None:
        """SIGTERM, as an operator stops it; a non-zero exit is reported (the figures still stand)."""
        if daemon is None:
            return None
        daemon.terminate()
        usage = daemon.finish(timeout=90)
        if usage.exit_status != 0:
            self.notes.append(f"Warning: introbot run exited {usage.exit_status} on SIGTERM (the contract says 0); "
                              f"see the end of {log or 'its log'} (--keep FOLDER keeps it)")
        return usage

    @staticmethod
    def _peak(key: str, figure: str, usage: Usage | None, reference: Usage | None, reference_is: str) -> Row:
        return row(key, figure, usage.peak_rss / MB if usage else None,
                   reference.peak_rss / MB if reference else None, "MB", reference_is,
                   f"< {PEAK_RSS_LIMIT} MB", lambda v, r: v < PEAK_RSS_LIMIT)


def _mix(loaded: Loaded) -> str:
    return ", ".join(f"{kind} {count / loaded.messages:.0%}" for kind, count in sorted(loaded.kinds.items()))


def _rss_growth(usage: Usage, count: int) -> float:
    """MB the process grew between handling 20 % of the backlog and the end: ~0 when memory is flat.
    A run too short to be sampled past 20 % is judged on its last sample alone (no growth seen)."""
    from_fifth = [s for s in usage.samples if s.progress >= count * 0.2] or list(usage.samples[-1:])
    if not from_fifth:
        return float("nan")
    return (max(s.rss for s in from_fifth) - from_fifth[0].rss) / MB


def measure(settings: Settings, say: Callable[[str], None] = lambda line: None,
            folder: Path | None = None) -> tuple[list[Row], list[str]]:
    """Run the chosen scenarios; return their rows and notes (the work folder is removed unless given)."""
    own_folder = folder is None
    folder = folder or Path(tempfile.mkdtemp(prefix="introbot-bench-"))
    bench = Bench(settings, folder, say)
    try:
        steps = {"latency": bench.latency, "backlog": lambda: bench.backlog(settings.backlog, "backlog"),
                 "memory": lambda: bench.backlog(settings.big_backlog, "memory"), "drain": bench.drain,
                 "idle": bench.idle, "reading": bench.reading, "profile": bench.profile}
        for name in SCENARIOS:
            if name in settings.only:
                started = time.monotonic()
                steps[name]()
                say(f"{name}: done in {time.monotonic() - started:,.0f} s")
    finally:
        bench.close()
        if own_folder:
            shutil.rmtree(folder, ignore_errors=True)
    return bench.rows, bench.notes


def machine() -> str:
    """The machine the figures were taken on, in one line."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal")) // 1024 // 1024
    dovecot, postfix, isync = (_version(["dovecot", "--version"], 0), _version(["postconf", "-d", "-h", "mail_version"], 0),
                               _version(["mbsync", "--version"], -1))
    return (f"{cpu}, {os.cpu_count()} cores, {memory} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, Dovecot {dovecot}, Postfix {postfix}, isync {isync}")


def _version(argv: list[str], word: int) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.split()[word]
    except (OSError, IndexError):
        return "?"


def parse(argv: Sequence[str]) -> tuple[Settings, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="python3 -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes for a fast look: 20 requests, 1,000 and 5,000 messages, 10 s idle")
    parser.add_argument("--only", action="append", choices=SCENARIOS, metavar="NAME",
                        help=f"run only this scenario (repeatable): {', '.join(SCENARIOS)}")
    parser.add_argument("--requests", type=int, help="requests for the latency run (200)")
    parser.add_argument("--backlog", type=int, help="messages in the timed backlog (10,000)")
    parser.add_argument("--big-backlog", type=int, help="messages in the memory backlog (100,000)")
    parser.add_argument("--drain", type=int, help="messages in the outbox drain (1,000)")
    parser.add_argument("--idle", type=float, dest="idle_seconds", help="seconds of idle measurement (60)")
    parser.add_argument("--reading-scale", type=float, dest="reading_scale",
                        help="sizes of the reading scenario as a share of each reader's cap (1)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile introbot once over the backlog (cProfile) and show where the time goes")
    parser.add_argument("--references-only", action="store_true",
                        help="measure only the mail servers' own figures (no introbot)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file as JSON")
    parser.add_argument("--keep", type=Path, help="keep configs, databases and logs in this folder")
    args = parser.parse_args(argv)
    settings = replace(Settings(), **(QUICK if args.quick else {}))
    chosen = {name: getattr(args, name) for name in ("requests", "backlog", "big_backlog", "drain", "idle_seconds",
                                                     "reading_scale")
              if getattr(args, name) is not None}
    only = tuple(dict.fromkeys([*(args.only or DEFAULT_SCENARIOS), *(["profile"] if args.profile else [])]))
    settings = replace(settings, **chosen, references_only=args.references_only, only=only)
    return settings, args


def main(argv: Sequence[str] | None = None) -> int:
    settings, args = parse(sys.argv[1:] if argv is None else argv)
    started, load_at_start = time.monotonic(), os.getloadavg()[0]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    rows, notes = measure(settings, say=lambda line: print(f"· {line}", file=sys.stderr, flush=True), folder=args.keep)
    print(f"\nMachine: {machine()}")
    print(f"Command: python3 -m bench.run {' '.join(sys.argv[1:] if argv is None else argv)}".rstrip())
    load = f"{load_at_start:.1f} → {os.getloadavg()[0]:.1f}"
    print(f"Took {time.monotonic() - started:,.0f} s; load average (1 min) {load} on {os.cpu_count()} cores\n")
    print(table(rows))
    for note in notes:
        print(f"\n{note}")
    if args.json:
        args.json.write_text(json.dumps([r.as_dict() for r in rows], indent=2))
    return 0 if all(r.verdict != "FAIL" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
