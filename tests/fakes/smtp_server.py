"""A loopback SMTP server for the e-mail tests: aiosmtpd on 127.0.0.1, real SMTP over TCP.

Every message it accepts is kept in `received`, parsed (email.policy.default), with its envelope
recipients. Faults, decided when a message's DATA has arrived: `refuse(n, reply)` answers the
next n with `reply` (default a 451, "try again later") and keeps nothing of them; `drop(n)`
keeps the next n but hangs up instead of answering (the client cannot know they arrived);
`hold(after=n)` makes the message that follows n more accepted ones wait, received but not
answered, until `release()`: a test can kill the client meanwhile. A held message is kept once
released, as a real server would that got the message but could not answer.

aiosmtpd imports the decorator module `public` of its dependency atpublic, a name this
project's own `public` app takes; `_aiosmtpd_controller` imports aiosmtpd with atpublic's
module in that place for the moment of the import, and puts the app back.
"""

import asyncio
import email
import email.policy
import importlib.metadata
import importlib.util
import logging
import socket
import sys
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage


def _aiosmtpd_controller():
    """aiosmtpd.controller.Controller, imported while `public` names atpublic's package."""
    if "aiosmtpd.controller" in sys.modules:
        return sys.modules["aiosmtpd.controller"].Controller
    init = importlib.metadata.distribution("atpublic").locate_file("public/__init__.py")
    spec = importlib.util.spec_from_file_location(
        "public", init, submodule_search_locations=[str(init.parent)]
    )
    atpublic = importlib.util.module_from_spec(spec)
    ours = sys.modules.get("public")
    sys.modules["public"] = atpublic
    try:
        spec.loader.exec_module(atpublic)
        from aiosmtpd.controller import Controller
    finally:
        if ours is None:
            sys.modules.pop("public", None)
        else:
            sys.modules["public"] = ours
    return Controller


@dataclass
class Received:
    rcpt: list[str]
    message: EmailMessage


@dataclass
class _Faults:
    refusals: list[str] = field(default_factory=list)
    drops: int = 0
    hold_after: int | None = None  # messages still accepted before the one held
    holding: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)


class _Handler:
    """aiosmtpd's handler: the fake decides each message's answer (in a thread, as a held one
    waits for the test)."""

    def __init__(self, fake: "FakeSMTP") -> None:
        self.fake = fake

    async def handle_DATA(self, server, session, envelope) -> str:
        data = envelope.original_content or envelope.content
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(None, self.fake._accept, list(envelope.rcpt_tos), data)
        if reply is None:  # dropped: the message is kept, the line hung up before the answer
            server.transport.abort()
            return "250 2.0.0 OK (never sent: the connection is gone)"
        return reply


class FakeSMTP:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._faults = _Faults()
        self._lock = threading.Lock()
        self._controller = None

    # --- control ---------------------------------------------------------------------------

    def start(self) -> "FakeSMTP":
        # aiosmtpd's controller connects to its own port once started, so it needs a number.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller_class = _aiosmtpd_controller()
        # The server's own session log (every envelope address, at INFO) is not the app's:
        # tests that no address reaches the app's logs read what is captured.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller = controller_class(_Handler(self), hostname="127.0.0.1", port=port)
        self._controller.start()
        return self

    def stop(self) -> None:
        self.release()
        self._controller.stop()

    @property
    def port(self) -> int:
        return self._controller.port

    def refuse(self, times: int = 1, reply: str = "451 4.3.0 try again later") -> None:
        self._faults.refusals.extend([reply] * times)

    def drop(self, times: int = 1) -> None:
        """Keep the next `times` messages but hang up instead of answering their DATA."""
        self._faults.drops += times

    def hold(self, *, after: int = 0) -> threading.Event:
        """Hold the DATA that follows `after` more accepted messages; returns the event set
        once that message is being held."""
        self._faults.hold_after = after
        return self._faults.holding

    def release(self) -> None:
        self._faults.released.set()

    # --- what arrived ----------------------------------------------------------------------

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [item.message for item in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope named `address`."""
        with self._lock:
            return [item.message for item in self.received if address in item.rcpt]

    def _accept(self, rcpt: list[str], data: bytes) -> str | None:
        """The reply to a message's DATA; None: hang up without one."""
        faults = self._faults
        message = email.message_from_bytes(data, policy=email.policy.default)
        with self._lock:
            if faults.refusals:
                return faults.refusals.pop(0)
            if faults.drops:
                faults.drops -= 1
                self.received.append(Received(rcpt=rcpt, message=message))
                return None
            hold = faults.hold_after == 0
            if faults.hold_after is not None:
                faults.hold_after -= 1
        if hold:
            faults.holding.set()
            faults.released.wait(timeout=120)
        with self._lock:
            self.received.append(Received(rcpt=rcpt, message=message))
        return "250 2.0.0 OK queued"
