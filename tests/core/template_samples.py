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
                Kind.UNCLEAR_ANSWER, Kind.ANSWER_FROM_HERE)
BEFORE_CONSENT_TO_COLLEAGUE = (Kind.ASK_COLLEAGUE, Kind.REMIND_COLLEAGUE, Kind.UNCLEAR_ANSWER)


def sample_context(kind: Kind, **changes: Any) -> dict[str, Any]:
    """Exactly the variables `kind` receives, so StrictUndefined catches a template using anything else."""
    context: dict[str, Any] = {"bot": {"name": "Intro Assistant", "address": "intro@collective.example"},
                               "referrer": dict(REFERRER), "intro_id": "k3x9q2"}
    if kind is Kind.REFUSED:
        context |= {"reason": "same-person", "asked_id": ""}
        return context | changes
    if kind is Kind.STATUS:
        context["requests"] = [{"id": "k3x9q2ab", "client": "Sam Rivera", "colleague": "Maya Chen",
                                "waiting_for": "Sam Rivera", "age_days": 2}]
        context["ended"] = []
        return context | changes
    context["client"] = dict(CLIENT)
    context["colleague"] = dict(COLLEAGUE)
    if kind in (Kind.ASK_COLLEAGUE, Kind.REMIND_COLLEAGUE):
        context["client"] = {"first_name": CLIENT["first_name"]}  # the colleague learns no more before consent
        context["note"] = NOTE
    if kind is Kind.CLARIFY:
        context |= {"colleague": None, "missing": "colleague", "client_label": "Sam Rivera", "again": False,
                    "options": [dict(COLLEAGUE), dict(OPTION)]}
    if kind is Kind.CONFIRM_REQUEST:
        context["further_colleagues"] = []
    if kind is Kind.CANCELLED:
        context["also_cancelled"] = []
    if kind is Kind.REFERRER_DECLINED:
        context["declined_by"] = "Maya Chen"
    if kind is Kind.REFERRER_EXPIRED:
        context |= {"silent": ["Maya Chen"], "also_closed": []}
    if kind is Kind.REFERRER_FAILED:
        context |= {"unreachable": "Maya Chen", "address": "maya@bodywork.example", "reached": ""}
    if kind in (Kind.NOT_GOING_AHEAD, Kind.PARTY_UNREACHABLE):
        context["party"] = dict(CLIENT)
    if kind in (Kind.NOT_GOING_AHEAD, Kind.ANSWER_FROM_HERE):
        context["other"] = {"name": COLLEAGUE["name"]}
    if kind is Kind.PARTY_UNREACHABLE:
        context["unreachable"] = dict(COLLEAGUE)
    if kind in (Kind.PASS_ON, Kind.STEPPED_OUT):
        context |= {"writer": dict(CLIENT), "reader": dict(COLLEAGUE),
                    "text": "Hi Maya, thank you! Would Thursday afternoon work for a first session?"}
    return context | changes


# Names as long as real ones get: a double first name, particles, a title, a long website and specialty.
LONG_NAMES = {
    "client": {"first_name": "María-Guadalupe", "name": "María-Guadalupe Fernández de la Torre y Mendoza",
               "email": "mg@client.example"},
    "colleague": {"first_name": "Anne-Sophie", "name": "Anne-Sophie Marguerite de La Rochefoucauld-Montmorency",
                  "email": "as@bodywork.example",
                  "website": "https://www.craniosacral-and-somatic-bodywork-collective.example/team/anne-sophie",
                  "specialty": "craniosacral therapy, somatic experiencing and trauma-informed massage"},
    "referrer": {"name": "Prof. Dr. Jean-Baptiste Olufemi Adeyemi-Okonkwo van der Berg", "first_name": "Jean-Baptiste",
                 "email": "jb@clinic.example"},
}


def _unnamed(email: str) -> dict[str, str]:
    """A person known only by their address, as the service describes one."""
    return {"first_name": "", "name": email, "email": email, "website": "", "specialty": ""}


