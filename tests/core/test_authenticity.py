"""Is a request really from the practitioner it names? Authentication-Results and DKIM (RELIABILITY 22)."""

import base64
from email import policy
from email.parser import BytesParser

import dkim
import nacl.encoding
import nacl.signing
import pytest
from tests.conftest import corpus_index, corpus_or_skip
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from introbot.core.addresses import AddressError, parse_address
from introbot.core.authenticity import MAX_DKIM_SIGNATURES, AuthVerdict, check_authentication_results, verify_dkim

OURS = "mx.collective.example"


def results(*values):
    return check_authentication_results(list(values), "clinic.example", OURS)


@pytest.mark.parametrize("header", [
    f"{OURS}; dmarc=pass (p=none dis=none) header.from=clinic.example",
    f"{OURS}; dkim=pass header.d=clinic.example header.s=sel header.b=abc",
    f"{OURS}; dkim=pass header.i=@clinic.example",
    f"{OURS}; dkim=pass header.i=ada@clinic.example",
    f"{OURS}; spf=fail smtp.mailfrom=bounces.mailer.example; dkim=fail header.d=mailer.example;"
    f" dkim=pass header.d=clinic.example",
    f"{OURS.upper()} 1; DKIM/1=PASS Header.D=Clinic.Example.",
    f'{OURS}; dkim=pass (2048-bit key; "unprotected") reason="good; header.d=evil.example" header.d=clinic.example',
    f"(first hop) {OURS};\r\n\tdkim=pass\r\n (signature was verified)\r\n header.d=clinic.example",
    f"{OURS}; dkim=pass header.d=clinic.example header.i=@clinic.example header.s=20230601 header.b=AbC+/1;"
    f" spf=pass (domain of ada@clinic.example designates 192.0.2.1 as permitted sender)"
    f" smtp.mailfrom=ada@clinic.example; dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=clinic.example",
    f"{OURS}; spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=clinic.example; dkim=pass (signature was verified)"
    f" header.d=clinic.example;dmarc=pass action=none header.from=clinic.example;compauth=pass reason=100",
])
def test_our_server_vouching_for_the_from_domain_is_authentic(header):
    verdict = results(header)
    assert verdict.authentic, verdict.reasons


def test_a_signature_by_the_parent_domain_aligns_but_not_the_other_way_round():
    assert check_authentication_results([f"{OURS}; dkim=pass header.d=clinic.example"], "mail.clinic.example", OURS).authentic
    child = check_authentication_results([f"{OURS}; dkim=pass header.d=mail.clinic.example"], "clinic.example", OURS)
    assert not child.authentic and "does not align" in child.reasons[-1]


@pytest.mark.parametrize("signer", ["example", "nic.example", "clinic.example.evil.example", "evil.example", '""'])
def test_a_signature_by_an_unrelated_domain_or_a_top_level_domain_does_not_align(signer):
    assert not results(f"{OURS}; dkim=pass header.d={signer}").authentic


def test_internationalised_domains_compare_in_ascii_form():
    verdict = check_authentication_results([f"{OURS}; dkim=pass header.d=xn--bcher-kva.example"], "bücher.example", OURS)
    assert verdict.authentic


@pytest.mark.parametrize("headers, reason", [
    ([], f"no Authentication-Results header from {OURS}"),
    (["other.example; dkim=pass header.d=clinic.example"], f"no Authentication-Results header from {OURS}"),
    ([f"{OURS}.evil.example; dkim=pass header.d=clinic.example"], f"no Authentication-Results header from {OURS}"),
    ([f"{OURS}; none"], "no dkim or dmarc result"),
    ([f"{OURS}; spf=pass smtp.mailfrom=clinic.example"], "no dkim or dmarc result"),
    ([f"{OURS}; dkim=fail header.d=clinic.example"], "dkim=fail"),
    ([f"{OURS}; dkim=pass header.d=clinic.example; dmarc=fail header.from=clinic.example"], "dmarc=fail"),
    ([f"{OURS}; dmarc=pass header.from=evil.example"], "no dkim or dmarc result"),
    ([f"{OURS}; dmarc=pass"], "dmarc=pass without header.from"),
    ([f"{OURS}; dkim=sent-by-eve@evil.example header.d=clinic.example"], "dkim=other"),
    ([f"{OURS}; dkim=pass header.d=evil.example"], "dkim=pass but header.d does not align with From"),
    ([f"{OURS}; dkim=pass header.d=clinic.example (unclosed"], "cannot be parsed"),
    ([f"{OURS}; dkim=pass header.d"], "cannot be parsed"),
    ([f'{OURS}; dkim=pass header.d="clinic.example'], "cannot be parsed"),
    ([f"{OURS} extra words; dkim=pass header.d=clinic.example"], "cannot be parsed"),
])
def test_anything_else_is_not_authentic_and_says_why(headers, reason):
    verdict = check_authentication_results(headers, "clinic.example", OURS)
    assert verdict == AuthVerdict(False, verdict.reasons)
    assert any(reason in line for line in verdict.reasons), verdict.reasons
    assert not any("clinic" in line or "evil" in line for line in verdict.reasons)


