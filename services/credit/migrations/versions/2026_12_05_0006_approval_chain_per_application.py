"""The approval chain of each application, stored when it is submitted.

Seed 002 names one chain per kind of application (domain.approvals), and the chains are
configuration: an application keeps the chain it was submitted under, so a change of
configuration never strands one under way. The applications submitted before had the one
chain there was (sales_manager submits → sales_admin → finance → general_manager); they get
it here and stay decidable where they are.

Revision ID: credit_0006
Revises: credit_0005
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "credit_0006"
down_revision = "credit_0005"
branch_labels = None
depends_on = None

FIRST_CHAIN = {"submitters": ["sales_manager"], "steps": ["sales_admin", "finance", "general_manager"],
               "distinct_actors": True}
_applications = sa.table("applications", sa.column("chain", sa.JSON))


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("chain", sa.JSON, nullable=True))
    op.get_bind().execute(sa.update(_applications).values(chain=FIRST_CHAIN))
    with op.batch_alter_table("applications") as batch:
        batch.alter_column("chain", existing_type=sa.JSON, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("chain")
