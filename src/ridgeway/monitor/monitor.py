"""``Monitor``: the one object users hold — register models, log batches, rules and alerts."""

from __future__ import annotations

import getpass
import time
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from ridgeway.monitor import alerts as alerting
from ridgeway.monitor import metrics as kpi
from ridgeway.monitor import queries, registry
from ridgeway.monitor.batch import Row, batch_metrics
from ridgeway.monitor.jsonsafe import number
from ridgeway.monitor.rules import Rule
from ridgeway.monitor.schema import batches, models, rules
from ridgeway.monitor.schema import metrics as metric_table
from ridgeway.monitor.store import create_store_engine, migrate, writing
from ridgeway.monitor.timestamps import to_epoch
from ridgeway.monitor.webhook import Notifier

if TYPE_CHECKING:
    from ridgeway.monitor.retune import RetuneResult

__all__ = ["Monitor"]

MAX_NAME = 200


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise ValueError(
            f"name must be a non-empty string of at most {MAX_NAME} characters; got {name!r}"
        )
    return name


class Monitor:
    """A monitoring store at a SQLAlchemy ``url`` (``sqlite:///monitor.db`` or
    ``postgresql+psycopg://user@host/db``), migrated to the newest schema on open.

    ``webhook_timeout`` (seconds per attempt) and ``webhook_retries`` govern deliveries,
    which run on a background thread and never block ``log``.
    """

    def __init__(self, url: str, *, webhook_timeout: float = 5.0, webhook_retries: int = 3) -> None:
        self.url = url
        self.engine = create_store_engine(url)
        migrate(self.engine)
        # reads take no write lock (SQLite: deferred transactions in WAL mode)
        self.reader = create_store_engine(url, writer=False)
        self.notifier = Notifier(self.engine, timeout=webhook_timeout, retries=webhook_retries)
        self._models: dict[tuple[int, int], Any] = {}

    def close(self, timeout: float = 10.0) -> None:
        """Wait up to ``timeout`` s for queued webhooks, then release connections."""
        self.notifier.flush(timeout)
        self.engine.dispose()
        self.reader.dispose()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # models ---------------------------------------------------------------------------------
    def register(
        self,
        name: str,
        model: Any,
        X_ref: Any,
        y_ref: Any,
        version: int | None = None,
        *,
        preprocessor: Any = None,
        gap_metric: str | None = None,
    ) -> int:
        """Store a fitted model as a new version of ``name`` with its reference KPIs on
        (X_ref, y_ref), its training or validation data; returns the version number.

        ``preprocessor``: the ``ridgeway`` preprocessing that turns raw columns into the
        model's input (as saved by the CLI); batches are then logged as raw columns.
        ``gap_metric``: the metric of the generalization gap (default: MSE or accuracy).
        """
        _check_name(name)
        if not hasattr(model, "coef_"):
            raise ValueError(
                f"model must be a fitted ridgeway estimator; {type(model).__name__} has no coef_"
            )
        task = kpi.model_task(model)
        gap_metric = gap_metric or kpi.default_gap_metric(task)
        if gap_metric not in kpi.task_metrics(task):
            raise ValueError(
                f"gap_metric must be one of {kpi.task_metrics(task)}; got {gap_metric!r}"
            )
        X = registry.design(X_ref, preprocessor)
        reference = registry.reference_kpis(model, X, y_ref)
        blob = registry.model_bytes(model, preprocessor)
        with writing(self.engine) as connection:
            return registry.insert_version(
                connection, name, model, reference, blob, gap_metric, version
            )

    def register_training(
        self, name: str, *, task: str = "regression", l2: float | None = None
    ) -> int:
        """A new version of ``name`` that records a training run (``rw.nn``'s
        ``MonitorSink`` logs one batch per epoch: train_loss, val_loss, gap, norms, …), so
        rules such as ``add_rule(name, "gap", above=…, patience=…)`` watch the training the
        way they watch a deployed model. No model file and no reference data are stored."""
        _check_name(name)
        if task not in ("regression", "classification"):
            raise ValueError(f"task must be 'regression' or 'classification'; got {task!r}")
        reference = registry.training_reference(None if l2 is None else float(l2))
        with writing(self.engine) as connection:
            return registry.insert_version(
                connection, name, None, reference, b"", "gap", None,
                task=task, estimator=registry.TRAINING_RUN,
            )  # fmt: skip

    def models(self) -> pd.DataFrame:
        """Registered models with their latest version and open alert count."""
        from ridgeway.monitor.dashboard.data import model_list

        with self.reader.connect() as connection:
            return pd.DataFrame(model_list(connection))

    def versions(self, name: str) -> pd.DataFrame:
        with self.reader.connect() as connection:
            return queries.version_frame(connection, name)

    def load(self, name: str, version: int | None = None) -> registry.Version:
        """The registered version (default: latest), its model and preprocessing loaded."""
        with self.reader.connect() as connection:
            return registry.load_version(connection, name, version, self._models)

    def retune(self, name: str, X: Any, y: Any) -> RetuneResult:
        """Refit λ on recent labelled data with the same CV; a new version (see
        :func:`ridgeway.monitor.retune.retune`)."""
        from ridgeway.monitor.retune import retune

        if self.load(_check_name(name)).model is None:
            raise ValueError(f"{name!r} records a training run: there is no model to retune")
        return retune(self, name, X, y)

    # logging --------------------------------------------------------------------------------
    def log(
        self, name: str, X: Any, y: Any = None, at: Any = None, *, version: int | None = None
    ) -> int:
        """Score a batch with the registered model (latest version unless given) and record
        its metrics, gap, error change and drift; evaluates the rules. Returns the batch id."""
        ts = to_epoch(at)
        current = self.load(_check_name(name), version)
        if current.model is None:
            raise ValueError(
                f"{name!r} version {current.version} records a training run: it has no model "
                "to score batches with; its trainer logs epochs (log_metrics)"
            )
        rows, n = batch_metrics(current, X, y)
        return self._record(current, ts, rows, n=n, labelled=y is not None)

    def log_metrics(self, name: str, values: dict[str, float], at: Any = None) -> int:
        """Record metrics computed elsewhere (``{metric: value}``) as one batch; rules on
        those metric names are evaluated as for ``log``."""
        if not isinstance(values, dict) or not values:
            raise ValueError(
                f"values must be a non-empty dict of metric name to number; got {values!r}"
            )
        rows: list[Row] = []
        for metric, value in values.items():
            if not isinstance(metric, str) or not 0 < len(metric) <= 64:
                raise ValueError(f"metric names must be strings of 1-64 characters; got {metric!r}")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"value of {metric!r} must be a number; got {value!r}")
            rows.append((metric, None, float(value)))
        current = self.load(_check_name(name))
        return self._record(current, to_epoch(at), rows, n=0, labelled=False)

    def _record(
        self, current: registry.Version, ts: float, rows: list[Row], *, n: int, labelled: bool
    ) -> int:
        with writing(self.engine) as connection:
            batch_id = connection.execute(
                sa.insert(batches)
                .values(
                    model_id=current.model_id,
                    version=current.version,
                    ts=ts,
                    n_rows=n,
                    labelled=labelled,
                )
                .returning(batches.c.id)
            ).scalar_one()
            connection.execute(
                sa.insert(metric_table),
                [
                    {
                        "model_id": current.model_id,
                        "version": current.version,
                        "batch_id": batch_id,
                        "ts": ts,
                        "metric": metric,
                        "feature": feature,
                        "value": number(value),
                    }
                    for metric, feature, value in rows
                ],
            )
            values = {(metric, feature): number(value) for metric, feature, value in rows}
            point = {"batch_id": batch_id, "ts": ts, "version": current.version}
            deliver = alerting.apply_rules(
                connection, current.model_id, current.name, current.reference, values, point
            )
        self.notifier.submit(deliver)
        return int(batch_id)

    # rules and alerts -----------------------------------------------------------------------
    def add_rule(
        self,
        name: str,
        metric: str = "gap",
        *,
        above: float | None = None,
        below: float | None = None,
        feature: str | None = None,
        relative_to_reference: bool = False,
        patience: int = 1,
        warmup: int = 0,
        severity: str = "warning",
        webhook: str | None = None,
    ) -> int:
        """A rule on model ``name``'s ``metric`` (see :class:`Rule`); returns its id."""
        rule = Rule(
            metric,
            above,
            below,
            feature,
            relative_to_reference,
            patience,
            warmup,
            severity,
            webhook,
        )
        current = self.load(_check_name(name))
        if relative_to_reference and not alerting.reference_value(current.reference, metric):
            raise ValueError(
                f"relative_to_reference needs a non-zero reference value of {metric!r}; the "
                "reference KPIs have none (the gap and drift are 0 on the reference by definition)"
            )
        with writing(self.engine) as connection:
            return int(
                connection.execute(
                    sa.insert(rules)
                    .values(
                        model_id=current.model_id,
                        metric=rule.metric,
                        feature=rule.feature,
                        direction=rule.direction,
                        threshold=float(rule.threshold),
                        relative=rule.relative_to_reference,
                        patience=rule.patience,
                        warmup=rule.warmup,
                        severity=rule.severity,
                        webhook=rule.webhook,
                        created_at=time.time(),
                        evaluated=0,
                        streak=[],
                    )
                    .returning(rules.c.id)
                ).scalar_one()
            )

    def rules(self, name: str | None = None) -> pd.DataFrame:
        with self.reader.connect() as connection:
            return queries.rule_frame(connection, name)

    def alerts(
        self, name: str | None = None, status: str | None = None, severity: str | None = None
    ) -> pd.DataFrame:
        """Alerts, newest first; ``status`` "open", "resolved" or None for all."""
        with self.reader.connect() as connection:
            return queries.alert_frame(connection, name, status, severity)

    def events(self, alert_id: int | None = None) -> pd.DataFrame:
        """Alert events (opened, resolved, acknowledged) with their webhook delivery state."""
        from ridgeway.monitor.schema import events

        query = sa.select(events).order_by(events.c.id)
        if alert_id is not None:
            query = query.where(events.c.alert_id == alert_id)
        with self.reader.connect() as connection:
            return queries._frame(connection, query, ("at",))

    def acknowledge(self, alert_id: int, by: str | None = None) -> bool:
        """Acknowledge an alert (it stays open until the metric recovers)."""
        if isinstance(alert_id, bool) or not isinstance(alert_id, int):
            raise ValueError(f"alert_id must be an integer; got {alert_id!r}")
        with writing(self.engine) as connection:
            return alerting.acknowledge(connection, alert_id, by or getpass.getuser())

    def metrics(
        self,
        name: str | None = None,
        metric: str | None = None,
        feature: str | None = None,
        since: Any = None,
        until: Any = None,
    ) -> pd.DataFrame:
        """Stored metric values (columns model, version, batch_id, ts, metric, feature, value)."""
        with self.reader.connect() as connection:
            return queries.metric_frame(connection, name, metric, feature, since, until)

    def model_id(self, name: str) -> int:
        with self.reader.connect() as connection:
            found = connection.execute(sa.select(models.c.id).where(models.c.name == name)).scalar()
        if found is None:
            raise KeyError(f"model {name!r} is not registered")
        return int(found)