def test_only_the_topmost_header_of_our_server_counts():
    ours_fail = f"{OURS}; dkim=fail header.d=clinic.example"
    forged_pass = f"{OURS}; dkim=pass header.d=clinic.example"
    other_pass = "relay.example; dkim=pass header.d=clinic.example"
    assert not results(ours_fail, forged_pass).authentic
    assert not results(other_pass, ours_fail, forged_pass).authentic
    assert results(other_pass.replace("pass", "fail"), forged_pass, ours_fail).authentic


def test_without_a_configured_authserv_id_nothing_is_trusted():
    verdict = check_authentication_results([f"{OURS}; dmarc=pass header.from=clinic.example"], "clinic.example", " ")
    assert not verdict.authentic and "no authserv-id configured" in verdict.reasons[0]


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=120), st.lists(st.text(max_size=80), max_size=3))
def test_headers_below_ours_never_change_the_verdict_and_garbage_never_raises(ours_tail, below):
    ours = f"{OURS};{ours_tail}"
    alone = results(ours)
    assert results(ours, *below) == alone
    assert results(ours, f"{OURS}; dmarc=pass header.from=clinic.example") == alone
    assert results(*[f"x{line}" for line in below], ours) == alone
    if "pass" not in ours_tail.lower():
        assert not alone.authentic


# --- DKIM verified by us -------------------------------------------------------------------------

MESSAGE = (b"From: Ada Lee <ada@clinic.example>\r\nTo: intro@collective.example\r\nSubject: Intro please\r\n"
           b"Message-ID: <1@clinic.example>\r\nDate: Mon, 2 Mar 2026 09:30:00 +0000\r\n\r\n"
           b"Please introduce Sam Rivera <sam@client.example> to Maya Chen.\r\n")


@pytest.fixture(scope="module")
def rsa_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


@pytest.fixture(scope="module")
def other_rsa_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def signed(message, private, domain=b"clinic.example", selector=b"sel", **options):
    return dkim.sign(message, selector, domain, private, **options) + message


class FakeDns:
    """The DNS the verifier sees: TXT records by name, and a log of what was asked."""

    def __init__(self, records):
        self.records = records
        self.asked = []

    def __call__(self, name):
        self.asked.append(name)
        return self.records.get(name)


def test_a_valid_aligned_rsa_signature_is_authentic(rsa_key):
    private, public = rsa_key
    dns = FakeDns({"sel._domainkey.clinic.example": public})
    verdict = verify_dkim(signed(MESSAGE, private), "clinic.example", dns)
    assert verdict == AuthVerdict(True, ("DKIM signature 1: verifies, d= aligned with From",))
    assert dns.asked == ["sel._domainkey.clinic.example"]


def test_a_valid_ed25519_signature_is_authentic():
    key = nacl.signing.SigningKey.generate()
    private = key.encode(encoder=nacl.encoding.Base64Encoder)
    public = b"v=DKIM1; k=ed25519; p=" + key.verify_key.encode(encoder=nacl.encoding.Base64Encoder)
    message = signed(MESSAGE, private, signature_algorithm=b"ed25519-sha256")
    assert verify_dkim(message, "clinic.example", FakeDns({"sel._domainkey.clinic.example": public})).authentic
    tampered = message.replace(b"Maya Chen", b"Eve")
    assert not verify_dkim(tampered, "clinic.example", FakeDns({"sel._domainkey.clinic.example": public})).authentic


def test_a_signature_of_the_parent_domain_aligns(rsa_key):
    private, public = rsa_key
    message = signed(MESSAGE.replace(b"ada@clinic.example", b"ada@mail.clinic.example"), private)
    assert verify_dkim(message, "mail.clinic.example", FakeDns({"sel._domainkey.clinic.example": public})).authentic


