"""Digests and their delivery: one e-mail (smtplib) and one JSON POST (urllib) per recipient and run.

Nothing here decides who gets what (``kpi.alerts.run`` does); these functions only turn a digest into
a message and hand it over, raising on failure so the run records nothing for a digest not delivered.
"""
from __future__ import annotations

import datetime as dt
import json
import smtplib
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from kpi import config
from kpi.alerts.links import alert_url
from kpi.alerts.rules import RULES, Alert
from kpi.text import alerts as alerts_text, vi

EMAIL, WEBHOOK = "email", "webhook"


@dataclass(frozen=True)
class Digest:
    """The new alerts of one recipient, for one channel."""

    recipient: str
    email: str | None
    channel: str
    alerts: tuple[Alert, ...]


def body_text(digest: Digest) -> str:
    """The plain-text digest: greeting, alerts grouped by rule (in ``RULES`` order), footer."""
    lines = [alerts_text.GREETING.format(name=digest.recipient), "",
             alerts_text.INTRO.format(n=vi.num(len(digest.alerts))), ""]
    for rule in RULES:
        items = [a for a in digest.alerts if a.rule == rule]
        if items:
            lines.append(f"{alerts_text.RULE_HEADINGS[rule]} ({vi.num(len(items))}):")
            for alert in items:
                lines.append(f"  - {alert.text}")
                url = alert_url(alert)
                if url:
                    lines.append(f"    {alerts_text.SEE_AT.format(url=url)}")
            lines.append("")
    lines.append(alerts_text.FOOTER)
    return "\n".join(lines)


def email_message(digest: Digest, today: dt.date) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = alerts_text.SUBJECT.format(n=vi.num(len(digest.alerts)), day=vi.date(today))
    message["From"] = str(config.get("alerts_from"))
    message["To"] = digest.email
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="kpi-tthc")
    message.set_content(body_text(digest))  # UTF-8, so the diacritics arrive intact
    return message


def webhook_payload(digest: Digest, today: dt.date) -> dict:
    """Generic JSON a chat tool's incoming webhook can map: a ready ``text`` plus structured alerts."""
    return {
        "recipient": digest.recipient,
        "email": digest.email,
        "date": today.isoformat(),
        "text": body_text(digest),
        "alerts": [{"key": a.key, "rule": a.rule, "text": a.text, "unit_id": a.unit_id, "level": a.level,
                    "url": alert_url(a)} for a in digest.alerts],
    }


class SmtpSender:
    """One SMTP connection for a run's e-mails, opened on first use, closed by ``close``."""

    def __init__(self):
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        self._smtp.send_message(message)

    @staticmethod
    def _connect() -> smtplib.SMTP:
        smtp = smtplib.SMTP(str(config.get("alerts_smtp_host")), int(config.get("alerts_smtp_port")),
                            timeout=float(config.get("alerts_timeout_s")))
        if config.get("alerts_smtp_starttls"):
            smtp.starttls()
        if config.get("alerts_smtp_user"):
            smtp.login(str(config.get("alerts_smtp_user")), str(config.get("alerts_smtp_password")))
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except smtplib.SMTPException:
                pass
            self._smtp = None


def post_webhook(payload: dict) -> None:
    """POST the payload as UTF-8 JSON; raises on a non-2xx answer or a network error."""
    request = urllib.request.Request(
        str(config.get("alerts_webhook_url")), data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    with urllib.request.urlopen(request, timeout=float(config.get("alerts_timeout_s"))) as answer:
        if not 200 <= answer.status < 300:
            raise OSError(f"webhook answered HTTP {answer.status}")


def channels() -> tuple[str, ...]:
    """The channels configured: e-mail when an SMTP host is set, the webhook when its URL is."""
    out = []
    if config.get("alerts_smtp_host"):
        out.append(EMAIL)
    if config.get("alerts_webhook_url"):
        out.append(WEBHOOK)
    return tuple(out)
