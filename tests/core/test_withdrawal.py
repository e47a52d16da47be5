"""Words that take back a yes, and afterthoughts that only look like a no."""

import pytest

from introbot.core.withdrawal import takes_back


@pytest.mark.parametrize("text", [
    "Sorry, I've changed my mind.", "On second thought, no thanks.", "Actually I'd rather not.",
    "Please don't introduce me after all.", "I found someone closer to home, sorry.", "Nein, doch lieber nicht.",
    "Ich habe es mir anders überlegt.", "J'ai changé d'avis, désolée.", "Finalement non, merci.",
    "He cambiado de opinión.", "Mejor no, gracias.", "Ho cambiato idea.", "Toch niet, sorry.",
    "Mudei de ideia.", "Jag har ändrat mig.", "Jeg har fortrudt.", "Zmieniłam zdanie.",
])
def test_a_change_of_mind_takes_the_yes_back(text):
    assert takes_back(text)


@pytest.mark.parametrize("text", [
    "No questions, thanks", "Great, thanks, no need to reply", "No, thank you for arranging this!",
    "No worries!", "Not yet, but I will call her tomorrow.", "Nein danke, alles klar.",
])
def test_an_afterthought_that_only_looks_like_a_no_does_not(text):
    assert not takes_back(text)
