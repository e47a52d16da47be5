"""A full disk (RELIABILITY 16): nothing is sent unless its state was saved, and work resumes when space
returns. The database lives on a small tmpfs that the test fills to the last byte."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conversation import ADA, BOT, MAYA, SAM, reply
from tests.reliability.world import direct_request, new_world

world = pytest.fixture(new_world, name="world")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs, unmounted at the end whatever happens."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=True)


@contextmanager
def full(disk: Path) -> Iterator[None]:
    """Fill the disk until the kernel refuses one more byte; free it again on leaving."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass
    try:
        yield
    finally:
        filler.unlink()


def test_on_a_full_disk_nothing_is_sent_unless_saved_and_work_resumes_when_space_returns(world, small_disk):
    world.configure("bot", database=str(small_disk / "introbot.sqlite3"))
    assert world.process().returncode == 0  # the database exists, with nothing to do yet

    world.send(direct_request(SAM, "Maya Chen"), sender=ADA)
    with full(small_disk):
        refused = world.process()
    assert refused.returncode == 1 and "cannot write the database" in refused.log, refused.log
    world.mail.wait_for_queue_empty()
    assert world.message_ids(SAM) == {} and len(world.mail.messages(BOT)) == 1  # still waiting in INBOX

    assert world.process().returncode == 0  # space is back
    [ask] = world.wait_inbox(SAM, 1)

    # Saved and claimed, then the disk fills before the outcome could be written.
    world.send(reply(ask, SAM, "Yes please"), sender=SAM)
    assert world.process(crash_at="before-smtp").killed
    with full(small_disk):
        refused = world.process()
    assert refused.returncode == 1 and "cannot write the database" in refused.log, refused.log
    world.mail.wait_for_queue_empty()
    assert world.message_ids(MAYA) == {}

    assert world.process().returncode == 0
    world.wait_inbox(MAYA, 1)
    world.mail.wait_for_queue_empty()
    assert list(world.message_ids(MAYA).values()) == [1] and list(world.message_ids(SAM).values()) == [1]
    assert world.integrity() == "ok"
