"""What a practitioner's words say about their requests besides asking for one: not (yet), how does it stand,
and which of their open requests they mean."""

from __future__ import annotations

import re
from typing import Iterable

from introbot.model import Intro, Role

# The words of asking for an introduction, in the languages practitioners write in.
_VERB = (r"introduc\w*|intro|connect(?:ing)?|refer(?:ring)?|put(?:ting)?[ \t]+\w+[ \t]+in[ \t]+touch"
         r"|vor(?:zu)?stellen|bekannt[ \t]*(?:zu[ \t]*)?machen|vermitteln|in[ \t]+kontakt[ \t]+(?:zu[ \t]+)?bringen"
         r"|présent(?:er|e|es|ez)|mettre[ \t]+en[ \t]+(?:contact|relation)"
         r"|present(?:ar|es|e|en|arla|arlo|arle|are|a|i|ate)|poner(?:la|lo|le)?[ \t]+en[ \t]+contacto"
         r"|mettere[ \t]+in[ \t]+contatto|voorstellen|introduceren|in[ \t]+contact[ \t]+brengen"
         r"|apresent(?:ar|e|es|á-la|á-lo)")
# What, right before those words, asks for the opposite ("please don't introduce", "hold off on introducing",
# "noch nicht vorstellen", "ne pas la présenter", "no la presentes", "non presentarla", "niet voorstellen"),
# with a few words that may stand between ("don't go ahead and introduce", "ne la lui présente").
_NOT = (r"don['’]?t|do[ \t]+not|dont|(?:you|rather)[ \t]+not|no[ \t]+need[ \t]+to|not[ \t]+to|never|shouldn['’]?t|should[ \t]+not"
        r"|hold[ \t]+off(?:[ \t]+on)?|cancel|stop|withdraw|call[ \t]+off|nicht|kein\w*|ne[ \t]+pas|ne|no|non|niet|não|nao")
_BETWEEN = (r"yet|please|just|now|actually|the|my|this|that|our|go[ \t]+ahead[ \t]+and|want[ \t]+to|need[ \t]+to|bother(?:[ \t]+to)?"
            r"|bitte|noch|jetzt|erst|mehr|mit|la|le|les|lui|leur|l['’]|lo|los|las|li|o|a|ainda|encore|tout[ \t]+de[ \t]+suite"
            r"|ancora|todavía|todavia|aún|aun|nog|even")
_NEGATED = re.compile(rf"(?<!\w)(?:{_NOT})(?:[ \t]+(?:{_BETWEEN}))*[ \t]*(?:{_VERB})(?!\w)", re.IGNORECASE)
# Words that put the introduction off until later ("let you know when to introduce", "wait until Monday
# before introducing", "before you introduce them"): not asked for now either.
_DEFERRED = re.compile(rf"(?<!\w)(?:when[ \t]+to|until|till|before|wait(?:ing)?[ \t]+(?:to|for))(?:[ \t]+[\w'’]+){{0,3}}?"
                       rf"[ \t]+(?:{_VERB})(?!\w)", re.IGNORECASE)
# Said to introbot without a verb: "Please hold off on Sam", "put it on hold", "Never mind", "scratch that",
# "ignore my last email". Only where a sentence starts or after "please": "her GP said to hold off on massage"
# and "on hold with her insurer" say nothing to introbot.
_ON_HOLD = re.compile(r"(?:^|(?<=[.!?;:,\-–—])|(?<!\w)(?:please|pls|can[ \t]+you|could[ \t]+you))[ \t]*"
                      r"(?:hold[ \t]+off|put[ \t]+[\w'’]+[ \t]+on[ \t]+hold|never[ \t]*mind|scratch[ \t]+that"
                      r"|(?:ignore|disregard)[ \t]+(?:my|the|this)[ \t]+(?:(?:last|previous|earlier)[ \t]+)?"
                      r"(?:e-?mail|message|request)|(?:forget|cancel)[ \t]+(?:about[ \t]+)?(?:it|that|this"
                      r"|my[ \t]+(?:last[ \t]+)?request))(?!\w)", re.IGNORECASE | re.MULTILINE)
