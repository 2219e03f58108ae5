"""Apply a model's rules to a new batch's values and move its alerts, inside the caller's
transaction (so the rule state, the alert and the batch's rows commit or vanish together)."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from ridgeway.monitor.jsonsafe import finite
from ridgeway.monitor.rules import Rule, step
from ridgeway.monitor.schema import alerts, events, rules

__all__ = ["acknowledge", "apply_rules", "reference_value", "rule_from_row"]


def rule_from_row(row: Any) -> Rule:
    return Rule(
        metric=row.metric,
        above=row.threshold if row.direction == "above" else None,
        below=row.threshold if row.direction == "below" else None,
        feature=row.feature,
        relative_to_reference=row.relative,
        patience=row.patience,
        warmup=row.warmup,
        severity=row.severity,
        webhook=row.webhook,
    )


def reference_value(reference: dict[str, Any], metric: str) -> float | None:
    """The reference KPI a relative rule compares against (None where there is none)."""
    if metric == "prediction_mean":
        return reference.get("prediction_mean")
    return reference.get("train", {}).get(metric)


def _compared(rule: Rule, value: float | None, reference: dict[str, Any]) -> float | None:
    if value is None or not rule.relative_to_reference:
        return value
    ref = reference_value(reference, rule.metric)
    return None if not ref else (value - ref) / abs(ref)


def apply_rules(
    connection: sa.Connection,
    model_id: int,
    name: str,
    reference: dict[str, Any],
    values: dict[tuple[str, str | None], float | None],
    point: dict[str, Any],
) -> list[int]:
    """Evaluate every rule of the model on ``values``; returns the ids of new events that
    have a webhook to deliver (after commit)."""
    # lock the rules (PostgreSQL; SQLite holds its write lock already) so that concurrent
    # writers move each rule one batch at a time
    rule_rows = connection.execute(
        sa.select(rules).where(rules.c.model_id == model_id).order_by(rules.c.id).with_for_update()
    ).all()
    rule_rows = [row for row in rule_rows if (row.metric, row.feature) in values]
    if not rule_rows:  # no rule watches what this batch measured
        return []
    open_alerts = {
        row.rule_id: row
        for row in connection.execute(
            sa.select(alerts.c.id, alerts.c.rule_id, alerts.c.n_breaches).where(
                alerts.c.model_id == model_id, alerts.c.status == "open"
            )
        )
    }
    deliver = []
    for row in rule_rows:
        rule = rule_from_row(row)
        value = _compared(rule, values[(row.metric, row.feature)], reference)
        result = step(rule, row.evaluated, list(row.streak), value, point, row.id in open_alerts)
        if result.action == "skip":
            continue
        connection.execute(
            sa.update(rules)
            .where(rules.c.id == row.id)
            .values(evaluated=result.evaluated, streak=finite(result.streak))
        )
        alert = open_alerts.get(row.id)
        message = f"{name}: {rule.describe()}; value {value:.4g}"
        if result.action == "open":
            alert_id = connection.execute(
                sa.insert(alerts)
                .values(
                    rule_id=row.id,
                    model_id=model_id,
                    severity=rule.severity,
                    status="open",
                    message=message,
                    evidence=finite(result.streak),
                    opened_at=point["ts"],
                    last_value=value,
                    n_breaches=len(result.streak),
                )
                .returning(alerts.c.id)
            ).scalar_one()
            deliver += _event(
                connection, alert_id, "opened", point["ts"], rule, name, message, result.streak
            )
        elif result.action == "update" and alert is not None:
            connection.execute(
                sa.update(alerts)
                .where(alerts.c.id == alert.id)
                .values(last_value=value, n_breaches=alert.n_breaches + 1)
            )
        elif result.action == "resolve" and alert is not None:
            connection.execute(
                sa.update(alerts)
                .where(alerts.c.id == alert.id)
                .values(status="resolved", resolved_at=point["ts"], last_value=value)
            )
            recovered = f"{name}: recovered, {rule.describe()} no longer holds; value {value:.4g}"
            deliver += _event(
                connection,
                alert.id,
                "resolved",
                point["ts"],
                rule,
                name,
                recovered,
                [{**point, "value": value}],
            )
    return deliver


def _event(
    connection: sa.Connection,
    alert_id: int,
    kind: str,
    at: float,
    rule: Rule,
    name: str,
    message: str,
    evidence: list[dict[str, Any]],
) -> list[int]:
    payload = finite(
        {
            "event": kind,
            "alert_id": alert_id,
            "model": name,
            "metric": rule.metric,
            "feature": rule.feature,
            "direction": rule.direction,
            "threshold": rule.threshold,
            "relative_to_reference": rule.relative_to_reference,
            "severity": rule.severity,
            "message": message,
            "evidence": evidence,
            "at": at,
        }
    )
    event_id = connection.execute(
        sa.insert(events)
        .values(
            alert_id=alert_id,
            kind=kind,
            at=at,
            payload=payload,
            webhook=rule.webhook,
            delivery="pending" if rule.webhook else "none",
        )
        .returning(events.c.id)
    ).scalar_one()
    return [event_id] if rule.webhook else []


def acknowledge(connection: sa.Connection, alert_id: int, by: str) -> bool:
    """Mark an alert acknowledged (it stays open until its metric recovers); False when it
    does not exist or was acknowledged already."""
    now = time.time()
    done = connection.execute(
        sa.update(alerts)
        .where(alerts.c.id == alert_id, alerts.c.acknowledged_at.is_(None))
        .values(acknowledged_at=now, acknowledged_by=by)
    ).rowcount
    if done:
        connection.execute(
            sa.insert(events).values(
                alert_id=alert_id, kind="acknowledged", at=now, payload={"by": by}
            )
        )
    return bool(done)
