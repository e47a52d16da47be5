"""What operators and supervisors see: systemd's notify protocol and watchdog, the heartbeat file, the
counters behind `introbot status`, and the example systemd unit."""

from __future__ import annotations

import pytest

import configparser
import json
import shutil
import socket
import subprocess
import sys

from introbot.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from introbot.config import load_config
from introbot.daemon import BEAT_EVERY, LOCK_DIRECTORY, status
from tests.conversation import ADA, KIM, SAM, new_message
from tests.faultsmtp import TEMPORARY, FaultSMTP
from tests.reliability.test_intake import poison
from tests.reliability.world import REPO, authenticated, direct_request, drop_into_inbox, new_world

world = pytest.fixture(new_world, name="world")

UNIT = REPO / "deploy" / "introbot.service"


def test_under_systemd_the_daemon_says_ready_beats_the_watchdog_works_and_stops_cleanly(world, tmp_path):
    address = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(address)
        notify.settimeout(30)
        with world.daemon(environment={"NOTIFY_SOCKET": address}) as daemon:
            said = [notify.recv(100), notify.recv(100)]
            beat = json.loads((world.folder / "introbot.heartbeat").read_text())
            world.deliver(direct_request(SAM, "Maya Chen"), ADA)  # work in both threads before stopping
            world.wait_inbox(SAM, 1)
            daemon.process.terminate()
            while said[-1] != b"STOPPING=1":
                said.append(notify.recv(100))
            assert daemon.process.wait(timeout=60) == 0
    assert said[:2] == [b"READY=1", b"WATCHDOG=1"] and set(said[2:-1]) <= {b"WATCHDOG=1"}
    assert beat["pid"] == daemon.process.pid and beat["state"] == "running"
    assert json.loads((world.folder / "introbot.heartbeat").read_text())["state"] == "stopped"


def test_a_drain_longer_than_the_watchdog_allows_beats_as_it_makes_progress(world, tmp_path):
    """A drain may outlast WatchdogSec (600 asks due after an outage, a provider taking a second each): each
    message it gets through is a sign of life. The server holds the second ask until the watchdog hears one."""
    address = str(tmp_path / "notify")
    heard: list[bytes] = []
    recipients: list[str] = []

    def wait_for_a_beat_before_the_second(transaction) -> bool:
        recipients.append(transaction.address)
        if len(recipients) == 2:  # the first ask went through: the daemon is not stuck
            while b"WATCHDOG=1" not in heard:
                try:
                    heard.append(notify.recv(100))
                except TimeoutError:
                    break
        return False  # accept it, after the wait

    with FaultSMTP() as server, socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(address)
        notify.settimeout(30)
        world.configure("smtp", host="127.0.0.1", port=server.port, security="none", username=None,
                        password_file=None, ca_file=None, timeout="60s")
        server.on("RCPT", TEMPORARY, when=wait_for_a_beat_before_the_second)
        for client in (SAM, KIM):
            drop_into_inbox(world.mail, direct_request(client, "Maya Chen"))
        with world.daemon(environment={"NOTIFY_SOCKET": address}):
            server.wait_for_messages(2, timeout=90)
    assert sorted(recipients) == [KIM[1], SAM[1]] and heard[-1:] == [b"WATCHDOG=1"], heard


