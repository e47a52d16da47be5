"""Shared pytest fixtures: the real-world corpus beside the checkout, a fixed clock, a real mail host."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.mailhost import MailHost

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


@pytest.fixture(scope="session")
def mailhost() -> Iterator[MailHost]:
    """Dovecot + Postfix on 127.0.0.1 for the whole session; fails (never skips) when they are not installed."""
    with MailHost() as host:
        yield host


@pytest.fixture
def mail(mailhost: MailHost) -> MailHost:
    """The session's mail host with empty mailboxes and an empty queue for this test."""
    mailhost.reset()
    return mailhost
