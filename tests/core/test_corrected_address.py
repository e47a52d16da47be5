"""The one new address a referrer's answer to "I couldn't reach Maya" gives for her."""

from __future__ import annotations

import pytest

from introbot.config import Person
from introbot.core.request import corrected_address

ADA = Person(name="Dr. Ada Lee", email="ada@clinic.example", website="https://www.clinic.example")
EXCLUDED = {"maya@old.example", "sam@client.example"}
BOT = "intro@collective.example"


@pytest.mark.parametrize("answer, expected", [
    ("Her new address is maya@new.example", "maya@new.example"),
    ("Try Maya Chen <Maya@New.Example> please", "maya@new.example"),
    ("maya@new.example (not maya@old.example)", "maya@new.example"),
    ("Use maya@new.example, and cc me at ada@clinic.example", "maya@new.example"),
    ("It's maya@new.example\n\nAda Lee\nLee Acupuncture\nfront-desk@clinic.example\n+1 555 0100", "maya@new.example"),
    ("Thanks, I'll call her.", None),
    ("Either maya@new.example or maya.chen@work.example", None),  # two: asking the wrong one is worse
    ("maya@old.example", None),
    ("Write to intro+abc@collective.example", None),
    ("Sam's is sam@client.example", None),
])
def test_the_one_new_address_in_the_referrers_answer(answer, expected):
    assert corrected_address(answer, ADA, EXCLUDED, BOT) == expected


@pytest.mark.parametrize("signature", [
    "Ada Lee\nLee Acupuncture | front-desk@clinic.example",
    "Dr. Ada Lee, L.Ac.\nbookings@clinic.example",
    "Ada\n\nLee Acupuncture\nreception@lee-acupuncture.example",
    "Lee Acupuncture, 12 Harbour Road\nreception@www.clinic.example",
])
def test_an_address_in_the_referrers_signature_is_never_taken_for_the_party(signature):
    assert corrected_address(f"Thanks, I'll give him a call.\n\n{signature}", ADA, EXCLUDED, BOT) is None
