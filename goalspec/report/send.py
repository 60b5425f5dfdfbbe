"""`goalspec digest --send`: the digest through the channels `digest:` in goalspec.yaml names.

- `slack`: the Block Kit payload, POSTed as JSON to the incoming webhook's URL;
- `webhook`: the digest's JSON, POSTed the same way (any service that takes JSON);
- `email`: one message, text and HTML alternatives, through SMTP with STARTTLS and login.

Secrets (webhook URLs, the SMTP password) are written in the spec only as `${VAR}` and read from
the environment when sending; no message, dry run or error shows their values: a failure names the
channel and what went wrong, with every secret it could contain replaced by `***`. Each channel is
tried whatever happened to the others; each says how it went.
"""

from __future__ import annotations

import json
import os
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Iterator

from goalspec.report.digest import Digest, build
from goalspec.report.digest_html import as_html
from goalspec.report.digest_slack import payload
from goalspec.report.digest_text import as_json, as_text
from goalspec.spec.cache import FileCache
from goalspec.spec.load import load_tree
from goalspec.spec.models import DigestChannel, DigestSettings, SmtpServer
from goalspec.spec.validate import validate

TIMEOUT = 30  # seconds a webhook or mail server may take to answer
_VAR = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


class SendError(Exception):
    """Nothing was sent: the tree has no usable `digest:` settings."""


@dataclass(frozen=True)
class Outcome:
    channel: str
    ok: bool
    text: str  # one line (a dry run: the lines of what would be sent)


def settings_of(tree: Path) -> DigestSettings:
    project, _ = validate(load_tree(tree), frozenset())
    org = project.organization.model if project.organization else None
    if org is None or org.digest is None or not org.digest.channels:
        raise SendError(f"{tree}/goalspec.yaml has no `digest:` with `channels` to send to "
                        "(goalspec check names any problem in it)")
    return org.digest


def deliver(tree: Path, settings: DigestSettings, today: date, since: date, team: str | None, dry_run: bool,
            cache: FileCache | None = None) -> Iterator[Outcome]:
    made: dict[str | None, Digest] = {}
    for channel in settings.channels:
        audience = channel.team or team
        if audience not in made:
            made[audience] = build(tree, today, since, audience, cache)
        d = made[audience]
        if dry_run:
            yield Outcome(channel.id, True, _describe(channel, settings.smtp, d))
            continue
        try:
            _send(channel, settings.smtp, d)
        except _Failed as exc:
            yield Outcome(channel.id, False, f"goalspec: channel `{channel.id}` ({channel.type}): not sent: {exc}")
        else:
            whom = ", ".join(channel.to) if channel.type == "email" else f"the webhook in {channel.url}"
            yield Outcome(channel.id, True, f"sent to `{channel.id}` ({channel.type}, {whom}): {d.title}")


class _Failed(Exception):
    pass


def _env(ref: str | None, secrets: list[str]) -> str | None:
    """The value of `${VAR}` (or the text itself, when it is not a reference); remembered as a secret."""
    if ref is None:
        return None
    m = _VAR.match(ref)
    if m is None:
        return ref
    value = os.environ.get(m.group(1))
    if not value:
        raise _Failed(f"the environment variable {m.group(1)} is not set")
    secrets.append(value)
    return value


def _hide(text: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) > 2:
            text = text.replace(secret, "***")
    return text


def _send(channel: DigestChannel, smtp: SmtpServer | None, d: Digest) -> None:
    secrets: list[str] = []
    try:
        if channel.type == "email":
            _mail(channel, smtp, d, secrets)
        else:
            body = json.dumps(payload(d)) if channel.type == "slack" else as_json(d)
            _post(_env(channel.url, secrets), body.encode("utf-8"))
    except _Failed as exc:
        raise _Failed(_hide(str(exc), secrets)) from None


def _post(url: str, body: bytes) -> None:
    if not url.startswith(("https://", "http://")):
        raise _Failed("the webhook's URL is not an http(s) address")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "goalspec-digest"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            answer.read()
    except urllib.error.HTTPError as exc:
        raise _Failed(f"the webhook answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _Failed(f"the webhook could not be reached: {reason}") from None


def message(channel: DigestChannel, smtp: SmtpServer, d: Digest) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = d.title
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(channel.to)
    msg.set_content(as_text(d))
    msg.add_alternative(as_html(d), subtype="html")
    return msg


def _mail(channel: DigestChannel, smtp: SmtpServer | None, d: Digest, secrets: list[str]) -> None:
    assert smtp is not None  # the settings' validator asks for it with any email channel
    user, password = _env(smtp.username, secrets), _env(smtp.password, secrets)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT) as server:
            server.ehlo()
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            elif password is not None:
                raise _Failed("refusing to send a password without TLS: set `starttls: true`")
            if user is not None and password is not None:
                server.login(user, password)
            server.send_message(message(channel, smtp, d))
    except smtplib.SMTPAuthenticationError as exc:
        raise _Failed(f"{smtp.host}:{smtp.port} refused the login ({exc.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise _Failed(f"{smtp.host}:{smtp.port} refused the recipients {', '.join(sorted(exc.recipients))}") from None
    except smtplib.SMTPException as exc:
        raise _Failed(f"{smtp.host}:{smtp.port}: {type(exc).__name__}: {exc}") from None
    except (ssl.SSLError, ssl.CertificateError) as exc:
        raise _Failed(f"{smtp.host}:{smtp.port}: TLS failed: {exc}") from None
    except OSError as exc:
        raise _Failed(f"{smtp.host}:{smtp.port} could not be reached: {exc.strerror or exc}") from None


def _describe(channel: DigestChannel, smtp: SmtpServer | None, d: Digest) -> str:
    """What a dry run prints for a channel: to whom, how, and the message (secrets as written: `${VAR}`)."""
    if channel.type == "email":
        how = f"e-mail via {smtp.host}:{smtp.port}" + (f" as {smtp.username}" if smtp and smtp.username else "")
        head = (f"would send to `{channel.id}` ({how}) to {', '.join(channel.to)}, from {smtp.sender}: "
                f"subject \"{d.title}\", text and HTML")
    elif channel.type == "slack":
        head = (f"would send to `{channel.id}` (Slack webhook {channel.url}): {len(payload(d)['blocks'])} Block Kit "
                f"blocks")
    else:
        head = f"would send to `{channel.id}` (webhook {channel.url}): the digest as JSON"
    if channel.team:
        head += f"; audience: team {channel.team}"
    return head + "\n\n" + "\n".join("    " + line if line else "" for line in as_text(d).splitlines()) + "\n"
