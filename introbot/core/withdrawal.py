"""A party's words taking back a yes they gave: "Sorry, I've changed my mind", "doch lieber nicht"."""

from __future__ import annotations

import re

# Words that take a yes back by themselves, without a no beside them ("Sorry, I've changed my mind"): a change of
# mind and nothing else. "Cancel", "rather not" or "after all" say other things too ("Thanks! I'll cancel my other
# appointment then"), so they take a yes back only beside a no.
_CHANGE_OF_MIND = (r"chang(?:ed|ing)[ \t]+my[ \t]+mind|change[ \t]+of[ \t]+heart|anders[ \t]+überlegt|umentschieden"
                   r"|changé[ \t]+d['’][ \t]*avis|cambiado[ \t]+de[ \t]+opinión|cambié[ \t]+de[ \t]+opinión"
                   r"|cambiato[ \t]+idea|ripensato|mudei[ \t]+de[ \t]+ideia|ändrat[ \t]+mig|fortrudt|ombestemt|angret"
                   r"|zmieni(?:łem|łam)[ \t]+zdanie")
_CHANGED_MIND = re.compile(rf"(?<!\w)(?:{_CHANGE_OF_MIND})(?!\w)", re.IGNORECASE)
# A negation at most two words before, in the same clause: "I haven't changed my mind", "je n'ai pas changé d'avis".
_NEGATED = re.compile(r"(?<!\w)(?:\w*n['’]t|not|never|nicht|nie|pas|jamais|no|non|nunca|niet|ikke|inte)[ \t]+"
                      r"(?:\S+[ \t]+){0,2}$", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,.;:!?\n]")
# Said after a yes, a no reads as one only with words of changing one's mind: "No questions, thanks" and
# "Great, thanks, no need to reply" are no withdrawal, though read alone they would be a no. Words that are also
# said of other things ("no longer", "after all", "I'll pass", "ya no") count only where they are about the
# introduction ("I no longer need it", "not after all", "I'll pass, thanks", "ya no lo necesito").
_NEED = (r"need|want|require|interested|necessary|nötig|notwendig|brauche|besoin|necesito|necesita|quiero|hace[ \t]+falta"
         r"|serve|bisogno|nodig|nodig[ \t]+heb|preciso|behöver|trenger|behøver|potrzebuję|chcę")
_TAKING_BACK = re.compile(
    rf"(?<!\w)(?:{_CHANGE_OF_MIND}|second[ \t]+thoughts?|on[ \t]+reflection"
    r"|(?:rather|prefer|like)[ \t]+not|(?:not|n['’]t)[ \t]+(?:to[ \t]+)?be[ \t]+introduced|not[ \t]+any[ \t]*more"
    rf"|no[ \t]+longer[ \t]+(?:\w+[ \t]+)?(?:{_NEED})|(?:no|not)[ \t]+after[ \t]+all|after[ \t]+all[ \t]*[,.!;:\-–—]?[ \t]*(?:no|not)\b"
    r"|(?:don['’]?t|do[ \t]+not|please[ \t]+don['’]?t)[ \t]+(?:introduce|intro|connect|share|pass)"
    r"|cancel|withdraw|take[ \t]+(?:it|that|my[ \t]+yes)[ \t]+back|i(?:['’]ve|[ \t]+have)?[ \t]+found[ \t]+someone"
    r"|decided[ \t]+(?:against|not)|i['’]ll[ \t]+pass(?=[ \t]*(?:[,.!;:\-–—]|$|on[ \t]+(?:this|that|it)[ \t]*[,.!]))"
    r"|not[ \t]+interested|doch[ \t]+nicht|lieber[ \t]+nicht"
    rf"|nicht[ \t]+mehr[ \t]+(?:{_NEED})|(?:{_NEED})[ \t]+(?:\w+[ \t]+)?nicht[ \t]+mehr|zurückziehen|absagen"
    r"|finalement[ \t]+non|plus[ \t]+intéressée?|plutôt[ \t]+pas|annuler"
    rf"|mejor[ \t]+no|ya[ \t]+no[ \t]+(?:\w+[ \t]+)?(?:{_NEED})"
    r"|al[ \t]+final[ \t]+no|cancelar|pensándolo[ \t]+bien|meglio[ \t]+di[ \t]+no"
    rf"|non[ \t]+(?:\w+[ \t]+)?(?:{_NEED})[ \t]+più|non[ \t]+(?:mi|ne)[ \t]+\w+[ \t]+più|annullare|alla[ \t]+fine[ \t]+no"
    rf"|bedacht|toch[ \t]+niet|liever[ \t]+niet|niet[ \t]+meer[ \t]+(?:{_NEED})|annuleren"
    rf"|melhor[ \t]+não|já[ \t]+não[ \t]+(?:\w+[ \t]+)?(?:{_NEED})|afinal[ \t]+não|ångrat|hellre[ \t]+inte"
    rf"|inte[ \t]+längre|ikke[ \t]+længere|ikke[ \t]+lenger"
    r"|jednak[ \t]+nie|wolę[ \t]+nie|już[ \t]+nie[ \t]+(?:potrzebuję|chcę))(?!\w)", re.IGNORECASE)


def takes_back(words: str) -> bool:
    """`words`, read as a no from someone who had said yes, say they changed their mind."""
    return _TAKING_BACK.search(words) is not None


def changes_mind(words: str) -> bool:
    """`words`, from someone who had said yes and read as neither yes nor no, take that yes back: they say the writer
    changed their mind ("Sorry, I've changed my mind", "Ich habe es mir anders überlegt"), not that they did not."""
    for found in _CHANGED_MIND.finditer(words):
        clause = _CLAUSE_END.split(words[max(0, found.start() - 80):found.start()])[-1]
        if not _NEGATED.search(clause):
            return True
    return False
