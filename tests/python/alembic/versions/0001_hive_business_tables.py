"""Seed 002's business tables in the `hive` schema: component_versions, version_history,
agent_metrics, with their indexes.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "hive"


def upgrade() -> None:
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    op.create_table(
        "component_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("component_id", sa.String(255), nullable=False),
        sa.Column("component_type", sa.String(50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_component_versions_component_id", "component_versions", ["component_id"], schema=SCHEMA)
    op.create_table(
        "version_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("component_id", sa.String(255), nullable=False),
        sa.Column("from_version", sa.Integer()),
        sa.Column("to_version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_version_history_component_id", "version_history", ["component_id"], schema=SCHEMA)
    op.create_table(
        "agent_metrics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agent_name", sa.String(255), nullable=False),
        sa.Column("execution_type", sa.String(50), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_agent_metrics_agent_name", "agent_metrics", ["agent_name"], schema=SCHEMA)


def downgrade() -> None:
    for table in ("agent_metrics", "version_history", "component_versions"):
        op.drop_table(table, schema=SCHEMA)
