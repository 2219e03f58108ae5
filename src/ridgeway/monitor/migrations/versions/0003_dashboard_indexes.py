"""Indexes for the dashboard: a covering index for downsampled series (no table reads), and
batch_id for the latest batch's drift table.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_rw_metrics_series", table_name="rw_metrics")
    op.create_index(
        "ix_rw_metrics_cover",
        "rw_metrics",
        ["model_id", "metric", "feature", "ts", "value", "version"],
    )
    op.create_index("ix_rw_metrics_batch", "rw_metrics", ["batch_id"])


def downgrade() -> None:
    op.drop_index("ix_rw_metrics_batch", table_name="rw_metrics")
    op.drop_index("ix_rw_metrics_cover", table_name="rw_metrics")
    op.create_index("ix_rw_metrics_series", "rw_metrics", ["model_id", "metric", "ts"])
