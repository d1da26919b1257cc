"""exhibits

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

The evidence vault's exhibits (issue 5): the exhibit table, the text taken out of each file
for search, and the search triggers that index both (source code 7, one index row per
exhibit holding its title, file name, notes and text).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here like 0001's; ``lawyer_desk.core.search.SOURCES`` holds the same expressions over
# the alias "r". The "text" column holds the title, file name and notes; the text taken out of
# the file goes in the folded column (as written, and folded), because FTS5's snippet() costs
# the square of a row's matches in the column it quotes — minutes for a long document. An
# exhibit's index row is rebuilt whenever the exhibit (title, file name, notes) or its text
# changes; edits of other columns (verified_at…) leave the megabytes of text alone.
_CODE = 7
_BODY = "concat_ws(' ', {r}.title, {r}.filename, {r}.notes)"
_TEXT = "(SELECT t.text FROM exhibit_text AS t WHERE t.exhibit_id = {r}.id)"


def _index_from(alias: str, where: str) -> str:
    body, extracted = _BODY.format(r=alias), _TEXT.format(r=alias)
    folded = f"concat_ws(' ', ld_fold({body}), {extracted}, ld_fold({extracted}))"
    return (f"INSERT INTO search_index(rowid, text, folded, kind, client_id) "  # noqa: S608 (fixed DDL)
            f"SELECT {alias}.id * 16 + {_CODE}, {body}, {folded}, 'kother', {alias}.client_id "
            f"FROM exhibit AS {alias} WHERE {where};")


def _unindex(exhibit_id: str) -> str:
    return f"DELETE FROM search_index WHERE rowid = {exhibit_id} * 16 + {_CODE};"  # noqa: S608 (fixed DDL)


_TRIGGERS = {
    "exhibit_search_insert": f"AFTER INSERT ON exhibit WHEN ld_indexing() BEGIN {_index_from('e', 'e.id = NEW.id')} END",
    "exhibit_search_update": (f"AFTER UPDATE OF id, client_id, title, filename, notes ON exhibit BEGIN "
                              f"{_unindex('OLD.id')} {_index_from('e', 'e.id = NEW.id')} END"),
    "exhibit_search_delete": f"AFTER DELETE ON exhibit BEGIN {_unindex('OLD.id')} END",
    "exhibit_text_search_insert": (f"AFTER INSERT ON exhibit_text WHEN ld_indexing() BEGIN "
                                   f"{_unindex('NEW.exhibit_id')} {_index_from('e', 'e.id = NEW.exhibit_id')} END"),
    "exhibit_text_search_update": (f"AFTER UPDATE ON exhibit_text BEGIN {_unindex('OLD.exhibit_id')} "
                                   f"{_unindex('NEW.exhibit_id')} "
                                   f"{_index_from('e', 'e.id IN (OLD.exhibit_id, NEW.exhibit_id)')} END"),
    "exhibit_text_search_delete": (f"AFTER DELETE ON exhibit_text BEGIN {_unindex('OLD.exhibit_id')} "
                                   f"{_index_from('e', 'e.id = OLD.exhibit_id')} END"),
}


def upgrade() -> None:
    op.create_table('exhibit',
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('kind', sa.Enum('warrant', 'notice', 'ccf_decision', 'court_decision', 'asylum_decision', 'country_report', 'expert_report', 'medical_report', 'media', 'correspondence', 'identity', 'photo', 'other', name='exhibitkind'), nullable=False),
    sa.Column('date', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('translation_of_id', sa.Integer(), nullable=True),
    sa.Column('object_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('text_status', sa.Enum('text', 'no_text', 'not_extracted', 'unsupported', 'unreadable', name='textstatus'), nullable=False),
    sa.Column('verified_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('verified_state', sa.Enum('intact', 'altered', 'missing', name='verifiedstate'), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['translation_of_id'], ['exhibit.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('client_id', 'number', name='uq_exhibit_number'),
    # AUTOINCREMENT: an exhibit deleted for good never passes its id (and with it the custody
    # entries of the audit trail, which name exhibits by id) to a file added later.
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('exhibit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exhibit_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exhibit_object_name'), ['object_name'], unique=True)
        batch_op.create_index(batch_op.f('ix_exhibit_translation_of_id'), ['translation_of_id'], unique=False)

    op.create_table('exhibit_text',
    sa.Column('exhibit_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['exhibit_id'], ['exhibit.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('exhibit_id')
    )
    for name, body in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DELETE FROM search_index WHERE rowid % 16 = {_CODE}")  # noqa: S608 (fixed DDL)
    op.drop_table('exhibit_text')
    with op.batch_alter_table('exhibit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exhibit_translation_of_id'))
        batch_op.drop_index(batch_op.f('ix_exhibit_object_name'))
        batch_op.drop_index(batch_op.f('ix_exhibit_client_id'))
    op.drop_table('exhibit')
