"""What reading a long request costs, counted in the work done (searches, characters searched), never timed:
it must grow with the text, not with its square (bench/reading.py measures the time)."""

from __future__ import annotations

import re

from introbot.config import Person
from introbot.core import request
from introbot.core.request import Directory

ADA = Person("Dr. Ada Lee", "ada@clinic.example", website="https://clinic.example")
MAYA = Person("Maya Chen", "maya@bodywork.example", website="https://bodywork.example")
LIO = Person("Lio Park", "lio@craniosacral.example")
DEV = Person("Dev Sharma", "dev@physio.example")
DIRECTORY = Directory([ADA, MAYA, LIO, DEV])


class CountedPattern:
    """A compiled pattern that counts the characters it is asked to search."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.searched = pattern, 0

    def search(self, text: str, *bounds: int) -> re.Match[str] | None:
        self.searched += len(text)
        return self.pattern.search(text, *bounds)


def test_the_sentences_around_a_thousand_mentions_are_searched_once(monkeypatch):
    asks, tells = CountedPattern(request._ASKS), CountedPattern(request._TELLS)
    monkeypatch.setattr(request, "_ASKS", asks)
    monkeypatch.setattr(request, "_TELLS", tells)
    note = "Maya Chen Lio Park " * 500  # one sentence, a thousand mentions

    candidate = DIRECTORY.candidate(MAYA.email)
    assert not request._asked_for(note, candidate)
    assert not request._only_told_of(note, candidate)
    assert asks.searched + tells.searched <= 2 * len(note)
