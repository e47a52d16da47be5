"""The one new address a referrer's answer to "I couldn't reach Maya" gives for her."""

from __future__ import annotations

import pytest

from introbot.core.request import corrected_address

EXCLUDED = {"maya@old.example", "sam@client.example", "ada@clinic.example"}
BOT = "intro@collective.example"


@pytest.mark.parametrize("answer, expected", [
    ("Her new address is maya@new.example", "maya@new.example"),
    ("Try Maya Chen <Maya@New.Example> please", "maya@new.example"),
    ("maya@new.example (not maya@old.example)", "maya@new.example"),
    ("Use maya@new.example, and cc me at ada@clinic.example", "maya@new.example"),
    ("Thanks, I'll call her.", None),
    ("Either maya@new.example or maya.chen@work.example", None),  # two: asking the wrong one is worse
    ("maya@old.example", None),
    ("Write to intro+abc@collective.example", None),
    ("Sam's is sam@client.example", None),
])
def test_the_one_new_address_in_the_referrers_answer(answer, expected):
    assert corrected_address(answer, EXCLUDED, BOT) == expected
