"""Track webhook delivery per event (target, state, attempts, last error).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rw_events") as batch:
        batch.add_column(sa.Column("webhook", sa.String(2000)))
        batch.add_column(
            sa.Column("delivery", sa.String(10), nullable=False, server_default="none")
        )
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_error", sa.String(500)))


def downgrade() -> None:
    with op.batch_alter_table("rw_events") as batch:
        for column in ("last_error", "attempts", "delivery", "webhook"):
            batch.drop_column(column)
