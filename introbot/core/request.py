"""Understanding a practitioner's request: who should meet whom, from a forward, a CC or a direct line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Iterable

from introbot.config import Person
from introbot.core.addresses import AddressError, addresses_in_text, parse_address_list
from introbot.core.forwards import Forward, find_forward
from introbot.core.language import guess_language
from introbot.core.mime import raw_header_values
from introbot.core.quotes import split_reply
from introbot.core.text import body_text

MAX_NOTE_CHARS = 600


@dataclass(frozen=True)
class Candidate:
    """A person named in a request: from the directory, or by address only."""

    email: str
    name: str = ""
    person: Person | None = None

    @property
    def in_directory(self) -> bool:
        return self.person is not None


@dataclass(frozen=True)
class Understood:
    """What introbot made of a request; a missing party means the referrer must be asked."""

    shape: str  # forward | cc | direct
    client: Candidate | None
    colleague: Candidate | None
    note: str
    client_hint: str = ""  # how the referrer called the client, when no address was given
    options: tuple[Candidate, ...] = ()  # several colleagues fit the note
    client_language: str | None = None  # what the client's own words (or the referrer's to them) are in

    @property
    def missing(self) -> str:
        if self.client is None:
            return "client"
        return "colleague" if self.colleague is None else ""


@dataclass(frozen=True)
class Refusal:
    """A request introbot will not act on, with the one line the referrer is told."""

    reason: str


class Directory:
    """The people introbot knows by name: practitioners and colleagues."""

    def __init__(self, people: Iterable[Person]):
        self.people = tuple(people)
        self._by_email = {p.email: p for p in self.people}

    def by_email(self, email: str) -> Person | None:
        return self._by_email.get(email.lower())

    def candidate(self, email: str, name: str = "") -> Candidate:
        person = self.by_email(email)
        return Candidate(email=email.lower(), name=person.name if person else name, person=person)

    def named_in(self, text: str) -> list[Person]:
        """Directory people a text names: by full name first; else by first name (several people
        may share it); else by their website's domain ("Maya at bodywork.example")."""
        folded = text.casefold()
        full = [p for p in self.people if _mentions(folded, _name_without_title(p.name).casefold())]
        if full:
            return full
        first = [p for p in self.people if _mentions(text, p.first_name, case=True)]
        if first:
            return first
        return [p for p in self.people if any(_mentions(folded, d) for d in _domains_of(p))]


def _name_without_title(name: str) -> str:
    words = name.split()
    if words and words[0].rstrip(".").lower() in {"dr", "prof", "mr", "mrs", "ms", "mx"}:
        words = words[1:]
    return " ".join(words)


def _mentions(text: str, phrase: str, case: bool = False) -> bool:
    if not phrase:
        return False
    flags = 0 if case else re.IGNORECASE
    return re.search(rf"(?<![\w@.]){re.escape(phrase)}(?![\w@])", text, flags) is not None


def _domains_of(person: Person) -> set[str]:
    domains = set()
    website = re.sub(r"^[a-z]+://", "", person.website.lower()).split("/")[0]
    if website:
        domains.add(website.removeprefix("www."))
    return {d for d in domains if "." in d}


# "introduce Sam Rivera <sam@...> to Maya Chen", "connect Sam with Maya", "Sam, meet Maya".
_DIRECT = re.compile(
    r"(?:introduce|connect|put)\s+(?P<first>.+?)\s+(?:to|with|and|in touch with)\s+(?P<second>[^\n]+)"
    r"|(?P<meet_first>[^\n,]+),\s*meet\s+(?P<meet_second>[^\n]+)",
    re.IGNORECASE,
)
_NAME_ONLY = re.compile(r"^[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){0,3}$")


def understand(message: EmailMessage, referrer: Person, directory: Directory, bot_address: str) -> Understood | Refusal:
    """Work out who should meet whom; never guesses between several people."""
    forward = find_forward(message)
    if forward is not None:
        result = _from_forward(forward, referrer, directory, bot_address)
    else:
        own_text = split_reply(body_text(message)).new_text
        others = _other_recipients(message, referrer, bot_address)
        if others:
            result = _from_cc(others, own_text, referrer, directory, bot_address)
        else:
            result = _from_direct_line(own_text, referrer, directory, bot_address)
    if isinstance(result, Understood):
        return _refuse_if_wrong_people(result, referrer, bot_address)
    return result


