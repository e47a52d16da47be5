"""The container recipe: there is no Docker engine here, so the Dockerfile's own commands run as plain
shell in a temporary root, and the image's entrypoint then runs the daemon against the real mail host
while its HEALTHCHECK command watches it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conversation import World

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO / "Dockerfile"
STARTUP_DEADLINE = 60.0


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def exec_form(arguments: str) -> list[str]:
    form = json.loads(arguments)
    assert isinstance(form, list), f"{arguments} should be in exec form (a JSON list) so signals reach introbot"
    return form


def test_the_image_is_the_python_we_test_on_and_runs_the_daemon_unprivileged_under_a_health_check():
    found = dict(instructions())
    assert found["FROM"].startswith(f"python:{sys.version_info.major}.{sys.version_info.minor}-")
    assert found["USER"] not in ("", "root", "0")
    assert exec_form(found["ENTRYPOINT"]) == ["/opt/introbot/bin/introbot"] and exec_form(found["CMD"]) == ["run"]
    check = found["HEALTHCHECK"].split(" CMD ", 1)[1]
    assert exec_form(check) == ["/opt/introbot/bin/introbot", "status", "--check"]
    assert "INTROBOT_CONFIG=/etc/introbot/config.toml" in found["ENV"]


def test_the_build_steps_work_as_shell_and_the_entrypoint_runs_and_passes_its_health_check(mail, tmp_path):
    root = tmp_path / "image"
    paths = {"/src": root / "src", "/opt/introbot": root / "opt" / "introbot"}

    def in_root(text: str) -> str:
        for inside, outside in paths.items():
            text = re.sub(rf"(?<![\w/]){re.escape(inside)}(?![\w-])", str(outside), text)
        return text

    for instruction, arguments in instructions():
        if instruction == "COPY":
            assert arguments == ". /src", "the build context is the checkout, copied whole to /src"
            copy_checkout(paths["/src"])
        elif instruction == "RUN" and not arguments.startswith("useradd"):  # a user is the engine's business
            # pip's cache stays on here (it is the only change): the image must not keep one, a test may.
            command = in_root(arguments).replace(" --no-cache-dir", "")
            done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=600)
            assert done.returncode == 0, f"RUN {arguments}\n{done.stdout}\n{done.stderr}"

    found = dict(instructions())
    entrypoint = [in_root(part) for part in exec_form(found["ENTRYPOINT"])]
    health_check = [in_root(part) for part in exec_form(found["HEALTHCHECK"].split(" CMD ", 1)[1])]
    (tmp_path / "state").mkdir()
    world = World(mail, tmp_path / "state")
    environment = {"INTROBOT_CONFIG": str(world.config_path), "PATH": "/usr/bin:/bin"}

    def healthy() -> subprocess.CompletedProcess:
        return subprocess.run(health_check, capture_output=True, text=True, env=environment, timeout=60)

    assert healthy().returncode == 1  # not started yet: nothing to vouch for
    daemon = subprocess.Popen(entrypoint + exec_form(found["CMD"]), env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE
        while healthy().returncode != 0:
            assert daemon.poll() is None, f"the daemon exited: {daemon.stdout.read()}"
            assert time.monotonic() < deadline, "the daemon never became healthy"
            time.sleep(0.5)
    finally:
        daemon.terminate()
        output = daemon.communicate(timeout=90)[0]
    assert daemon.returncode == 0, output
    stopped = healthy()
    assert stopped.returncode == 1 and "stopped" in stopped.stderr


def copy_checkout(destination: Path) -> None:
    """What `docker build .` sends from a clean clone: the files git tracks (or would, for new ones)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
