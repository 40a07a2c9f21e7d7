"""Dunning rebuilt (issue 12): customers, contacts, items, parked and applied facts, cases,
versioned policies and their steps, scripts, actions (once per item, step and due date), the
message outbox and its attempts, promises, repayment plans, the contact log, legal cases.
The skeleton's two tables held only what the new items and cases hold; they are dropped.

Revision ID: dunning_0002
Revises: dunning_0001
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "dunning_0002"
down_revision = "dunning_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("collection_cases")
    op.drop_table("overdue_items")
    op.create_table('dunning_actions',
    sa.Column('action_id', sa.String(40), nullable=False),
    sa.Column('case_id', sa.String(40), nullable=False),
    sa.Column('customer_id', sa.String(100), nullable=False),
    sa.Column('invoice_number', sa.String(100), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('step_key', sa.String(50), nullable=False),
    sa.Column('action', sa.String(30), nullable=False),
    sa.Column('performer', sa.String(20), nullable=False),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('reason', sa.String(500), nullable=True),
    sa.Column('message_id', sa.String(40), nullable=True),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('action_id'),
    sa.UniqueConstraint('invoice_number', 'seq', 'step_key', 'due_date', name='uq_dunning_step_once')
    )
    op.create_index(op.f('ix_dunning_actions_case_id'), 'dunning_actions', ['case_id'], unique=False)
    op.create_index(op.f('ix_dunning_actions_customer_id'), 'dunning_actions', ['customer_id'], unique=False)
    op.create_index(op.f('ix_dunning_actions_message_id'), 'dunning_actions', ['message_id'], unique=False)
    op.create_table('dunning_applied_facts',
    sa.Column('fact_key', sa.String(300), nullable=False),
    sa.PrimaryKeyConstraint('fact_key')
    )
    op.create_table('dunning_cases',
    sa.Column('case_id', sa.String(40), nullable=False),
    sa.Column('customer_id', sa.String(100), nullable=False),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('policy_name', sa.String(100), nullable=False),
    sa.Column('policy_version', sa.Integer(), nullable=False),
    sa.Column('collector', sa.String(100), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_index(op.f('ix_dunning_cases_collector'), 'dunning_cases', ['collector'], unique=False)
    op.create_index(op.f('ix_dunning_cases_customer_id'), 'dunning_cases', ['customer_id'], unique=False)
    op.create_table('dunning_contact_log',
    sa.Column('entry_id', sa.String(40), nullable=False),
    sa.Column('case_id', sa.String(40), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(20), nullable=False),
    sa.Column('outcome', sa.String(30), nullable=False),
    sa.Column('reason_code', sa.String(30), nullable=True),
    sa.Column('notes', sa.String(2000), nullable=True),
    sa.Column('next_action_on', sa.Date(), nullable=True),
    sa.Column('by', sa.String(100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('entry_id')
    )
    op.create_index(op.f('ix_dunning_contact_log_case_id'), 'dunning_contact_log', ['case_id'], unique=False)
    op.create_table('dunning_contacts',
    sa.Column('customer_id', sa.String(100), nullable=False),
    sa.Column('name', sa.String(200), nullable=True),
    sa.Column('email', sa.String(254), nullable=True),
    sa.Column('mobile', sa.String(40), nullable=True),
    sa.Column('address', sa.String(500), nullable=True),
    sa.Column('language', sa.String(5), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('customer_id')
    )
    op.create_table('dunning_customers',
    sa.Column('customer_id', sa.String(100), nullable=False),
    sa.Column('name', sa.String(200), nullable=True),
    sa.Column('region', sa.String(100), nullable=True),
    sa.Column('customer_type', sa.String(100), nullable=True),
    sa.Column('salesperson', sa.String(100), nullable=True),
    sa.Column('grade', sa.String(10), nullable=True),
    sa.Column('onboarded_on', sa.Date(), nullable=True),
    sa.Column('blacklisted', sa.Boolean(), nullable=False),
    sa.Column('on_hold', sa.Boolean(), nullable=False),
    sa.Column('profile_revision', sa.Integer(), nullable=False),
    sa.Column('blacklist_requested_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('customer_id')
    )
    op.create_table('dunning_delivery_attempts',
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(40), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('result', sa.String(20), nullable=False),
    sa.Column('error', sa.String(500), nullable=True),
    sa.PrimaryKeyConstraint('attempt_id')
    )
    op.create_index(op.f('ix_dunning_delivery_attempts_message_id'), 'dunning_delivery_attempts', ['message_id'], unique=False)
    op.create_table('dunning_items',
    sa.Column('invoice_number', sa.String(100), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(100), nullable=False),
    sa.Column('case_id', sa.String(40), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('open_minor', sa.BigInteger(), nullable=False),
    sa.Column('disputed_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.Column('invoice_known', sa.Boolean(), nullable=False),
    sa.Column('max_days_overdue', sa.Integer(), nullable=False),
    sa.Column('contract_ref', sa.String(100), nullable=True),
    sa.Column('region', sa.String(100), nullable=True),
    sa.Column('salesperson', sa.String(100), nullable=True),
    sa.Column('bill_name', sa.String(200), nullable=True),
    sa.Column('bill_email', sa.String(254), nullable=True),
    sa.Column('bill_mobile', sa.String(40), nullable=True),
    sa.Column('bill_address', sa.String(500), nullable=True),
    sa.Column('bill_language', sa.String(5), nullable=True),
    sa.PrimaryKeyConstraint('invoice_number', 'seq')
    )
    op.create_index(op.f('ix_dunning_items_case_id'), 'dunning_items', ['case_id'], unique=False)
    op.create_index(op.f('ix_dunning_items_customer_id'), 'dunning_items', ['customer_id'], unique=False)
    op.create_table('dunning_legal_cases',
    sa.Column('legal_case_id', sa.String(40), nullable=False),
    sa.Column('case_id', sa.String(40), nullable=False),
    sa.Column('customer_id', sa.String(100), nullable=False),
    sa.Column('kind', sa.String(20), nullable=False),
    sa.Column('stage', sa.String(20), nullable=False),
    sa.Column('claim_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('court_case_number', sa.String(100), nullable=True),
    sa.Column('counsel', sa.String(200), nullable=True),
    sa.Column('risk_view', sa.String(2000), nullable=True),
    sa.Column('property_preservation', sa.Boolean(), nullable=False),
    sa.Column('costs_minor', sa.BigInteger(), nullable=False),
    sa.Column('estimated_cost_minor', sa.BigInteger(), nullable=True),
    sa.Column('expected_recovery_percent', sa.Integer(), nullable=True),
    sa.Column('expected_close_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(2000), nullable=True),
    sa.Column('evidence', sa.String(1000), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('legal_case_id')
    )
    op.create_index(op.f('ix_dunning_legal_cases_case_id'), 'dunning_legal_cases', ['case_id'], unique=False)
    op.create_table('dunning_messages',
    sa.Column('message_id', sa.String(40), nullable=False),
    sa.Column('case_id', sa.String(40), nullable=False),
    sa.Column('customer_id', sa.String(100), nullable=False),
    sa.Column('step_key', sa.String(50), nullable=False),
    sa.Column('channel', sa.String(20), nullable=False),
    sa.Column('template', sa.String(50), nullable=False),
    sa.Column('language', sa.String(5), nullable=False),
    sa.Column('recipient', sa.String(254), nullable=False),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(500), nullable=True),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('message_id')
    )
    op.create_index(op.f('ix_dunning_messages_case_id'), 'dunning_messages', ['case_id'], unique=False)
    op.create_index(op.f('ix_dunning_messages_status'), 'dunning_messages', ['status'], unique=False)
    op.create_table('dunning_pending_facts',
    sa.Column('fact_key', sa.String(300), nullable=False),
    sa.Column('invoice_number', sa.String(100), nullable=False),
    sa.Column('topic', sa.String(100), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('fact_key')
    )
    op.create_index(op.f('ix_dunning_pending_facts_invoice_number'), 'dunning_pending_facts', ['invoice_number'], unique=False)
    op.create_table('dunning_plan_instalments',
    sa.Column('plan_id', sa.String(40), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('plan_id', 'seq')
    )
    op.create_table('dunning_plans',
    sa.Column('plan_id', sa.String(40), nullable=False),
    sa.Column('case_id', sa.String(40), nullable=False),
    sa.Column('customer_id', sa.String(100), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('paid_minor', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('parties', sa.String(500), nullable=False),
    sa.Column('cause', sa.String(500), nullable=False),
    sa.Column('interest_formula', sa.String(500), nullable=True),
    sa.Column('notarised', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(100), nullable=False),
    sa.PrimaryKeyConstraint('plan_id')
    )
    op.create_index(op.f('ix_dunning_plans_case_id'), 'dunning_plans', ['case_id'], unique=False)
    op.create_table('dunning_policies',
    sa.Column('name', sa.String(100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(500), nullable=False),
    sa.Column('grades', sa.String(200), nullable=False),
    sa.Column('segments', sa.String(1000), nullable=False),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(100), nullable=False),
    sa.PrimaryKeyConstraint('name', 'version')
    )
    op.create_table('dunning_policy_steps',
    sa.Column('policy_name', sa.String(100), nullable=False),
    sa.Column('policy_version', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('step_key', sa.String(50), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(30), nullable=False),
    sa.Column('performer', sa.String(20), nullable=False),
    sa.Column('template', sa.String(50), nullable=True),
    sa.Column('script_level', sa.Integer(), nullable=True),
    sa.Column('min_amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('day_established', sa.Integer(), nullable=True),
    sa.Column('optional', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('policy_name', 'policy_version', 'position')
    )
    op.create_table('dunning_promises',
    sa.Column('promise_id', sa.String(40), nullable=False),
    sa.Column('case_id', sa.String(40), nullable=False),
    sa.Column('customer_id', sa.String(100), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(3), nullable=False),
    sa.Column('promised_date', sa.Date(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('paid_minor', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('made_by', sa.String(100), nullable=False),
    sa.PrimaryKeyConstraint('promise_id')
    )
    op.create_index(op.f('ix_dunning_promises_case_id'), 'dunning_promises', ['case_id'], unique=False)
    op.create_table('dunning_scripts',
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('zh_cn', sa.Text(), nullable=False),
    sa.Column('en', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(100), nullable=False),
    sa.PrimaryKeyConstraint('level')
    )
    op.create_index("ix_dunning_messages_due", "dunning_messages", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_dunning_messages_due", "dunning_messages")
    op.drop_table('dunning_scripts')
    op.drop_table('dunning_promises')
    op.drop_table('dunning_policy_steps')
    op.drop_table('dunning_policies')
    op.drop_table('dunning_plans')
    op.drop_table('dunning_plan_instalments')
    op.drop_table('dunning_pending_facts')
    op.drop_table('dunning_messages')
    op.drop_table('dunning_legal_cases')
    op.drop_table('dunning_items')
    op.drop_table('dunning_delivery_attempts')
    op.drop_table('dunning_customers')
    op.drop_table('dunning_contacts')
    op.drop_table('dunning_contact_log')
    op.drop_table('dunning_cases')
    op.drop_table('dunning_applied_facts')
    op.drop_table('dunning_actions')
    op.create_table(  # the skeleton's tables, empty
        "overdue_items",
        sa.Column("invoice_number", sa.String(100), primary_key=True),
        sa.Column("instalment_seq", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False, index=True),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("threshold_days", sa.Integer, nullable=False),
        sa.Column("days_overdue", sa.Integer, nullable=False),
        sa.Column("open_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
    )
    op.create_table(
        "collection_cases",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("highest_threshold", sa.Integer, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("last_payment_on", sa.Date, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