def _from_forward(forward: Forward, referrer: Person, directory: Directory, bot_address: str) -> Understood:
    original = forward.messages[0]
    note = split_reply(forward.note).new_text or forward.note.strip()
    client: Candidate | None = None
    hint = original.sender_name or ""
    if original.sender_address and original.sender_address != referrer.email:
        client = directory.candidate(original.sender_address, original.sender_name or "")
    elif original.sender_address == referrer.email:
        # The practitioner forwarded a message they wrote themselves: the client is who they wrote to.
        recipients = [a for a in original.to if a not in (referrer.email, bot_address)]
        if len(recipients) == 1:
            client = directory.candidate(recipients[0])
    colleague, options = _colleague_from_note(note, referrer, directory, bot_address, client)
    return Understood("forward", client, colleague, _trim(note), client_hint=hint, options=options,
                      client_language=guess_language(original.body))


def _from_cc(others: list[Candidate], note: str, referrer: Person, directory: Directory,
             bot_address: str) -> Understood:
    outsiders = [c for c in others if not c.in_directory]
    insiders = [c for c in others if c.in_directory]
    client = outsiders[0] if len(outsiders) == 1 else None
    if client is None and not outsiders and len(insiders) == 1:
        client = insiders[0]
        insiders = []
    colleague, options = _colleague_from_note(note, referrer, directory, bot_address, client)
    if colleague is None and not options and len(insiders) == 1:
        colleague = insiders[0]
    return Understood("cc", client, colleague, _trim(note), options=options, client_language=guess_language(note))


def _from_direct_line(text: str, referrer: Person, directory: Directory, bot_address: str) -> Understood:
    match = _DIRECT.search(text)
    if match is None:
        colleague, options = _colleague_from_note(text, referrer, directory, bot_address, None)
        return Understood("direct", None, colleague, _trim(text), options=options)
    first = match.group("first") or match.group("meet_first")
    second = match.group("second") or match.group("meet_second")
    first_party, first_hint = _resolve_phrase(first, directory)
    second_party, _ = _resolve_phrase(_first_sentence(second), directory)
    client, colleague = first_party, second_party
    # The person outside the directory is the client, whichever way round the sentence put them.
    if client is not None and colleague is not None and client.in_directory and not colleague.in_directory:
        client, colleague = colleague, client
    if client is None and first_party is None and second_party is not None and second_party.in_directory:
        colleague = second_party
    return Understood("direct", client, colleague, _trim(text), client_hint=first_hint)


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[a-z\]>)])[.!?;](?:\s|$)", text, maxsplit=1)[0]


def _resolve_phrase(phrase: str, directory: Directory) -> tuple[Candidate | None, str]:
    """A phrase of a direct line as a candidate, or as a bare name to ask the referrer about."""
    addresses = addresses_in_text(phrase)
    if addresses:
        found = addresses[0]
        return directory.candidate(found.email, found.name or _name_before(phrase, found.email)), ""
    named = directory.named_in(phrase)
    if len(named) == 1:
        return directory.candidate(named[0].email), ""
    cleaned = phrase.strip(" .,:;!?\"'")
    return None, cleaned if _NAME_ONLY.match(cleaned) else ""


def _name_before(phrase: str, email: str) -> str:
    before = phrase.lower().split(email)[0]
    return phrase[: len(before)].strip(" <(\"'[:").strip()


def _colleague_from_note(note: str, referrer: Person, directory: Directory, bot_address: str,
                         client: Candidate | None) -> tuple[Candidate | None, tuple[Candidate, ...]]:
    excluded = {referrer.email, bot_address} | ({client.email} if client else set())
    by_address = [directory.candidate(a.email, a.name) for a in addresses_in_text(note)
                  if a.email not in excluded and not _is_bot_alias(a.email, bot_address)]
    by_address = _unique(by_address)
    if len(by_address) == 1:
        return by_address[0], ()
    if len(by_address) > 1:
        return None, tuple(by_address)
    # The client's own name must not make a namesake in the directory look like the colleague.
    for word in (client.name.split() if client else []):
        note = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", note)
    named = _unique([directory.candidate(p.email) for p in directory.named_in(note) if p.email not in excluded])
    if len(named) > 1:
        named = _narrow(named, note)
    if len(named) == 1:
        return named[0], ()
    return None, tuple(named)


