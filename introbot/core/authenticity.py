"""Is a message really from the domain in its From? Read our own server's Authentication-Results, or verify DKIM.

Alignment without a public suffix list: a result counts when its domain d equals the From domain,
or when the From domain ends with "." + d and d has at least two labels (d=clinic.example signs
for From: ada@mail.clinic.example). That direction is safe because whoever controls a parent zone
already controls every name under it, so trusting its signature trusts no one new. The opposite
direction (d=customer.host.example for From: host.example) is refused: a subdomain is often handed
to a customer, and without the public suffix list we cannot tell where an organisation ends. Single
labels (a top-level domain) never sign for anyone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser

import dkim

from introbot.core.addresses import AddressError, parse_address

# Verifying a signature costs a DNS query and an RSA operation; honest mail carries one to three.
MAX_DKIM_SIGNATURES = 5
_VERIFIED_AND_ALIGNED = "verifies, d= aligned with From"
# RFC 8601 section 2.7 results; anything else is reported as "other" so reasons hold only known words.
_KNOWN_RESULTS = frozenset({"pass", "fail", "softfail", "neutral", "none", "policy", "temperror", "permerror"})

_DNS_NAME = re.compile(r"(?=.{1,253}\Z)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)+[A-Za-z0-9-]{2,63}")
# One key=value pair of a result: the key ends at the first "=", the value is a quoted string or runs to
# the next space, so it may hold "=" (smtp.mailfrom=bob+caf_=x@...) or be empty (Gmail's
# smtp.mailfrom= for a bounce).
_AR_END = re.compile(r"\s*\Z")
_AR_PAIR = re.compile(r'\s*(?P<key>[^\s="]+)\s*=\s*(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<plain>[^\s"]*))(?=\s|\Z)')


@dataclass(frozen=True)
class AuthVerdict:
    """Whether the message is authentic, with privacy-safe reasons (no address, no domain of the sender)."""

    authentic: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Result:
    method: str                    # "dkim", "dmarc", "spf"... lower-cased, version removed
    result: str                    # "pass", "fail"... lower-cased
    properties: dict[str, str]     # "header.d" -> "clinic.example", keys lower-cased


class _Unparsable(ValueError):
    """An Authentication-Results header that does not follow RFC 8601."""


def check_authentication_results(header_values: Sequence[str], from_domain: str, authserv_id: str) -> AuthVerdict:
    """The verdict of the topmost Authentication-Results header that our own receiving server wrote.

    header_values are the message's Authentication-Results headers, topmost first. Only the first
    whose authserv-id equals authserv_id counts: our server prepends its header above anything that
    arrived with the message, so a forged one lower down, or one naming another server, changes
    nothing. Authentic when it shows dmarc=pass for the From domain, or dkim=pass with a header.d (or
    header.i) aligned with the From domain; a dmarc=fail for the From domain vetoes the latter.
    """
    if not authserv_id.strip():
        return AuthVerdict(False, ("no authserv-id configured, so no Authentication-Results header can be trusted",))
    wanted = authserv_id.strip().lower()
    for value in header_values:
        try:
            server, results = _parse_authentication_results(value)
        except _Unparsable:
            if _leading_word(value) == wanted:
                return AuthVerdict(False, (f"the Authentication-Results header from {authserv_id} cannot be parsed",))
            continue
        if server == wanted:
            return _judge(results, _comparable_domain(from_domain))
    return AuthVerdict(False, (f"no Authentication-Results header from {authserv_id}",))


def check_microsoft365_results(header_values: Sequence[str], auth_as_values: Sequence[str],
                               from_domain: str) -> AuthVerdict:
    """The verdict of the Authentication-Results header Exchange Online wrote, which has no authserv-id.

    Exchange Online writes `spf=pass (...) smtp.mailfrom=...; dkim=pass (signature was verified)
    header.d=...;dmarc=pass action=none header.from=...;compauth=pass reason=100`, sometimes with a
    bare "outlook.com;" between results. With no authserv-id, the header can only be told apart from
    a forged one by its place: Exchange Online prepends it, so only the topmost header counts. That
    holds only when Exchange Online received the message from outside the organisation and therefore
    stamped it: auth_as_values (the message's X-MS-Exchange-Organization-AuthAs headers) must be
    exactly one "Anonymous". Exchange's header firewall removes X-MS-Exchange-Organization-* headers
    from mail arriving from outside, so a sender cannot supply that one; mail from inside the tenant
    ("Internal") carries no Authentication-Results of Exchange's own, so a forged one could be the
    topmost and it is refused. This is sound only when the mailbox really is on Exchange Online.
    """
    if [value.strip().lower() for value in auth_as_values] != ["anonymous"]:
        return AuthVerdict(False, ("not stamped by Exchange Online as mail from outside the organisation "
                                   "(X-MS-Exchange-Organization-AuthAs is not exactly one Anonymous)",))
    if not header_values:
        return AuthVerdict(False, ("no Authentication-Results header",))
    try:
        results = _microsoft_results(header_values[0])
    except _Unparsable:
        return AuthVerdict(False, ("the topmost Authentication-Results header is not in Exchange Online's shape",))
    return _judge(results, _comparable_domain(from_domain))


def _microsoft_results(value: str) -> list[_Result]:
    """The results of a header in Exchange Online's shape: it starts with a result, not a server name."""
    parts = [part.strip() for part in _split_results(value)]
    if "=" not in parts[0]:
        raise _Unparsable("starts with an authserv-id")
    results = []
    for part in parts:
        if not part or part.lower() == "none":
            continue
        if "=" not in part and _DNS_NAME.fullmatch(part):
            continue  # the bare "outlook.com" Exchange puts between some results
        results.append(_parse_result(part))
    return results


def verify_dkim(raw: bytes, from_domain: str, dns_txt: Callable[[str], bytes | None]) -> AuthVerdict:
    """Authentic when a DKIM signature of the message verifies and its d= aligns with from_domain.

    dns_txt(name) returns the TXT record at name (e.g. "sel._domainkey.clinic.example", no trailing
    dot) as bytes, or None when there is none; any exception it raises (a temporary DNS failure)
    propagates unchanged, so the caller can try again later. The message must have exactly one From
    address and it must be in from_domain. A signature with l= (a body length limit, which lets
    anyone append text) or one that does not cover From does not count. dkimpy itself checks the
    t= and x= tags against the system clock.
    """
    wanted = _comparable_domain(from_domain)
    if _from_domain_of(raw) != wanted:
        return AuthVerdict(False, ("the message does not have exactly one From address in the expected domain",))
    try:
        verifier = dkim.DKIM(raw, logger=_SilentLogger())
    except (dkim.DKIMException, ValueError, IndexError):
        return AuthVerdict(False, ("the message headers cannot be read for DKIM",))
    signatures = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
    if signatures == 0:
        return AuthVerdict(False, ("no DKIM-Signature",))
    reasons = []
    if signatures > MAX_DKIM_SIGNATURES:
        reasons.append(f"{signatures} DKIM signatures; only the first {MAX_DKIM_SIGNATURES} are checked")
    for index in range(min(signatures, MAX_DKIM_SIGNATURES)):
        reason = _check_signature(verifier, index, wanted, dns_txt)
        reasons.append(f"DKIM signature {index + 1}: {reason}")
        if reason == _VERIFIED_AND_ALIGNED:
            return AuthVerdict(True, tuple(reasons))
    return AuthVerdict(False, tuple(reasons))


def _check_signature(verifier: dkim.DKIM, index: int, wanted: str, dns_txt: Callable[[str], bytes | None]) -> str:
    lookup_errors: list[Exception] = []

    def dns_for_dkimpy(name: bytes, timeout: float = 5) -> bytes | None:
        # The name comes from the signature, i.e. from the sender: only plain DNS names reach dns_txt.
        text = name.decode("ascii", errors="replace").rstrip(".")
        if not _DNS_NAME.fullmatch(text):
            return None
        try:
            return dns_txt(text)
        except Exception as error:
            lookup_errors.append(error)
            raise

    try:
        verified = verifier.verify(idx=index, dnsfunc=dns_for_dkimpy)
    except (dkim.DKIMException, ValueError, IndexError, KeyError, TypeError) as error:
        if lookup_errors:  # the caller's DNS failed: not a verdict on the message
            raise lookup_errors[0]
        if isinstance(error, dkim.ValidationError):
            return "does not verify (altered body or invalid signature fields)"
        # dkimpy reads sender-controlled bytes; any of these means the signature cannot be checked.
        return "malformed"
    if not verified:
        return "does not verify (altered message, wrong or missing key)"
    fields = verifier.signature_fields
    if b"l" in fields:
        return "verifies but has l= (body length limit), which lets text be appended"
    if b"from" not in verifier.include_headers:
        return "verifies but does not cover the From header"
    signer = _comparable_domain(fields[b"d"].decode("ascii", errors="replace"))
    if not _aligned(signer, wanted):
        return "verifies, but d= does not align with From"
    return _VERIFIED_AND_ALIGNED


def _from_domain_of(raw: bytes) -> str | None:
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    values = headers.get_all("From") or []
    if len(values) != 1:
        return None
    try:
        value = values[0].encode("ascii", "surrogateescape").decode("utf-8")
        return _comparable_domain(parse_address(value).domain)
    except (UnicodeError, AddressError):
        return None


def _judge(results: list[_Result], from_domain: str) -> AuthVerdict:
    reasons = []
    dmarc_for_from = [result for result in results if result.method == "dmarc"
                      and _comparable_domain(result.properties.get("header.from", from_domain)) == from_domain]
    for result in dmarc_for_from:
        if result.result != "pass":
            reasons.append(f"dmarc={result.result}")
        elif "header.from" in result.properties:
            return AuthVerdict(True, ("dmarc=pass for the From domain",))
        else:
            reasons.append("dmarc=pass without header.from")
    if any(result.result == "fail" for result in dmarc_for_from):
        return AuthVerdict(False, tuple(reasons))
    for result in results:
        if result.method != "dkim":
            continue
        if result.result != "pass":
            reasons.append(f"dkim={result.result}")
        elif _aligned(_signing_domain(result), from_domain):
            return AuthVerdict(True, tuple(reasons) + ("dkim=pass header.d aligned",))
        else:
            reasons.append("dkim=pass but header.d does not align with From")
    if not reasons:
        reasons.append("no dkim or dmarc result")
    return AuthVerdict(False, tuple(reasons))


def _signing_domain(result: _Result) -> str:
    if "header.d" in result.properties:
        return _comparable_domain(result.properties["header.d"])
    return _comparable_domain(result.properties.get("header.i", "").rpartition("@")[2])


def _aligned(signer: str, from_domain: str) -> bool:
    """Relaxed alignment without a public suffix list; see the module docstring for why this direction."""
    if not signer or not from_domain:
        return False
    return signer == from_domain or (from_domain.endswith("." + signer) and signer.count(".") >= 1)


def _comparable_domain(domain: str) -> str:
    """Lower-case, no trailing dot, internationalised labels in their ASCII (xn--) form."""
    domain = domain.strip().rstrip(".").lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def _parse_authentication_results(value: str) -> tuple[str, list[_Result]]:
    """RFC 8601: authserv-id [version] ( "none" / 1*( ";" method[/version]=result *(reason / ptype.property=value) ) )."""
    parts = _split_results(value)
    head = parts[0].split()
    if not head or len(head) > 2 or (len(head) == 2 and not head[1].isdigit()):
        raise _Unparsable("authserv-id")
    results = [_parse_result(part) for part in parts[1:] if part.strip().lower() not in ("", "none")]
    return head[0].lower(), results


def _parse_result(text: str) -> _Result:
    pairs = _key_value_pairs(text)
    if not pairs:
        raise _Unparsable("result")
    (method, result), properties = pairs[0], pairs[1:]
    known = result.lower() if result.lower() in _KNOWN_RESULTS else "other"
    return _Result(method.partition("/")[0].lower(), known, {key.lower(): value for key, value in properties})


def _key_value_pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    position = 0
    while not _AR_END.match(text, position):
        match = _AR_PAIR.match(text, position)
        if match is None:
            raise _Unparsable("key=value")
        quoted = match.group("quoted")
        pairs.append((match.group("key"), re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else match.group("plain")))
        position = match.end()
    return pairs


def _split_results(value: str) -> list[str]:
    """The header cut at each ";" outside quotes, with (comments) removed, nested ones too."""
    parts: list[str] = []
    kept: list[str] = []
    depth = 0
    in_quotes = False
    position = 0
    while position < len(value):
        char = value[position]
        if char == "\\":
            if depth == 0:
                kept.append(value[position:position + 2])
            position += 2
            continue
        if in_quotes:
            in_quotes = char != '"'
            kept.append(char)
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                raise _Unparsable("unbalanced ')'")
            depth -= 1
        elif depth == 0 and char == ";":
            parts.append("".join(kept))
            kept = []
        elif depth == 0:
            in_quotes = char == '"'
            kept.append(char)
        position += 1
    if depth or in_quotes:
        raise _Unparsable("unclosed comment or quote")
    return parts + ["".join(kept)]


def _leading_word(value: str) -> str:
    words = value.split(";", 1)[0].split()
    return words[0].lower() if words else ""


class _SilentLogger:
    """dkimpy logs header contents at debug level; the core does not log, and never personal data."""

    def debug(self, *args: object, **kwargs: object) -> None:
        pass

    info = warning = error = exception = debug

    def isEnabledFor(self, level: int) -> bool:
        return False
