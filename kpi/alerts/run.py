"""One alerts run (``python -m kpi alerts run``, for cron): collect, narrow to each recipient's scope, drop
what was already sent, deliver, record and audit.

- Recipients are the active accounts with an e-mail address; each sees only alerts whose unit lies in
  its scope (``Alert.visible_to``, the same ``Scope`` as data).
- Never the same alert twice: ``sent_alerts`` holds (alert key, recipient, channel); a digest holds only
  keys not there. Rows are written after the channel accepted the digest, with one ``alert.send`` audit
  row per alert, in one transaction. A failed delivery records nothing (audited as failed) and is
  retried by the next run.
- Quiet hours (setting ``alerts_quiet_hours``): a run inside them sends and records nothing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kpi import config
from kpi.access import accounts, permissions
from kpi.alerts import deliver
from kpi.alerts.rules import RULES, Alert, Findings, collect
from kpi.warehouse import audit
from kpi.warehouse.db import Warehouse


@dataclass
class RunResult:
    findings: Findings
    quiet: bool = False
    dry_run: bool = False
    digests: list[deliver.Digest] = field(default_factory=list)
    sent: list[deliver.Digest] = field(default_factory=list)
    failed: list[tuple[deliver.Digest, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "alerts": [{"key": a.key, "rule": a.rule, "text": a.text, "unit_id": a.unit_id}
                       for a in self.findings.alerts],
            "skipped": self.findings.skipped, "quiet": self.quiet, "dry_run": self.dry_run,
            "digests": [{"recipient": d.recipient, "channel": d.channel, "keys": [a.key for a in d.alerts]}
                        for d in self.digests],
            "sent": len(self.sent), "failed": [{"recipient": d.recipient, "channel": d.channel, "error": e}
                                               for d, e in self.failed],
        }


def parse_quiet_hours(text: str) -> tuple[dt.time, dt.time] | None:
    """'21:00-07:00' → (21:00, 07:00); '' → None. ``ValueError`` on anything else."""
    text = (text or "").strip()
    if not text:
        return None
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"alerts_quiet_hours must look like 21:00-07:00, not {text!r}")
    return dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())


def in_quiet_hours(now: dt.datetime, hours: tuple[dt.time, dt.time] | None) -> bool:
    """Whether ``now`` falls in [start, end); a window such as 21:00-07:00 runs across midnight."""
    if hours is None:
        return False
    start, end = hours
    moment = now.time()
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def recipients(wh: Warehouse) -> list[permissions.User]:
    """Active accounts with an e-mail address, with their scopes resolved."""
    names = [row["name"] for row in accounts.list_users(wh) if row["active"] and row["email"]]
    return [user for user in (accounts.get_user(wh, name) for name in names) if user is not None]


def _already_sent(wh: Warehouse) -> set[tuple[str, str, str]]:
    return set(wh.query("SELECT alert_key, recipient, channel FROM sent_alerts"))


def plan_digests(wh: Warehouse, alerts: list[Alert], channels: tuple[str, ...]) -> list[deliver.Digest]:
    """Per recipient and channel, the alerts it may see that it has not been sent yet."""
    sent = _already_sent(wh)
    digests = []
    for user in recipients(wh):
        visible = [a for a in alerts if a.visible_to(user.scope)]
        for channel in channels:
            new = tuple(a for a in visible if (a.key, user.name, channel) not in sent)
            if new:
                digests.append(deliver.Digest(user.name, user.email, channel, new))
    return digests


def _record(wh: Warehouse, digest: deliver.Digest, now: dt.datetime, actor: str) -> None:
    with wh.write(bump_version=False) as con:
        for alert in digest.alerts:
            con.execute("INSERT OR IGNORE INTO sent_alerts (alert_key, recipient, channel, rule, sent_at)"
                        " VALUES (?, ?, ?, ?, ?)", [alert.key, digest.recipient, digest.channel, alert.rule, now])
            audit.record(con, actor, "alert.send", digest.recipient,
                         {"channel": digest.channel, "key": alert.key, "rule": alert.rule, "text": alert.text}, at=now)


def _deliver(digest: deliver.Digest, smtp: deliver.SmtpSender, today: dt.date) -> None:
    if digest.channel == deliver.EMAIL:
        smtp.send(deliver.email_message(digest, today))
    else:
        deliver.post_webhook(deliver.webhook_payload(digest, today))


def run(wh: Warehouse, *, now: dt.datetime | None = None, dry_run: bool = False, actor: str | None = None,
        rules: tuple[str, ...] = RULES) -> RunResult:
    """Collect the alerts and send each recipient's new ones on every configured channel."""
    now = now or dt.datetime.now()
    actor = actor or audit.cli_actor()
    result = RunResult(collect(wh, now.date(), rules), dry_run=dry_run)
    if in_quiet_hours(now, parse_quiet_hours(str(config.get("alerts_quiet_hours")))):
        result.quiet = True
        return result
    result.digests = plan_digests(wh, result.findings.alerts, deliver.channels())
    if dry_run:
        return result
    smtp = deliver.SmtpSender()
    try:
        for digest in result.digests:
            try:
                _deliver(digest, smtp, now.date())
            except (OSError, ValueError) as error:  # smtplib's errors are OSErrors, as are urllib's
                result.failed.append((digest, str(error)))
                audit.record(wh, actor, "alert.send", digest.recipient,
                             {"channel": digest.channel, "keys": [a.key for a in digest.alerts],
                              "error": str(error)}, success=False, at=now)
                continue
            _record(wh, digest, now, actor)
            result.sent.append(digest)
    finally:
        smtp.close()
    return result
