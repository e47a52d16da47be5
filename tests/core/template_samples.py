"""Sample contexts for every message kind, shaped as the service builds them, for the template tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from introbot.model import Kind

SHIPPED = Path(__file__).resolve().parents[2] / "templates"
LANGUAGES = ("en", "fr", "de", "es")
WEBSITE = "https://bodywork.example"
# Words a template must never carry into an introduction (clinical detail the referrer wrote for the asks).
NOTE = "Sciatica flareups since the motorbike accident; anxious about needles."

CLIENT = {"first_name": "Sam", "name": "Sam Rivera", "email": "sam@client.example"}
COLLEAGUE = {"name": "Maya Chen", "first_name": "Maya", "email": "maya@bodywork.example",
             "website": WEBSITE, "specialty": "massage therapy"}
REFERRER = {"name": "Dr. Ada Lee", "first_name": "Ada", "email": "ada@clinic.example"}
OPTION = {"name": "Noor Haddad", "first_name": "Noor", "email": "noor@osteo.example",
          "website": "https://osteo.example", "specialty": "osteopathy"}
TO_REFERRER = (Kind.REFERRER_SENT, Kind.REFERRER_DECLINED, Kind.REFERRER_EXPIRED, Kind.REFERRER_FAILED,
               Kind.CLARIFY, Kind.REFUSED, Kind.CANCELLED, Kind.CONFIRM_REQUEST)
CONSENT_ASKS = (Kind.ASK_CLIENT, Kind.ASK_COLLEAGUE, Kind.REMIND_CLIENT, Kind.REMIND_COLLEAGUE,
                Kind.UNCLEAR_ANSWER)
BEFORE_CONSENT_TO_COLLEAGUE = (Kind.ASK_COLLEAGUE, Kind.REMIND_COLLEAGUE, Kind.UNCLEAR_ANSWER)


def sample_context(kind: Kind, **changes: Any) -> dict[str, Any]:
    """Exactly the variables `kind` receives, so StrictUndefined catches a template using anything else."""
    context: dict[str, Any] = {"bot": {"name": "Intro Assistant", "address": "intro@collective.example"},
                               "referrer": dict(REFERRER), "intro_id": "k3x9q2"}
    if kind is Kind.REFUSED:
        context["reason"] = "the same person was named twice"
        return context | changes
    if kind is Kind.STATUS:
        context["requests"] = [{"id": "k3x9q2ab", "client": "Sam Rivera", "colleague": "Maya Chen",
                                "waiting_for": "Sam Rivera", "age_days": 2}]
        return context | changes
    context["client"] = dict(CLIENT)
    context["colleague"] = dict(COLLEAGUE)
    if kind in (Kind.ASK_COLLEAGUE, Kind.REMIND_COLLEAGUE):
        context["client"] = {"first_name": CLIENT["first_name"]}  # the colleague learns no more before consent
        context["note"] = NOTE
    if kind is Kind.CLARIFY:
        context |= {"colleague": None, "missing": "colleague", "client_label": "Sam Rivera",
                    "options": [dict(COLLEAGUE), dict(OPTION)]}
    if kind is Kind.REFERRER_DECLINED:
        context["declined_by"] = "Maya Chen"
    if kind is Kind.REFERRER_EXPIRED:
        context["silent"] = "Maya Chen"
    if kind is Kind.REFERRER_FAILED:
        context |= {"unreachable": "Maya Chen", "address": "maya@bodywork.example", "reached": ""}
    if kind in (Kind.NOT_GOING_AHEAD, Kind.PARTY_UNREACHABLE):
        context["party"] = dict(CLIENT)
    if kind is Kind.PARTY_UNREACHABLE:
        context["unreachable"] = dict(COLLEAGUE)
    if kind in (Kind.PASS_ON, Kind.STEPPED_OUT):
        context |= {"writer": dict(CLIENT), "reader": dict(COLLEAGUE),
                    "text": "Hi Maya, thank you! Would Thursday afternoon work for a first session?"}
    return context | changes