def in_hand(**changes: Any) -> dict[str, Any]:
    """A request in hand, as a repeated request's note describes it: open (introduced_days_ago None) or introduced."""
    return {"id": "k3x9q2ab", "client": "Sam Rivera", "colleague": "Maya Chen", "waiting_for": "Sam Rivera",
            "age_days": 2, "introduced_days_ago": None} | changes


def ended(outcome: str, *who: str, **changes: Any) -> dict[str, Any]:
    """A request that ended lately, as the status mail lists it: `outcome` (its state), whom the referrer's note
    about it named, and the day it ended."""
    return {"client": "Sam Rivera", "colleague": "Maya Chen", "outcome": outcome, "who": list(who), "day": 2,
            "month": 3} | changes


def already_requested(*requests: dict[str, Any]) -> dict[str, Any]:
    """The refusal's context for a request that repeats `requests` (their ids follow the reason, as in the detail)."""
    return {"reason": "already-requested", "asked_id": " ".join(r["id"] for r in requests), "requests": list(requests)}


def every_branch() -> list[tuple[str, Kind, dict[str, Any]]]:
    """Every kind with its sample data, then each branch of a template the sample data does not take:
    (label, kind, context)."""
    branches = [(kind.value, kind, sample_context(kind)) for kind in Kind]
    variants: list[tuple[str, Kind, dict[str, Any]]] = [
        ("clarify, one option", Kind.CLARIFY, {"options": [dict(COLLEAGUE)]}),
        ("clarify, no option", Kind.CLARIFY, {"options": []}),
        ("clarify, client missing", Kind.CLARIFY, {"missing": "client", "options": []}),
        ("clarify, client missing and unnamed", Kind.CLARIFY, {"missing": "client", "options": [], "client_label": ""}),
        ("clarify, client unnamed", Kind.CLARIFY, {"client_label": ""}),
        ("clarify again", Kind.CLARIFY, {"again": True}),
        ("clarify again, client missing", Kind.CLARIFY, {"again": True, "missing": "client", "options": []}),
        ("refused, naming the bot", Kind.REFUSED, {"reason": "bot-address"}),
        ("refused, naming themself", Kind.REFUSED, {"reason": "self"}),
        ("refused, no such open request", Kind.REFUSED, {"reason": "no-open-request", "asked_id": "k3x9q2ab"}),
        ("refused, held back with nothing open", Kind.REFUSED, {"reason": "held-back"}),
        ("refused, a forward of our own mail", Kind.REFUSED, {"reason": "forwarded-ours"}),
        ("refused, already asking", Kind.REFUSED, already_requested(in_hand(waiting_for="Sam Rivera"))),
        ("refused, already waiting for the referrer", Kind.REFUSED, already_requested(in_hand(waiting_for=""))),
        ("refused, introduced less than a day ago", Kind.REFUSED, already_requested(in_hand(introduced_days_ago=0))),
        ("refused, introduced a day ago", Kind.REFUSED, already_requested(in_hand(introduced_days_ago=1))),
        ("refused, introduced days ago and one open", Kind.REFUSED,
         already_requested(in_hand(introduced_days_ago=5), in_hand(id="m4p7r2cd", colleague="Inés Ortega",
                                                                   waiting_for="Inés Ortega"))),
        ("referrer_expired, both silent", Kind.REFERRER_EXPIRED, {"silent": ["Sam Rivera", "Inés Ortega"]}),
        ("referrer_expired, for two more colleagues", Kind.REFERRER_EXPIRED,
         {"silent": ["Sam Rivera"], "also_closed": ["Noor Haddad", "Inés Ortega"]}),
        ("referrer_failed, one reached", Kind.REFERRER_FAILED, {"reached": "Sam Rivera"}),
        ("referrer_failed, no address", Kind.REFERRER_FAILED, {"address": ""}),
        ("ask_client, no names nor website", Kind.ASK_CLIENT,
         {"client": _unnamed(CLIENT["email"]), "colleague": dict(COLLEAGUE, first_name="", website="", specialty="")}),
        ("ask_colleague, no note nor names", Kind.ASK_COLLEAGUE,
         {"note": "", "client": {"first_name": ""}, "colleague": dict(COLLEAGUE, first_name="")}),
        ("remind_client, no names nor website", Kind.REMIND_CLIENT,
         {"client": _unnamed(CLIENT["email"]), "colleague": dict(COLLEAGUE, website="")}),
        ("remind_colleague, no names", Kind.REMIND_COLLEAGUE,
         {"client": {"first_name": ""}, "colleague": dict(COLLEAGUE, first_name="")}),
        ("status, none open", Kind.STATUS, {"requests": []}),
        ("status, waiting for the referrer", Kind.STATUS,
         {"requests": [{"id": "k3x9q2ab", "client": "Sam Rivera", "colleague": "Maya Chen", "waiting_for": "",
                        "age_days": 1}]}),
        ("status, none open and every way of ending", Kind.STATUS,
         {"requests": [], "ended": [ended("introduced"), ended("declined", "Maya Chen"),
                                    ended("expired", "Sam Rivera", "Inés Ortega"), ended("expired"),
                                    ended("failed", "Sam Rivera"), ended("failed"),
                                    ended("cancelled", day=1, month=12)]}),
        ("status, one open and one introduced", Kind.STATUS, {"ended": [ended("introduced")]}),
        ("status, requests that never got their client, their colleague or either", Kind.STATUS,
         {"requests": [{"id": "k3x9q2ab", "client": "", "colleague": "Maya Chen", "waiting_for": "", "age_days": 1}],
          "ended": [ended("cancelled", colleague=""), ended("expired", client=""),
                    ended("cancelled", client="", colleague="")]}),
        ("confirm_request, no colleague nor name", Kind.CONFIRM_REQUEST,
         {"colleague": None, "client": {"first_name": "", "name": "", "email": ""}}),
        ("confirm_request, several colleagues", Kind.CONFIRM_REQUEST,
         {"further_colleagues": ["Noor Haddad", "Inés Ortega"]}),
        ("cancelled, no colleague", Kind.CANCELLED, {"colleague": None}),
        ("cancelled, with two more", Kind.CANCELLED,
         {"also_cancelled": [{"id": "m4p7r2cd", "client": "Sam Rivera", "colleague": "Noor Haddad", "waiting_for": "",
                              "age_days": 1}]}),
        ("cancelled, with one that never got its colleague", Kind.CANCELLED,
         {"also_cancelled": [{"id": "m4p7r2cd", "client": "Sam Rivera", "colleague": "", "waiting_for": "",
                              "age_days": 1}]}),
        ("pass_on, no first names", Kind.PASS_ON,
         {"writer": _unnamed(CLIENT["email"]), "reader": dict(COLLEAGUE, first_name="")}),
        ("stepped_out, no first names", Kind.STEPPED_OUT,
         {"writer": _unnamed(CLIENT["email"]), "reader": dict(COLLEAGUE, first_name="")}),
        ("not_going_ahead, no name", Kind.NOT_GOING_AHEAD, {"party": _unnamed(CLIENT["email"])}),
        ("not_going_ahead, to the colleague of a client without a first name", Kind.NOT_GOING_AHEAD,
         {"party": dict(COLLEAGUE), "other": {"name": ""}}),
        ("answer_from_here, to the colleague of a client without a first name", Kind.ANSWER_FROM_HERE,
         {"other": {"name": ""}}),
        ("party_unreachable, no names", Kind.PARTY_UNREACHABLE,
         {"party": _unnamed(CLIENT["email"]), "unreachable": dict(COLLEAGUE, first_name="")}),
        ("introduction, long names", Kind.INTRODUCTION, dict(LONG_NAMES)),
    ]
    return branches + [(label, kind, sample_context(kind, **changes)) for label, kind, changes in variants]
