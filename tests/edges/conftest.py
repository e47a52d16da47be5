"""Fixtures shared by the edge tests: a TLS server whose certificate names another host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.edges.peers import certificate_for, tls_server


@pytest.fixture(scope="session")
def other_name_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(CA file, certificate, key) for mail.other.example only: trusted once the CA is given, never for 127.0.0.1."""
    return certificate_for("mail.other.example", tmp_path_factory.mktemp("other-name"))


@pytest.fixture
def misnamed_tls_server(other_name_certificate) -> Iterator[tuple[Path, int, list[bytes]]]:
    """(its CA file, port, bytes received after the handshake) of a TLS server on 127.0.0.1 with that certificate."""
    ca_file, cert, key = other_name_certificate
    with tls_server(cert, key, b"* OK ready\r\n") as (port, received):
        yield ca_file, port, received
