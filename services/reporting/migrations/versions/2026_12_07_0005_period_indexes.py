"""Indexes for the reports' periods: invoices by issue date (credit sales in a window: DSO,
the rolling curve, CEI, amounts falling due, warnings) and facts by kind and effective date
(cash applied, write-offs, disputes in a period).

Revision ID: reporting_0005
Revises: reporting_0004
Create Date: 2026-12-07
"""
from alembic import op

revision = "reporting_0005"
down_revision = "reporting_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_rpt_invoices_currency_issue_date", "rpt_invoices", ["currency", "issue_date"])
    op.create_index("ix_rpt_facts_kind_currency_effective_date", "rpt_facts", ["kind", "currency", "effective_date"])


def downgrade() -> None:
    op.drop_index("ix_rpt_facts_kind_currency_effective_date", "rpt_facts")
    op.drop_index("ix_rpt_invoices_currency_issue_date", "rpt_invoices")
