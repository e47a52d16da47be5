"""A real DNS server on 127.0.0.1 (UDP) for tests: TXT records from a dict, and chosen names that fail."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset


@dataclass
class Zone:
    """What the server answers: TXT records by name (bytes, split in 255-byte strings as DNS must),
    names answered with SERVFAIL, names never answered (the client times out), and every name asked."""

    txt: dict[str, bytes] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    silent: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)


def _answer(query: dns.message.Message, zone: Zone) -> dns.message.Message | None:
    question = query.question[0]
    name = question.name.to_text(omit_final_dot=True).lower()
    zone.asked.append(name)
    if name in zone.silent:
        return None
    response = dns.message.make_response(query)
    if name in zone.failing:
        response.set_rcode(dns.rcode.SERVFAIL)
    elif name not in zone.txt:
        response.set_rcode(dns.rcode.NXDOMAIN)
    elif question.rdtype == dns.rdatatype.TXT:
        record = zone.txt[name]
        strings = " ".join('"' + record[i:i + 255].decode("ascii") + '"' for i in range(0, len(record), 255))
        response.answer.append(dns.rrset.from_text(question.name, 300, dns.rdataclass.IN, dns.rdatatype.TXT, strings))
    return response


@contextmanager
def dns_server(zone: Zone) -> Iterator[int]:
    """Serve `zone` on 127.0.0.1 over UDP until the block ends; yields the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(65535)
            except socket.timeout:
                continue
            response = _answer(dns.message.from_wire(data), zone)
            if response is not None:
                sock.sendto(response.to_wire(), peer)

    thread = threading.Thread(target=serve, name="test-dns", daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        sock.close()
