"""The installed layout: the wheel carries every shipped template, so `pip install .` works without the checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from introbot.model import Kind

REPO = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_every_template_and_the_console_command(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path),
                    str(REPO)], check=True, timeout=300)
    [wheel] = tmp_path.glob("introbot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for language in ("en", "fr", "de", "es"):
        missing = [k.value for k in Kind if f"introbot/templates/{language}/{k.value}.txt" not in names]
        assert missing == [], f"{language} templates missing from the wheel: {missing}"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "introbot = introbot.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
