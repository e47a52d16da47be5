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


def test_a_sentence_that_holds_no_name_is_not_searched_for_anyone_in_it(monkeypatch):
    looked_for = []
    mention_matches = request._mention_matches
    monkeypatch.setattr(request, "_mention_matches", lambda text, phrase, *args, **kwargs: (
        looked_for.append(phrase), mention_matches(text, phrase, *args, **kwargs))[1])

    assert DIRECTORY.named_in("Sam is well.") == []
    assert looked_for == []
    assert DIRECTORY.named_in("Devs can wait.") == []  # "Dev" is in it, not as a name: only Dev is looked for
    assert set(looked_for) <= {"Dev Sharma", "dev sharma", "Dev", "DEV"}
    assert DIRECTORY.named_in("Could Dev see her?") == [DEV]


def test_the_sentences_around_a_thousand_mentions_are_searched_once(monkeypatch):
    asks, tells = CountedPattern(request._ASKS), CountedPattern(request._TELLS)
    monkeypatch.setattr(request, "_ASKS", asks)
    monkeypatch.setattr(request, "_TELLS", tells)
    note = "Maya Chen Lio Park " * 500  # one sentence, a thousand mentions

    candidate = DIRECTORY.candidate(MAYA.email)
    assert not request._asked_for(note, candidate)
    assert not request._only_told_of(note, candidate)
    assert asks.searched + tells.searched <= 2 * len(note)
