"""Words that take back a yes (beside a no, or alone as a change of mind), and afterthoughts that only look like a no."""

import pytest

from introbot.core.withdrawal import changes_mind, takes_back


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


@pytest.mark.parametrize("text", [
    "Sorry, I've changed my mind.", "Actually I changed my mind, sorry!", "Ich habe es mir anders überlegt.",
    "J'ai changé d'avis, désolée.", "He cambiado de opinión.", "Ci ho ripensato.", "Mudei de ideia.",
    "Hmm, I'm not sure now. I've changed my mind.",
])
def test_a_change_of_mind_alone_takes_the_yes_back(text):
    """Read alone, these are neither yes nor no; after a yes they can only take it back."""
    assert changes_mind(text) and takes_back(text)


@pytest.mark.parametrize("text", [
    "I haven't changed my mind, still keen!", "I have not changed my mind.", "Ich habe es mir nicht anders überlegt.",
    "Je n'ai pas changé d'avis !", "No he cambiado de opinión.", "Thanks! I'll cancel my other appointment then.",
    "Actually I'd rather not wait too long - is next week possible?", "Second thoughts about the time: is Friday ok?",
])
def test_words_that_take_a_yes_back_only_beside_a_no_or_a_negated_change_of_mind_do_not_alone(text):
    assert not changes_mind(text)
