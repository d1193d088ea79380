"""A real SMTP server (aiosmtpd) on a free local port that keeps what it receives."""

from __future__ import annotations

import email
from email.message import Message
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    """The messages received, each with its envelope recipients (lower case)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append(([r.lower() for r in envelope.rcpt_tos], msg))
        return "250 OK"


class AnyPortController(Controller):
    """Listen on port 0 (a free port the OS picks) and learn which port it was."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()
