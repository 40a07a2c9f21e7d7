"""Dunning's rules, pure: policies (ladders and their validation), the ladder (which step an
item takes today, late starts, pauses), promises and repayment plans, the worklist's score
and the collectors' assignment, legal cases, severity."""
