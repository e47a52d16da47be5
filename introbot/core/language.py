"""A small guess at the language a person writes in, so introbot can answer them in it where it can."""

from __future__ import annotations

import re

# The most frequent short words of each language that no other of these languages uses as often.
# Enough to tell a client's paragraph apart; not a general language detector.
_STOPWORDS = {
    "en": "the and you to of is it that for with my have this are was your be on not but can would",
    "fr": "le la les et je vous de des est pour une un que pas avec mon ma mes sur dans ce qui être",
    "de": "der die das und ich sie nicht ist mit ein eine zu den mein für auf ich es wir haben bin",
    "es": "el la los las y yo usted de que es para una un con mi por no muy gracias estoy tengo",
    "it": "il la le e io di che è per una un con mio mia non sono ho grazie molto della",
    "pt": "o a os as e eu de que é para uma um com meu minha não estou tenho obrigado muito",
    "nl": "de het een en ik je u van dat is voor met mijn niet op zijn heb ben dank graag",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+")
MIN_HITS = 3
MAX_CHARS = 4000


def guess_language(text: str) -> str | None:
    """The ISO 639-1 code of the language `text` is most likely in, or None when unsure."""
    words = [w.casefold() for w in _WORD.findall(text[:MAX_CHARS])]
    scores = sorted(((sum(w in vocabulary for w in words), lang) for lang, vocabulary in _WORDS.items()),
                    reverse=True)
    (best, language), (runner_up, _) = scores[0], scores[1]
    if best >= MIN_HITS and best >= 1.5 * runner_up:
        return language
    return None
