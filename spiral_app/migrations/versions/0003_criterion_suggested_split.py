"""criterion suggested split

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 01:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Criteria suggested before this revision were never checked for joined ideas: they read as not flagged.
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suggested_split', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_column('suggested_split')