def test_a_valid_signature_of_another_domain_is_not_enough(rsa_key):
    private, public = rsa_key
    message = signed(MESSAGE, private, domain=b"mailer.example")
    verdict = verify_dkim(message, "clinic.example", FakeDns({"sel._domainkey.mailer.example": public}))
    assert verdict == AuthVerdict(False, ("DKIM signature 1: verifies, but d= does not align with From",))


@pytest.mark.parametrize("tamper, reason", [
    (lambda m: m.replace(b"Maya Chen", b"Eve Evil"), "does not verify"),
    (lambda m: m.replace(b"From: Ada Lee <ada@", b"From: Ada Lee <eve@"), "does not verify"),
    (lambda m: m.replace(b"Subject: Intro please", b"Subject: Intro now"), "does not verify"),
    (lambda m: m.replace(b"\r\nFrom: Ada", b"\r\nFrom: Eve <eve@clinic.example>\r\nFrom: Ada"), "exactly one From"),
    (lambda m: b"From: Eve <eve@clinic.example>\r\n" + m, "exactly one From"),
])
def test_a_tampered_message_is_not_authentic(rsa_key, tamper, reason):
    private, public = rsa_key
    message = tamper(signed(MESSAGE, private))
    verdict = verify_dkim(message, "clinic.example", FakeDns({"sel._domainkey.clinic.example": public}))
    assert not verdict.authentic and reason in verdict.reasons[-1]


def test_a_message_from_another_domain_is_refused_before_any_lookup(rsa_key):
    private, public = rsa_key
    dns = FakeDns({"sel._domainkey.clinic.example": public})
    verdict = verify_dkim(signed(MESSAGE, private), "bodywork.example", dns)
    assert not verdict.authentic and dns.asked == []


def test_a_missing_signature_wrong_key_or_missing_key_is_not_authentic(rsa_key, other_rsa_key):
    private, public = rsa_key
    assert verify_dkim(MESSAGE, "clinic.example", FakeDns({})) == AuthVerdict(False, ("no DKIM-Signature",))
    wrong = verify_dkim(signed(MESSAGE, private), "clinic.example", FakeDns({"sel._domainkey.clinic.example": other_rsa_key}))
    assert not wrong.authentic and "does not verify" in wrong.reasons[0]
    missing = verify_dkim(signed(MESSAGE, private), "clinic.example", FakeDns({}))
    assert not missing.authentic and "does not verify" in missing.reasons[0]


def test_a_body_length_limit_lets_text_be_appended_so_it_does_not_count(rsa_key):
    private, public = rsa_key
    message = signed(MESSAGE, private, length=True) + b"P.S. also introduce Eve <eve@evil.example>\r\n"
    verdict = verify_dkim(message, "clinic.example", FakeDns({"sel._domainkey.clinic.example": public}))
    assert not verdict.authentic and "l=" in verdict.reasons[0]


def test_a_signature_that_does_not_cover_from_does_not_count(rsa_key):
    """RFC 6376 requires From in h=; dkimpy refuses to sign without it, so the signature is built by hand."""
    private, public = rsa_key
    signer = dkim.DKIM(MESSAGE)
    canonicalization = dkim.CanonicalizationPolicy.from_c_value(b"relaxed/simple")
    body_hash = base64.b64encode(dkim.HASH_ALGORITHMS[b"rsa-sha256"](
        canonicalization.canonicalize_body(signer.body)).digest())
    fields = [(b"v", b"1"), (b"a", b"rsa-sha256"), (b"c", b"relaxed/simple"), (b"d", b"clinic.example"),
              (b"s", b"sel"), (b"h", b"subject : to"), (b"bh", body_hash), (b"b", b"")]
    signer.hasher = dkim.HASH_ALGORITHMS[b"rsa-sha256"]
    header = b"DKIM-Signature: " + signer.gen_header(fields, [b"subject", b"to"], canonicalization, b"DKIM-Signature",
                                                     dkim.parse_pem_private_key(private))
    verdict = verify_dkim(header + MESSAGE, "clinic.example", FakeDns({"sel._domainkey.clinic.example": public}))
    assert not verdict.authentic and "does not cover the From header" in verdict.reasons[0]


def test_the_first_aligned_signature_wins_among_several(rsa_key):
    private, public = rsa_key
    message = signed(signed(MESSAGE, private), private, domain=b"mailer.example")
    dns = FakeDns({"sel._domainkey.clinic.example": public, "sel._domainkey.mailer.example": public})
    verdict = verify_dkim(message, "clinic.example", dns)
    assert verdict.authentic and len(verdict.reasons) == 2 and "does not align" in verdict.reasons[0]


