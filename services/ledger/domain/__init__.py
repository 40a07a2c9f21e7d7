"""The ledger's pure business rules (应收账款台账): no database, no I/O, no web framework.

One job per module; every amount is a `shared.money.Money`, every date a business
`datetime.date`. Rule violations raise `RuleError` subclasses that carry the
offending `field` and the `rule` so the HTTP layer can render a 422 problem+json.

- terms:            payment terms (NET/EOM/SHIP) -> due date
- instalments:      instalment schedules and down-payment schedules
- allocation:       payment allocation, unapplied cash, disputed amounts
- aging:            days overdue, aging buckets, dunning severity tiers
- receivable_class: 未收款/催收款/准呆账/呆账/死账 classification
- sweep:            the aging clock's threshold-crossing rule (fast batch form)
- late_fees:        late fee / interest, segment by segment over payments
- movements:        ledger movement kinds, signs and documents
- balance:          balance identity and as-of computations over movements
- statement:        statement of account lines and CSV rendering
- disputes:         disputes, fact-finding due date, state machine, outcomes
- write_offs:       write-off requests, second-person approval, recoveries
"""
