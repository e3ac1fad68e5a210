"""A loopback SMTP server for the e-mail tests: real SMTP over TCP on 127.0.0.1.

It speaks the part of RFC 5321 that smtplib (Django's SMTP backend) uses: EHLO/HELO, MAIL,
RCPT, DATA (dot-unstuffed), RSET, NOOP, QUIT; no TLS, no AUTH. Every message it accepts is kept
in `messages`, parsed (email.policy.default), with its envelope recipients in `rcpt`.

Faults: `refuse(n, reply)` answers the next n DATA commands with `reply` (default a 451, "try
again later") and keeps nothing of them; `drop(n)` keeps the next n messages but hangs up
instead of answering (the client cannot know it arrived); `hold(after=n)` makes the DATA
that follows n more accepted messages wait, once the whole message has arrived, until
`release()`: a test can kill the client meanwhile. A held message is kept once released, as
a real server would that got the message but could not answer.

aiosmtpd is not used: its dependency atpublic installs a top-level module named `public`,
which this project's `public` app shadows (aiosmtpd cannot be imported here).
"""

import email
import email.policy
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage


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


def _parsed(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


class _Session(socketserver.StreamRequestHandler):
    server: "_Server"

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    def handle(self) -> None:
        fake = self.server.fake
        try:
            self._reply("220 127.0.0.1 fake ESMTP")
            rcpt: list[str] = []
            while line := self.rfile.readline():
                command = line.decode("utf-8", "replace").strip()
                verb = command[:4].upper()
                if verb == "EHLO":
                    self._reply("250-127.0.0.1")
                    self._reply("250 8BITMIME")
                elif verb in ("HELO", "NOOP"):
                    self._reply("250 OK")
                elif verb == "MAIL":
                    rcpt = []
                    self._reply("250 OK")
                elif verb == "RCPT":
                    rcpt.append(command.split(":", 1)[1].split()[0].strip("<>"))
                    self._reply("250 OK")
                elif verb == "RSET":
                    rcpt = []
                    self._reply("250 OK")
                elif verb == "DATA":
                    self._reply("354 end data with <CR><LF>.<CR><LF>")
                    reply = fake._accept(rcpt, self._data())
                    if reply is None:  # dropped: the message is kept, the line hung up
                        return
                    self._reply(reply)
                    rcpt = []
                elif verb == "QUIT":
                    self._reply("221 bye")
                    return
                else:
                    self._reply("502 command not implemented")
        except OSError:  # the client went away (a killed worker)
            return


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: "FakeSMTP"


class FakeSMTP:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._faults = _Faults()
        self._lock = threading.Lock()
        self._server: _Server | None = None

    # --- control ---------------------------------------------------------------------------

    def start(self) -> "FakeSMTP":
        self._server = _Server(("127.0.0.1", 0), _Session)
        self._server.fake = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

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
        with self._lock:
            if faults.refusals:
                return faults.refusals.pop(0)
            if faults.drops:
                faults.drops -= 1
                self.received.append(Received(rcpt=rcpt, message=_parsed(data)))
                return None
            hold = faults.hold_after == 0
            if faults.hold_after is not None:
                faults.hold_after -= 1
        if hold:
            faults.holding.set()
            faults.released.wait(timeout=120)
        with self._lock:
            self.received.append(Received(rcpt=rcpt, message=_parsed(data)))
        return "250 2.0.0 OK queued"