_ASKED = re.compile(rf"(?<!\w)(?:{_VERB})(?!\w)", re.IGNORECASE)
# Before those words, what makes them a thing talked about, not asked for: "thanks for the intro", "for introducing".
_TALKED_ABOUT = re.compile(r"(?<!\w)(?:for|the|an|a|your|this|that|my|our)[ \t]+$", re.IGNORECASE)


def holds_back(text: str) -> bool:
    """`text`, the referrer's own words, asks introbot not to introduce (yet): "Please don't introduce Sam
    to Maya yet", "hold off on Sam", "I'll let you know when to introduce them", "bitte noch nicht
    vorstellen". A request said anywhere beside it ("Don't introduce her to Maya; introduce her to Lio")
    keeps it a request: being asked is safer than asking, which a wrongly held request costs only one line."""
    return not asks(text) and bool(_held(text) or _ON_HOLD.search(text))


def asks(text: str) -> bool:
    """`text` asks for an introduction in so many words ("Could you also introduce Kim to Lio Park?"), not
    negated nor put off; "Thanks for the intro!" is no request."""
    held = _held(text)
    return any(not any(start <= m.start() < end for start, end in held)
               and not _TALKED_ABOUT.search(text, max(0, m.start() - 8), m.start()) for m in _ASKED.finditer(text))


def _held(text: str) -> list[tuple[int, int]]:
    return [m.span() for pattern in (_NEGATED, _DEFERRED) for m in pattern.finditer(text)]


# A question after a request's progress: "Any news about Sam?", "Has Sam answered yet?", "Wie ist der Stand?"
_HOW_IT_STANDS = re.compile(
    r"(?<!\w)(?:any[ \t]+news|news[ \t]+(?:on|about|of)|any[ \t]+update|an[ \t]+update|updates?[ \t]+on|status[ \t]+of"
    r"|heard[ \t]+(?:back|from|anything)|hear[ \t]+back|answered|replied|responded|got[ \t]+back|get[ \t]+back"
    r"|where[ \t]+(?:are|do)[ \t]+(?:we|things)|how[ \t]+is[ \t]+it[ \t]+going|any[ \t]+word"
    r"|neuigkeiten|stand[ \t]+der[ \t]+dinge|wie[ \t]+ist[ \t]+der[ \t]+stand|geantwortet|des[ \t]+nouvelles"
    r"|du[ \t]+nouveau|où[ \t]+en[ \t]+est|répondu|novedades|noticias|ha[ \t]+respondido|contestado)(?!\w)",
    re.IGNORECASE)


def asks_how_it_stands(text: str) -> bool:
    """`text` asks after a request's progress ("Any news about Sam? Has she answered yet?"), and asks for no
    introduction in so many words."""
    return "?" in text and _HOW_IT_STANDS.search(text) is not None and not asks(text)


def requests_meant(text: str, open_intros: Iterable[Intro], client_email: str | None,
                   colleague_emails: set[str], replied_to: set[str]) -> list[Intro]:
    """Which of the referrer's open requests words holding back mean: the ones the message answers
    (`replied_to`, its In-Reply-To and References), else the ones for the client it names (by address,
    name or the name the request called them) and, when it names colleagues, with one of those."""
    intros = [i for i in open_intros if i.state.open]
    answered = [i for i in intros if i.request_message_id and i.request_message_id in replied_to]
    if answered:
        return answered
    folded = text.casefold()

    def names_client(intro: Intro) -> bool:
        client = intro.client
        if client is not None and client_email and client.email == client_email:
            return True
        forms = {client.email, client.name, _first_word(client.name)} if client is not None else set()
        forms |= {intro.client_hint, _first_word(intro.client_hint)}
        return any(form and re.search(rf"(?<![\w@.]){re.escape(form.casefold())}(?![\w@])", folded)
                   for form in forms if len(form) > 1)

    def with_colleague_named(intro: Intro) -> bool:
        colleagues = {intro.party(Role.COLLEAGUE).email} if intro.colleague else set()
        colleagues |= {p.email for p in intro.further_colleagues}
        return not colleague_emails or bool(colleagues & colleague_emails) or not colleagues
    return [i for i in intros if names_client(i) and with_colleague_named(i)]


def _first_word(name: str) -> str:
    return name.split()[0] if name.split() else ""
