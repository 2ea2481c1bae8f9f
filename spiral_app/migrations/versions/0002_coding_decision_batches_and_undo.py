"""coding decision batches and undo

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 23:19:01.133524
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import spiral_app.core.models


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite leaves the foreign key of 0001 unnamed; batch mode finds it under this conventional name.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
SQLITE_FK = "fk_codingdecision_criterion_id_criterion"


def _criterion_fk_name() -> str:
    foreign_keys = sa.inspect(op.get_bind()).get_foreign_keys('codingdecision')
    names = [fk['name'] for fk in foreign_keys if fk['referred_table'] == 'criterion']
    return (names[0] or SQLITE_FK) if names else ''


def upgrade() -> None:
    fk_name = _criterion_fk_name()
    with op.batch_alter_table('codingdecision', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('from_codebook_version_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('snapshot', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('undone_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('undone_at', spiral_app.core.models.UTCDateTime(timezone=True), nullable=True))
        if fk_name:
            batch_op.drop_constraint(fk_name, type_='foreignkey')
    # Decisions taken before batches existed each stand alone.
    op.execute(sa.text('UPDATE codingdecision SET batch_id = id'))
    with op.batch_alter_table('codingdecision', schema=None) as batch_op:
        batch_op.alter_column('batch_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.alter_column('snapshot', existing_type=sa.Text(), server_default=None)
        batch_op.create_index(batch_op.f('ix_codingdecision_batch_id'), ['batch_id'], unique=False)


def downgrade() -> None:
    # The foreign key comes back, so decisions about criteria that no longer exist must go.
    op.execute(sa.text('DELETE FROM codingdecision WHERE criterion_id NOT IN (SELECT id FROM criterion)'))
    with op.batch_alter_table('codingdecision', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.create_foreign_key(SQLITE_FK, 'criterion', ['criterion_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_index(batch_op.f('ix_codingdecision_batch_id'))
        batch_op.drop_column('undone_at')
        batch_op.drop_column('undone_by')
        batch_op.drop_column('snapshot')
        batch_op.drop_column('from_codebook_version_id')
        batch_op.drop_column('batch_id')
