"""What goes beyond the policy is justified and shown at every step.

A limit above the policy's band or a term over its maximum (002 §2(2)) needs a written
justification (`applications.justification`), and each approval step stores the exceptions
its approver saw (`exceptions` on the application and on each step, `[{rule, detail}]`).
Applications and steps from before have none.

Revision ID: credit_0007
Revises: credit_0006
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "credit_0007"
down_revision = "credit_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("justification", sa.Text, nullable=True))
        batch.add_column(sa.Column("exceptions", sa.JSON, nullable=True))
    with op.batch_alter_table("application_steps") as batch:
        batch.add_column(sa.Column("exceptions", sa.JSON, nullable=True))
    for table in ("applications", "application_steps"):
        op.get_bind().execute(sa.table(table, sa.column("exceptions", sa.JSON)).update().values(exceptions=[]))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("exceptions", existing_type=sa.JSON, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("application_steps") as batch:
        batch.drop_column("exceptions")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("exceptions")
        batch.drop_column("justification")
