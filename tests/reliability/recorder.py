"""A FaultProxy that also records what each client sent, and a reader of IMAP commands out of those bytes."""

from __future__ import annotations

import re
import socket
import threading

from tests.faultproxy import FaultProxy

_LITERAL = re.compile(rb"\{(\d+)\+?\}$")


class _RecordedSocket:
    """A client socket whose received bytes are also appended to a recording."""

    def __init__(self, sock: socket.socket, recording: bytearray, lock: threading.Lock):
        self._sock = sock
        self._recording = recording
        self._lock = lock

    def recv(self, size: int) -> bytes:
        data = self._sock.recv(size)
        with self._lock:
            self._recording.extend(data)
        return data

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class RecordingProxy(FaultProxy):
    """Forwards like FaultProxy (every fault mode included) and keeps each client connection's bytes."""

    def __init__(self, target_port: int) -> None:
        super().__init__(target_port)
        self.recordings: list[bytearray] = []
        self._recording_lock = threading.Lock()

    def _open_link(self, client: socket.socket) -> None:
        recording = bytearray()
        with self._recording_lock:
            self.recordings.append(recording)
        super()._open_link(_RecordedSocket(client, recording, self._recording_lock))

    def commands(self) -> list[list[bytes]]:
        """Per connection, the command lines the client sent, each literal ({n}) replaced by a mark."""
        with self._recording_lock:
            return [imap_commands(bytes(recording)) for recording in self.recordings]


def imap_commands(stream: bytes) -> list[bytes]:
    """Split a client's IMAP stream into command lines; literal data (RFC 3501 4.3) is left out, since it is
    data the server stores, not words it obeys."""
    commands, current, position = [], b"", 0
    while (end := stream.find(b"\r\n", position)) >= 0:
        line = stream[position:end]
        position = end + 2
        literal = _LITERAL.search(line)
        if literal:
            current += line[:literal.start()] + b"<literal>"
            position += int(literal.group(1))
            continue
        commands.append(current + line)
        current = b""
    return commands
