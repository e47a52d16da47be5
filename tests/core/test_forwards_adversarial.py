"""An adversarial set of 205 forwards from clients and locales beyond the corpus: who introbot takes for whom.

tests/data/forwards_adversarial.jsonl was written by a reviewer to break the forward reader (Korean,
Greek, Hebrew, Arabic, Thai, Vietnamese, Indonesian, Catalan, Lithuanian and Bulgarian clients;
Mail.ru, Yandex, Tuta, eM Client, Zoho, Samsung Email, Daum; form notifications; traps where the
client's own mail holds an older forward). Each case says who the client and the colleague are, or
that introbot must ask. Taking the wrong person must never happen; a needless question is counted.
"""

from __future__ import annotations

import json
from collections import Counter
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import pytest

from introbot.config import Person
from introbot.core.request import Directory, Understood, understand

BOT = "intro@collective.example"
ANA = Person("Ana Silva", "ana@clinic.example", website="https://clinic.example", specialty="acupuncture")
DIRECTORY = Directory([
    ANA,
    Person("Sam Okafor", "okafor@mindful.example", specialty="psychotherapy"),
    Person("Maya Chen", "maya@bodywork.example", website="https://bodywork.example", specialty="massage therapy"),
    Person("Maya Alvarez", "alvarez@movement.example", website="https://movement.example", specialty="yoga therapy"),
    Person("Lio Park", "lio@craniosacral.example", website="https://craniosacral.example",
           specialty="craniosacral therapy"),
    Person("田中 花子", "tanaka@seitai.example", website="https://seitai.example", specialty="seitai"),
])
CASES = [json.loads(line) for line in
         (Path(__file__).parent.parent / "data" / "forwards_adversarial.jsonl").read_text(encoding="utf-8").splitlines()]


def outcome(case: dict) -> str:
    """"right", "wrong client", "wrong colleague", "needless question" (a client or colleague asked for)."""
    expect = case["expect"]
    message = BytesParser(policy=default).parsebytes(case["raw"].encode("utf-8", "surrogateescape"))
    result = understand(message, ANA, DIRECTORY, BOT)
    if not isinstance(result, Understood):
        return "refused"
    clients = expect["client_any"] if expect.get("client_any") is not None else [expect["client"]]
    colleagues = expect["colleague_any"] if expect.get("colleague_any") is not None else [expect["colleague"]]
    client = result.client.email if result.client else None
    colleague = result.colleague.email if result.colleague else None
    if client not in clients:
        return "wrong client" if client is not None else "needless question"
    if colleague not in colleagues:
        return "wrong colleague" if colleague is not None else "needless question"
    return "right"


@pytest.fixture(scope="module")
def outcomes() -> dict[str, str]:
    return {case["id"]: outcome(case) for case in CASES}


def test_no_forward_makes_introbot_take_the_wrong_person(outcomes):
    assert {case: result for case, result in outcomes.items() if result.startswith(("wrong", "refused"))} == {}


def test_the_score_on_the_adversarial_forwards(outcomes, capsys):
    tally = Counter(outcomes.values())
    with capsys.disabled():
        print(f"\nadversarial forwards ({len(CASES)}): {dict(tally)}; asked needlessly: "
              f"{sorted(case for case, result in outcomes.items() if result == 'needless question')}")
    assert len(CASES) >= 200 and tally["right"] >= 0.95 * len(CASES)
