"""Shared pytest fixtures: the real-world corpus beside the checkout, and a fixed clock."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def corpus_or_skip() -> Path:
    """The corpus folder; corpus tests skip (and only they) when it is not beside the checkout."""
    if not (CORPUS / "index.jsonl").is_file():
        pytest.skip(f"the real-world corpus is not at {CORPUS}; it is only present beside the project checkout")
    return CORPUS


def corpus_manifest(name: str) -> dict:
    return json.loads((corpus_or_skip() / "manifests" / f"{name}.json").read_text(encoding="utf-8"))


def corpus_index() -> list[dict]:
    lines = (corpus_or_skip() / "index.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture
def now() -> datetime:
    """A fixed clock for the pure core: tests pass time in, they never patch it."""
    return datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
