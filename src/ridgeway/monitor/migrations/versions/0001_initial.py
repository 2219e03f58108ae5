"""The first monitoring schema: models, versions, batches, metrics, rules, alerts, events.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rw_models",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("task", sa.String(20), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "rw_versions",
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
    op.create_table(
        "rw_batches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("rw_models.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("ts", sa.Float, nullable=False),
        sa.Column("n_rows", sa.Integer, nullable=False),
        sa.Column("labelled", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(200)),
    )
    op.create_table(
        "rw_metrics",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("rw_models.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("rw_batches.id")),
        sa.Column("ts", sa.Float, nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("feature", sa.String(200)),
        sa.Column("value", sa.Float),
    )
    op.create_index("ix_rw_metrics_series", "rw_metrics", ["model_id", "metric", "ts"])
    op.create_table(
        "rw_rules",
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
        sa.Column("evaluated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("streak", sa.JSON, nullable=False),
    )
    op.create_table(
        "rw_alerts",
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
    )
    op.create_index("ix_rw_alerts_status", "rw_alerts", ["status", "model_id"])
    op.create_table(
        "rw_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("rw_alerts.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("rw_events", "rw_alerts", "rw_rules", "rw_metrics", "rw_batches"):
        op.drop_table(table)
    op.drop_table("rw_versions")
    op.drop_table("rw_models")