def _narrow(candidates: list[Candidate], note: str) -> list[Candidate]:
    """Among people sharing a first name, those whose specialty or website the note also mentions."""
    folded = note.casefold()
    for clue in (lambda p: [w for w in p.specialty.casefold().split() if len(w) > 3], _domains_of):
        fitting = [c for c in candidates if c.person and any(_mentions(folded, word) for word in clue(c.person))]
        if len(fitting) == 1:
            return fitting
        if fitting:
            candidates = fitting
    return candidates


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    seen: dict[str, Candidate] = {}
    for candidate in candidates:
        seen.setdefault(candidate.email, candidate)
    return list(seen.values())


def _is_bot_alias(email: str, bot_address: str) -> bool:
    local, _, domain = bot_address.partition("@")
    return email.endswith("@" + domain) and email.split("@")[0].split("+")[0] == local


def _other_recipients(message: EmailMessage, referrer: Person, bot_address: str) -> list[Candidate]:
    """Who else the practitioner wrote to (a CC to intro@): To and Cc minus themselves and the bot."""
    found: list[Candidate] = []
    for header in ("To", "Cc"):
        for value in raw_header_values(message, header):  # as written: the stdlib's reading can be tricked
            try:
                addresses = parse_address_list(value)
            except AddressError:
                continue
            found.extend(Candidate(a.email, a.name) for a in addresses
                         if a.email != referrer.email and not _is_bot_alias(a.email, bot_address))
    return _unique(found)


def _refuse_if_wrong_people(understood: Understood, referrer: Person, bot_address: str) -> Understood | Refusal:
    people = [c for c in (understood.client, understood.colleague) if c is not None]
    if any(_is_bot_alias(c.email, bot_address) for c in people):
        return Refusal("one of the people named is my own address; name the client and the colleague instead")
    if any(c.email == referrer.email for c in people):
        return Refusal("you named yourself; I introduce your client to a colleague, so name them both")
    if understood.client and understood.colleague and understood.client.email == understood.colleague.email:
        return Refusal("the same person was named twice; name the client and the colleague")
    return understood


def resolve_clarification(answer: str, missing: str, options: tuple[Candidate, ...], directory: Directory,
                          excluded: set[str]) -> Candidate | None:
    """The party named in the referrer's one-line answer: a number from the list, an address or a name."""
    first_line = answer.strip().splitlines()[0] if answer.strip() else ""
    number = re.fullmatch(r"\D{0,12}?(\d{1,2})\D{0,12}", first_line)
    if number and options and 1 <= int(number.group(1)) <= len(options):
        return options[int(number.group(1)) - 1]
    addresses = [a for a in addresses_in_text(answer) if a.email not in excluded]
    if addresses:
        return directory.candidate(addresses[0].email, addresses[0].name)
    if missing != "colleague":
        return None
    among_options = [o for o in options if o.person and o.person in directory.named_in(answer)]
    if len(among_options) == 1:
        return among_options[0]
    named = [p for p in directory.named_in(answer) if p.email not in excluded]
    return directory.candidate(named[0].email) if len(named) == 1 else None


def _trim(note: str) -> str:
    note = note.strip()
    return note if len(note) <= MAX_NOTE_CHARS else note[: MAX_NOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def redact_for_colleague(note: str, client: Candidate | None, client_hint: str = "") -> str:
    """The referrer's note as the colleague may see it before the client agreed: no addresses, no
    phone numbers, and the client's name cut down to their first name."""
    text = re.sub(r"\S+@\S+", "[address]", note)
    text = re.sub(r"(?<!\w)\+?\d[\d ()./-]{6,}\d", "[phone]", text)
    full_name = (client.name if client else "") or client_hint
    words = full_name.split()
    if len(words) > 1:
        first = words[0]  # a function, not a template: a backslash in a name is only text
        text = re.sub(re.escape(full_name), lambda _: first, text, flags=re.IGNORECASE)
        for surname in words[1:]:
            if len(surname) > 1:
                text = re.sub(rf"\b{re.escape(surname)}\b", "[…]", text, flags=re.IGNORECASE)
    return text