def test_only_a_bounded_number_of_signatures_is_checked(rsa_key):
    private, public = rsa_key
    message = MESSAGE
    for _ in range(MAX_DKIM_SIGNATURES + 1):
        message = signed(message, private, domain=b"mailer.example")
    dns = FakeDns({"sel._domainkey.mailer.example": public})
    verdict = verify_dkim(message, "clinic.example", dns)
    assert not verdict.authentic and len(dns.asked) == MAX_DKIM_SIGNATURES
    assert f"only the first {MAX_DKIM_SIGNATURES}" in verdict.reasons[0]


def test_a_failing_dns_lookup_propagates_so_the_caller_can_retry(rsa_key):
    private, _ = rsa_key

    def unreachable(name):
        raise TimeoutError("resolver did not answer")

    with pytest.raises(TimeoutError):
        verify_dkim(signed(MESSAGE, private), "clinic.example", unreachable)


@pytest.mark.parametrize("selector", [b"sel;x", b"a b", b"../etc", b"-bad"])
def test_a_hostile_selector_never_reaches_the_dns_function(rsa_key, selector):
    private, public = rsa_key
    message = signed(MESSAGE, private).replace(b"s=sel;", b"s=" + selector + b";", 1)
    dns = FakeDns({})
    assert not verify_dkim(message, "clinic.example", dns).authentic
    assert dns.asked == []


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.text(max_size=60))
def test_garbage_never_raises(noise, signature_tail):
    message = b"DKIM-Signature: v=1; " + signature_tail.encode("utf-8", "replace") + b"\r\n" + MESSAGE + noise
    assert not verify_dkim(message, "clinic.example", FakeDns({})).authentic
    assert not verify_dkim(noise, "clinic.example", FakeDns({})).authentic


# --- the real-world corpus -----------------------------------------------------------------------

def corpus_messages():
    corpus = corpus_or_skip()
    for row in corpus_index():
        if not any(marker in row["kind"] for marker in ("text only", "expected output", "HTML body only")):
            yield row["path"], (corpus / row["path"]).read_bytes()


def from_domain(headers):
    try:
        return parse_address(headers["From"]).domain
    except (AddressError, TypeError):  # no From header, or one we refuse
        return None


def test_corpus_authentication_results_are_read_as_their_own_server_would_be():
    """Score: 102 of the 104 Authentication-Results headers parse; the two that do not are not RFC 8601
    (Yahoo's old "from=" form, and Microsoft's header without an authserv-id)."""
    headers = unparsable = 0
    for path, raw in corpus_messages():
        for value in BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True).get_all("Authentication-Results") or []:
            value = value.encode("ascii", "surrogateescape").decode("utf-8", "replace")
            headers += 1
            server = value.split(";")[0].split()[0] if value.split(";")[0].split() else ""
            verdict = check_authentication_results([value], "clinic.example", server)
            unparsable += any("cannot be parsed" in reason for reason in verdict.reasons)
            assert not verdict.authentic, path  # none of them vouches for clinic.example
    assert (headers, unparsable) == (104, 2)


def test_corpus_signed_messages_never_raise_and_never_pass_without_keys():
    """Real signatures (Gmail, Yahoo, SES...) go through dkimpy without an exception; with no key published, none passes."""
    checked = 0
    for path, raw in corpus_messages():
        if b"dkim-signature:" not in raw.lower():
            continue
        domain = from_domain(BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True))
        if domain is None:
            continue
        dns = FakeDns({})
        verdict = verify_dkim(raw, domain, dns)
        assert not verdict.authentic, path
        checked += bool(dns.asked)
    assert checked == 78  # messages whose signature reached a key lookup


def test_corpus_gmail_results_vouch_for_their_own_from_domain():
    """Read as if we were the server that wrote the topmost header: 38 of the 100 messages with a
    readable From are vouched for (Google's dmarc=pass header.from=googlemail.com); the rest carry
    no dkim/dmarc result for their From domain."""
    vouched = readable = 0
    for path, raw in corpus_messages():
        headers = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
        results_headers = headers.get_all("Authentication-Results") or []
        domain = from_domain(headers)
        if domain is None or not results_headers or not results_headers[0].split(";")[0].split():
            continue
        readable += 1
        server = results_headers[0].split(";")[0].split()[0]
        vouched += check_authentication_results(results_headers, domain, server).authentic
    assert (vouched, readable) == (38, 100)
