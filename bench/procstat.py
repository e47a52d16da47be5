"""A child process watched from outside: RSS over time, peak RSS, CPU time and open files, from /proc and wait4.

Peak RSS is the kernel's high-water mark (VmHWM) read while the process runs, not wait4's ru_maxrss:
a child started with vfork (as subprocess does) inherits the parent's RSS into ru_maxrss at exec, so
a small child of a large parent would be reported as large.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MB = 1024 * 1024


@dataclass(frozen=True)
class Sample:
    """One look at a running process."""

    at: float          # time.monotonic()
    rss: int           # bytes resident now
    peak_rss: int      # bytes, the high-water mark so far (VmHWM)
    cpu: float         # user + system seconds so far
    open_files: int
    progress: int = 0  # what the caller counts (messages handled, for instance)


@dataclass(frozen=True)
class Usage:
    """What a process used over its whole life, as the kernel accounts it at exit."""

    wall: float        # seconds from start to exit
    cpu: float         # user + system seconds
    peak_rss: int      # bytes: the last VmHWM seen, sampled every `Watched.interval` seconds
    exit_status: int
    samples: tuple[Sample, ...]

    @property
    def max_open_files(self) -> int:
        return max((s.open_files for s in self.samples), default=0)


def sample(pid: int, progress: int = 0) -> Sample | None:
    """RSS, CPU and open files of `pid` now; None once it has exited (or is a zombie, without memory)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                      if ":" in line)
        open_files = len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError):
        return None
    if "VmHWM" not in status:
        return None
    return Sample(at=time.monotonic(), rss=_kilobytes(status["VmRSS"]), peak_rss=_kilobytes(status["VmHWM"]),
                  cpu=_cpu_seconds(pid, stat), open_files=open_files, progress=progress)


def _cpu_seconds(pid: int, stat: str) -> float:
    """CPU time of every live thread in nanoseconds (schedstat), else in clock ticks (10 ms: too coarse
    for an idle process) from /proc/PID/stat."""
    try:
        return sum(int(Path(task, "schedstat").read_text().split()[0])
                   for task in Path(f"/proc/{pid}/task").iterdir()) / 1e9
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        # Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14, 15.
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _kilobytes(field: str) -> int:
    return int(field.split()[0]) * 1024


@dataclass(eq=False)  # identity: a process is itself, whatever its samples
class Watched:
    """A child process sampled every `interval` seconds until it exits; `finish()` returns its Usage.

    `progress` is called at each sample (from the sampling thread) so RSS can be plotted against work done."""

    argv: list[str]
    env: dict[str, str] | None = None
    cwd: Path | None = None
    interval: float = 0.1
    progress: Callable[[], int] | None = None
    log: IO[bytes] | None = None
    _samples: list[Sample] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                        stdout=self.log or subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample_until_exit, name="bench-sampler", daemon=True)
        self._sampler.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def latest(self) -> Sample | None:
        return self._samples[-1] if self._samples else None

    def samples_since(self, moment: float) -> list[Sample]:
        return [s for s in self._samples if s.at >= moment]

    def _sample_until_exit(self) -> None:
        while not self._stop.is_set():
            seen = sample(self.pid, self.progress() if self.progress else 0)
            if seen is None:
                return
            self._samples.append(seen)
            self._stop.wait(self.interval)

    def terminate(self) -> None:
        """Ask the process to finish its work and exit (SIGTERM), as an operator would."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)

    def finish(self, timeout: float | None = None) -> Usage:
        """Wait for the exit (SIGKILL after `timeout`) and collect the kernel's accounting."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                self.process.kill()
                deadline = None
            time.sleep(0.02)
        ended = time.monotonic()
        self.process.returncode = os.waitstatus_to_exitcode(status)
        self._stop.set()
        self._sampler.join()
        return Usage(wall=ended - self.started, cpu=rusage.ru_utime + rusage.ru_stime,
                     peak_rss=max((s.peak_rss for s in self._samples), default=0), exit_status=self.process.returncode,
                     samples=tuple(self._samples))
