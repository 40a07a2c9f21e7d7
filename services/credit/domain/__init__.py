"""Pure credit rules of the credit service: no database, no I/O, no web framework.

Modules, each with one job:
  scorecard      criteria and weights (100 points), defaults inferred from seed 002 §7
  subscores      repayment and purchases sub-scores from the customer's own history
  grade_scale    grade levels, floors, caps (A–E default; A–D and A/B/C shipped)
  red_flags      002 §8 flags forcing the worst grade, with the own-fault exception
  credit_file    the customer's credit file and document completeness
  grading        scorecard → grade with a structured explanation
  limits         suggested limit and term per grade, its basis, what goes beyond the policy
  approvals      applications, the approval chain per kind, the audit trail
  receivables    open items (one per open instalment) and overdue summaries
  projection     the receivable projection from the ledger's facts, per instalment
  profile        the customer's master data as published (customer-profile-changed)
  exposure       exposure and order reservations
  holds          manual / overdue / blacklist holds
  check          the credit check and its override
  rerating       yearly re-rating and visit lists
  roles, errors  role names, the actor, typed errors
"""