def test_ready_comes_before_the_catch_up_and_the_watchdog_beats_while_it_lasts(world, tmp_path):
    """`introbot run` first catches up with what waits in INBOX: a backlog of 100,000 messages takes 67-120 s, past
    systemd's default TimeoutStartSec of 90 s, and READY=1 waited for it, so systemd killed the start, again and
    again. Here the catch-up is held by a message whose handling hangs (until its 10 minute budget): introbot is
    ready before it, and beats every 10 s while it lasts. (The socket's 30 s timeout is a hang guard.)"""
    world.configure("limits", message_time_budget="10m")
    hanging = direct_request(SAM, "Maya Chen")
    drop_into_inbox(world.mail, hanging)
    address = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(address)
        notify.settimeout(30)
        process = subprocess.Popen(world.command("run"), cwd=REPO, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL,
                                   env={**world.environment(stall_on=hanging["Message-ID"]), "NOTIFY_SOCKET": address})
        try:
            said = [notify.recv(100) for _ in range(3)]
            beat = json.loads((world.folder / "introbot.heartbeat").read_text())
            waiting = world.folder_sizes()
        finally:
            process.kill()
            process.wait()
    assert said == [b"READY=1", b"WATCHDOG=1", b"WATCHDOG=1"]
    assert beat["pid"] == process.pid and beat["state"] == "running"
    assert waiting == {"INBOX": 1}  # still in hand: the catch-up has not ended


def test_the_counters_and_the_heartbeat_show_what_happened_without_personal_data(world):
    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))
    drop_into_inbox(world.mail, authenticated(new_message(KIM, ("Intro", "intro@collective.example"), "Hi",
                                                          "Please introduce me to Maya Chen.\n"), KIM))
    drop_into_inbox(world.mail, poison("20,000 recipients"))

    assert world.process().returncode == 0

    shown = status(load_config(world.config_path))
    assert shown["counters"] == {"processed": 1, "ignored": 1, "quarantined": 1, "sent": 1}
    assert shown["outbox"] == {"sent": 1}
    assert shown["heartbeat"]["state"] == "once" and 0 <= shown["heartbeat_age_seconds"] < 3600
    assert "@" not in json.dumps(shown) and ADA[0] not in json.dumps(shown)


def test_the_systemd_unit_restarts_on_failure_watches_the_beat_and_verifies(tmp_path):
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str
    unit.read(UNIT)
    service = unit["Service"]
    assert service["Type"] == "notify" and " run --config " in service["ExecStart"]
    assert service["Restart"] == "on-failure" and service["RestartPreventExitStatus"] == str(EXIT_USAGE)
    assert int(service["WatchdogSec"]) >= 3 * BEAT_EVERY.total_seconds()
    assert str(LOCK_DIRECTORY) in service["ReadWritePaths"].split()
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze (package systemd) checks the unit; install it"
    runnable = UNIT.read_text().replace("/usr/local/bin/introbot", f"{sys.executable} -m introbot")
    checked = tmp_path / "introbot.service"
    checked.write_text(runnable)
    verified = subprocess.run([analyze, "verify", str(checked)], capture_output=True, text=True)
    assert (verified.returncode, verified.stderr) == (0, "")


def test_introbot_status_shows_the_numbers_and_check_fails_on_a_stale_or_stopped_daemon(world, capsys):
    config = ["--config", str(world.config_path)]
    assert main(["status", "--check", *config]) == EXIT_FAILURE
    assert "no database" in capsys.readouterr().err

    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))
    assert world.process().returncode == 0
    assert main(["status", "--check", *config]) == EXIT_OK
    out = capsys.readouterr().out
    assert "heartbeat: once (pid " in out and "counters: processed 1, sent 1" in out and "outbox: sent 1" in out
    assert main(["status", "--json", *config]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["counters"] == {"processed": 1, "sent": 1}

    heartbeat = world.folder / "introbot.heartbeat"
    beat = json.loads(heartbeat.read_text())
    heartbeat.write_text(json.dumps({**beat, "at": "2026-01-01T00:00:00+00:00"}))
    assert main(["status", "--check", *config]) == EXIT_FAILURE
    assert "the last beat is" in capsys.readouterr().err
    assert main(["status", "--check", "--max-age", "5000w", *config]) == EXIT_OK
    heartbeat.write_text(json.dumps({**beat, "state": "stopped"}))
    assert main(["status", "--check", *config]) == EXIT_FAILURE
    assert "stopped" in capsys.readouterr().err
    heartbeat.unlink()
    assert main(["status", "--check", *config]) == EXIT_FAILURE
    assert "no heartbeat yet" in capsys.readouterr().err
