"""A party's words taking back a yes they gave: "Sorry, I've changed my mind", "doch lieber nicht"."""

from __future__ import annotations

import re

# Said after a yes, a no reads as one only with words of changing one's mind: "No questions, thanks" and
# "Great, thanks, no need to reply" are no withdrawal, though read alone they would be a no.
_TAKING_BACK = re.compile(
    r"(?<!\w)(?:chang(?:ed|ing)[ \t]+my[ \t]+mind|change[ \t]+of[ \t]+heart|second[ \t]+thoughts?|on[ \t]+reflection"
    r"|thought[ \t]+about[ \t]+it|rather[ \t]+not|not[ \t]+any[ \t]*more|no[ \t]+longer|after[ \t]+all"
    r"|(?:don['’]?t|do[ \t]+not|please[ \t]+don['’]?t)[ \t]+(?:introduce|intro|connect|share|pass)"
    r"|cancel|withdraw|take[ \t]+(?:it|that|my[ \t]+yes)[ \t]+back|found[ \t]+someone|decided[ \t]+(?:against|not)"
    r"|i['’]ll[ \t]+pass|not[ \t]+interested"
    r"|anders[ \t]+überlegt|doch[ \t]+nicht|lieber[ \t]+nicht|nicht[ \t]+mehr|zurückziehen|absagen|umentschieden"
    r"|changé[ \t]+d['’][ \t]*avis|finalement[ \t]+non|plus[ \t]+intéressée?|plutôt[ \t]+pas|annuler|réflexion"
    r"|cambiado[ \t]+de[ \t]+opinión|cambié[ \t]+de[ \t]+opinión|mejor[ \t]+no|ya[ \t]+no|al[ \t]+final[ \t]+no|cancelar"
    r"|pensándolo[ \t]+bien|cambiato[ \t]+idea|meglio[ \t]+di[ \t]+no|non[ \t]+più|annullare|alla[ \t]+fine[ \t]+no"
    r"|ripensato|bedacht|toch[ \t]+niet|liever[ \t]+niet|niet[ \t]+meer|annuleren|mudei[ \t]+de[ \t]+ideia"
    r"|melhor[ \t]+não|já[ \t]+não|afinal[ \t]+não|ändrat[ \t]+mig|ångrat|hellre[ \t]+inte|inte[ \t]+längre"
    r"|fortrudt|ombestemt|ikke[ \t]+længere|ikke[ \t]+lenger|angret|zmieni(?:łem|łam)[ \t]+zdanie|jednak[ \t]+nie"
    r"|wolę[ \t]+nie|już[ \t]+nie)(?!\w)", re.IGNORECASE)


def takes_back(words: str) -> bool:
    """`words`, read as a no from someone who had said yes, say they changed their mind."""
    return _TAKING_BACK.search(words) is not None
