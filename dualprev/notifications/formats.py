"""Message bodies in each group robot's format, and the signatures of signed robots.

- WeCom (企业微信) group robot: ``{"msgtype": "markdown", "markdown": {"content": ...}}``
  (content at most 4096 bytes); no signing, the key in the URL is the credential.
- DingTalk (钉钉) custom robot: ``{"msgtype": "markdown", "markdown": {"title", "text"}}``;
  signed robots add ``&timestamp=<ms>&sign=<s>`` to the URL, where
  ``s = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")))``.
- Feishu (飞书) custom bot: ``{"msg_type": "post", "content": {"post": {"zh_cn": {...}}}}``
  (body at most 20 KB); signed bots add ``"timestamp": "<s>"`` and ``"sign"`` to the body,
  where ``sign = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b""))``.

The stored payload (``Delivery.payload``) is the unsigned body: signatures are made at each try,
because the robots refuse timestamps more than an hour old.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from dualprev.notifications.choices import ChannelKind

BODY_MAX_CHARS = 1000  # the hazard text in a group message; the link leads to the rest
# Markdown's ASCII marks in user-written text become their full-width twins, which read the
# same in Chinese text on every platform (backslash escapes are not understood everywhere).
_NEUTRAL = str.maketrans("\\`*_[]<>#|~!", "＼｀＊＿［］＜＞＃｜～！")


@dataclass(frozen=True)
class Message:
    """What one event says, in plain text (``link`` absolute, or empty)."""

    kind_label: str
    title: str
    body: str = ""
    link: str = ""
    enterprise: str = ""


def _escape(text: str) -> str:
    """Neutralise Markdown in user-written text (hazard names, reasons): no links, tags or
    headings can be smuggled into a group message."""
    return text.translate(_NEUTRAL)


def _clip(text: str, limit: int = BODY_MAX_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain_text(message: Message) -> str:
    lines = [f"【{message.kind_label}】{message.title}"]
    if message.body:
        lines.append(_clip(message.body))
    if message.enterprise:
        lines.append(message.enterprise)
    if message.link:
        lines.append(message.link)
    return "\n".join(lines)


def _markdown_lines(message: Message, link_text: str) -> list[str]:
    lines = [f"**【{_escape(str(message.kind_label))}】{_escape(message.title)}**"]
    if message.body:
        lines.append(_escape(_clip(message.body)))
    if message.enterprise:
        lines.append(f"> {_escape(message.enterprise)}")
    if message.link:
        lines.append(f"[{link_text}]({message.link})")
    return lines


def wecom_body(message: Message, link_text: str) -> dict[str, Any]:
    return {
        "msgtype": "markdown",
        "markdown": {"content": "\n".join(_markdown_lines(message, link_text))},
    }


def dingtalk_body(message: Message, link_text: str) -> dict[str, Any]:
    title = f"【{message.kind_label}】{message.title}"
    return {
        "msgtype": "markdown",
        "markdown": {
            "title": _clip(title, 60),
            "text": "\n\n".join(_markdown_lines(message, link_text)),
        },
    }


def feishu_body(message: Message, link_text: str) -> dict[str, Any]:
    paragraphs: list[list[dict[str, str]]] = []
    if message.body:
        paragraphs.append([{"tag": "text", "text": _clip(message.body)}])
    if message.enterprise:
        paragraphs.append([{"tag": "text", "text": message.enterprise}])
    if message.link:
        paragraphs.append([{"tag": "a", "text": link_text, "href": message.link}])
    return {
        "msg_type": "post",
        "content": {
            "post": {
                "zh_cn": {
                    "title": f"【{message.kind_label}】{message.title}",
                    "content": paragraphs,
                }
            }
        },
    }


BUILDERS = {
    ChannelKind.WECOM: wecom_body,
    ChannelKind.DINGTALK: dingtalk_body,
    ChannelKind.FEISHU: feishu_body,
}


def robot_body(kind: str, message: Message, link_text: str) -> dict[str, Any]:
    return BUILDERS[ChannelKind(kind)](message, link_text)


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """DingTalk's signature (base64, not yet URL-encoded)."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: str) -> str:
    """Feishu's signature: the string ``timestamp\\nsecret`` is the HMAC key of an empty
    message."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_request(
    kind: str, url: str, body: dict[str, Any], secret: str, now: float | None = None
) -> tuple[str, dict[str, Any]]:
    """The URL and body to POST for one try (signed when the robot has a secret)."""
    if not secret:
        return url, body
    now = time.time() if now is None else now
    if kind == ChannelKind.DINGTALK:
        timestamp = str(int(now * 1000))
        sign = quote(dingtalk_sign(secret, timestamp), safe="")
        joiner = "&" if "?" in url else "?"
        return f"{url}{joiner}timestamp={timestamp}&sign={sign}", body
    if kind == ChannelKind.FEISHU:
        timestamp = str(int(now))
        return url, {"timestamp": timestamp, "sign": feishu_sign(secret, timestamp), **body}
    return url, body
