"""The monitoring store's tables (SQLAlchemy Core), at the newest migration (``migrations/``).

Times are UTC seconds since the epoch (``Float``), so that one query language buckets them for
downsampling on SQLite and PostgreSQL alike. A metric that is not a number is stored as NULL.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

models = sa.Table(
    "rw_models",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("task", sa.String(20), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

versions = sa.Table(
    "rw_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("model_id", sa.Integer, sa.ForeignKey("rw_models.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("estimator", sa.String(100), nullable=False),
    sa.Column("l2", sa.Float),
    sa.Column("gap_metric", sa.String(40), nullable=False),
    sa.Column("selection", sa.JSON, nullable=False),
    sa.Column("reference", sa.JSON, nullable=False),
    sa.Column("feature_stats", sa.JSON, nullable=False),
    sa.Column("model_file", sa.LargeBinary, nullable=False),
    sa.UniqueConstraint("model_id", "version", name="uq_rw_versions_model_version"),
)

batches = sa.Table(
    "rw_batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("model_id", sa.Integer, sa.ForeignKey("rw_models.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("ts", sa.Float, nullable=False),
    sa.Column("n_rows", sa.Integer, nullable=False),
    sa.Column("labelled", sa.Boolean, nullable=False),
    sa.Column("source", sa.String(200)),
)

metrics = sa.Table(
    "rw_metrics",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("model_id", sa.Integer, sa.ForeignKey("rw_models.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("rw_batches.id")),
    sa.Column("ts", sa.Float, nullable=False),
    sa.Column("metric", sa.String(64), nullable=False),
    sa.Column("feature", sa.String(200)),
    sa.Column("value", sa.Float),
    # migration 0003: covering index for downsampled series; batch_id for the drift table
    sa.Index("ix_rw_metrics_cover", "model_id", "metric", "feature", "ts", "value", "version"),
    sa.Index("ix_rw_metrics_batch", "batch_id"),
)

rules = sa.Table(
    "rw_rules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("model_id", sa.Integer, sa.ForeignKey("rw_models.id"), nullable=False),
    sa.Column("metric", sa.String(64), nullable=False),
    sa.Column("feature", sa.String(200)),
    sa.Column("direction", sa.String(5), nullable=False),
    sa.Column("threshold", sa.Float, nullable=False),
    sa.Column("relative", sa.Boolean, nullable=False),
    sa.Column("patience", sa.Integer, nullable=False),
    sa.Column("warmup", sa.Integer, nullable=False),
    sa.Column("severity", sa.String(10), nullable=False),
    sa.Column("webhook", sa.String(2000)),
    sa.Column("created_at", sa.Float, nullable=False),
    # evaluation state, updated in the same transaction as the batch that moved it
    sa.Column("evaluated", sa.Integer, nullable=False, server_default="0"),
    sa.Column("streak", sa.JSON, nullable=False),
)

alerts = sa.Table(
    "rw_alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("rule_id", sa.Integer, sa.ForeignKey("rw_rules.id"), nullable=False),
    sa.Column("model_id", sa.Integer, sa.ForeignKey("rw_models.id"), nullable=False),
    sa.Column("severity", sa.String(10), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("message", sa.String(1000), nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("opened_at", sa.Float, nullable=False),
    sa.Column("last_value", sa.Float),
    sa.Column("n_breaches", sa.Integer, nullable=False),
    sa.Column("resolved_at", sa.Float),
    sa.Column("acknowledged_at", sa.Float),
    sa.Column("acknowledged_by", sa.String(200)),
    sa.Index("ix_rw_alerts_status", "status", "model_id"),
)

events = sa.Table(
    "rw_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("alert_id", sa.Integer, sa.ForeignKey("rw_alerts.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    # added by migration 0002: webhook delivery, tracked per event
    sa.Column("webhook", sa.String(2000)),
    sa.Column("delivery", sa.String(10), nullable=False, server_default="none"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.String(500)),
)
