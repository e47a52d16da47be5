"""DNS TXT lookups for DKIM verification, through dnspython: the standard library cannot ask for a TXT record."""

from __future__ import annotations

from collections.abc import Sequence

import dns.exception
import dns.name
import dns.resolver


class DnsUnavailable(ConnectionError):
    """The resolver gave no answer (timeout, SERVFAIL, unreachable): a temporary failure, not a verdict."""


class TxtResolver:
    """`resolver(name)` -> the DKIM key record at `name` as bytes, or None when there is none.

    Uses the machine's resolver (/etc/resolv.conf) unless `nameservers` are given (tests give a DNS
    server on 127.0.0.1). Several strings of one record are joined, as RFC 6376 section 3.6.2.2 says;
    of several records, the first that holds a key (p=) counts. A timeout or a server failure raises
    DnsUnavailable, whose message never names the domain asked about.
    """

    def __init__(self, nameservers: Sequence[str] | None = None, port: int = 53, timeout: float = 5.0):
        self._nameservers = list(nameservers) if nameservers else None
        self._port = port
        self._timeout = timeout
        self._resolver: dns.resolver.Resolver | None = None  # made on first use: reading resolv.conf can fail

    def _ready(self) -> dns.resolver.Resolver:
        if self._resolver is None:
            try:
                resolver = dns.resolver.Resolver(configure=self._nameservers is None)
            except dns.resolver.NoResolverConfiguration:
                raise DnsUnavailable("this machine has no DNS resolver configured (/etc/resolv.conf), which "
                                     "trust.verify_dkim needs; configure one or set verify_dkim = false") from None
            if self._nameservers is not None:
                resolver.nameservers = self._nameservers
                resolver.port = self._port
            resolver.lifetime = self._timeout
            self._resolver = resolver
        return self._resolver

    def __call__(self, name: str) -> bytes | None:
        resolver = self._ready()
        try:
            answer = resolver.resolve(dns.name.from_text(name), "TXT", search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return None
        except (dns.exception.Timeout, dns.resolver.NoNameservers, dns.resolver.LifetimeTimeout, OSError) as error:
            raise DnsUnavailable(f"the DNS resolver did not answer a DKIM key query ({type(error).__name__}); "
                                 f"check that this machine can resolve names") from None
        except dns.exception.DNSException as error:
            raise DnsUnavailable(f"the DNS answer to a DKIM key query was unusable ({type(error).__name__})") from None
        records = [b"".join(record.strings) for record in answer]
        return next((record for record in records if b"p=" in record), None)
