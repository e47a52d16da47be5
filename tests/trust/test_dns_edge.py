"""The DNS edge DKIM verification uses, against a real DNS server on loopback."""

import pytest

from introbot.edges.dns import DnsUnavailable, TxtResolver
from tests.trust.dnsserver import Zone, dns_server

KEY = b"v=DKIM1; k=rsa; p=" + b"A" * 400  # longer than one 255-byte DNS string


def test_a_key_record_split_over_several_strings_comes_back_whole():
    zone = Zone(txt={"sel._domainkey.clinic.example": KEY})
    with dns_server(zone) as port:
        assert TxtResolver(["127.0.0.1"], port)("sel._domainkey.clinic.example") == KEY
    assert zone.asked == ["sel._domainkey.clinic.example"]


def test_a_missing_name_or_a_record_without_a_key_is_none():
    zone = Zone(txt={"spf.clinic.example": b"v=spf1 -all"})
    with dns_server(zone) as port:
        resolver = TxtResolver(["127.0.0.1"], port)
        assert resolver("nothing._domainkey.clinic.example") is None
        assert resolver("spf.clinic.example") is None


@pytest.mark.parametrize("trouble", ["failing", "silent"])
def test_a_server_failure_or_silence_is_a_temporary_error_that_names_no_domain(trouble):
    name = "sel._domainkey.clinic.example"
    zone = Zone(**{trouble: {name}})
    with dns_server(zone) as port:
        with pytest.raises(DnsUnavailable) as raised:
            TxtResolver(["127.0.0.1"], port, timeout=0.5)(name)
    assert "clinic" not in str(raised.value)
    assert isinstance(raised.value, ConnectionError)
