"""Local receivers started by the tests: a tiny SMTP server and an HTTP "group robot", both on
127.0.0.1 with a free port, each in a thread, recording what they get.

The SMTP server speaks just enough of RFC 5321 for ``smtplib`` (EHLO/HELO, MAIL, RCPT, DATA,
RSET, NOOP, QUIT), so Django's real SMTP backend is exercised end to end without a dependency.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_to: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def subject(self) -> str:
        return str(self.message["Subject"]).strip()

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())


class _SMTPHandler(socketserver.StreamRequestHandler):
    server: _SMTPServer

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 localhost test SMTP ready")
        mail_from, rcpts = "", list[str]()
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL":
                mail_from, rcpts = line.split(":", 1)[1].strip().strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = line.split(":", 1)[1].strip().strip("<>")
                if address in self.server.refuse:
                    self.reply("550 No such user here")
                else:
                    rcpts.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    chunk = self.rfile.readline(65536)
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.received.append(ReceivedMail(mail_from, rcpts, b"".join(lines)))
                self.reply("250 OK queued")
            elif verb == "RSET":
                mail_from, rcpts = "", []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.received: list[ReceivedMail] = []
        self.refuse: set[str] = set()


class LocalSMTPServer:
    """``with LocalSMTPServer() as smtp: ...`` — ``smtp.port``, ``smtp.received``,
    ``smtp.refuse`` (addresses answered with 550)."""

    def __enter__(self) -> LocalSMTPServer:
        self._server = _SMTPServer()
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def received(self) -> list[ReceivedMail]:
        return self._server.received

    @property
    def refuse(self) -> set[str]:
        return self._server.refuse

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@dataclass
class RobotRequest:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class _Script:
    """Answers to give, in order (the last one repeats): (HTTP status, JSON body or raw bytes,
    extra headers)."""

    answers: list[tuple[int, Any, dict[str, str]]] = field(
        default_factory=lambda: [(200, {"errcode": 0, "errmsg": "ok"}, {})]
    )


class _RobotHandler(BaseHTTPRequestHandler):
    server: _RobotServer

    def log_message(self, *args: Any) -> None:  # keep the test output clean
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        self.server.requests.append(
            RobotRequest(parts.path, query, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        answers = self.server.script.answers
        status, answer, headers = answers.pop(0) if len(answers) > 1 else answers[0]
        data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class _RobotServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RobotHandler)
        self.requests: list[RobotRequest] = []
        self.script = _Script()


class LocalRobot:
    """An HTTP receiver standing in for the WeCom / DingTalk / Feishu robot endpoints.

    ``robot.url(path)`` is its address; ``robot.answer(...)`` scripts the next answers;
    ``robot.requests`` records every POST (path, query, headers, JSON body)."""

    def __enter__(self) -> LocalRobot:
        self._server = _RobotServer()
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def requests(self) -> list[RobotRequest]:
        return self._server.requests

    def answer(self, *answers: tuple[int, Any] | tuple[int, Any, dict[str, str]]) -> None:
        self._server.script.answers = [(*a, {}) if len(a) == 2 else a for a in answers]

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def refused_url() -> str:
    """An address on this machine where nothing listens (connection refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/robot/send?access_token=gone"
