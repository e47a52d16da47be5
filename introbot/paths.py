"""Where the shipped templates are: inside the installed package, or beside it in a source checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def shipped_templates() -> Path:
    installed = PACKAGE / "templates"  # the wheel carries the top-level templates/ here
    if installed.is_dir():
        return installed
    return PACKAGE.parent / "templates"  # a source checkout or an editable install
