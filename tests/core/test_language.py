"""Guessing the language a client writes in, so asks go out in it where a template exists."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from introbot.core.language import guess_language


@pytest.mark.parametrize("language, text", [
    ("en", "Thank you for the session. My back is still sore and I would like to see someone for it."),
    ("fr", "Merci pour la séance. J'ai toujours mal au dos et je ne sais pas qui voir pour un massage."),
    ("de", "Danke für die Sitzung. Ich habe immer noch Schmerzen und ich weiß nicht, wer mir helfen kann."),
    ("es", "Gracias por la sesión. Todavía tengo dolor de espalda y no sé a quién ver para un masaje."),
    ("it", "Grazie per la seduta. Ho ancora mal di schiena e non so chi vedere per un massaggio."),
    ("pt", "Obrigado pela sessão. Eu ainda tenho dor nas costas e não sei quem ver para uma massagem."),
    ("nl", "Dank voor de sessie. Ik heb nog steeds rugpijn en ik weet niet bij wie ik moet zijn."),
])
def test_a_paragraph_is_recognised(language, text):
    assert guess_language(text) == language


@pytest.mark.parametrize("text", ["", "Sam", "OK thanks", "12345 !!!", "Sam Rivera <sam@client.example>"])
def test_too_little_to_tell_is_no_guess(text):
    assert guess_language(text) is None


@given(st.text(max_size=500))
def test_any_text_gives_a_known_code_or_none(text):
    assert guess_language(text) in {None, "en", "fr", "de", "es", "it", "pt", "nl"}
