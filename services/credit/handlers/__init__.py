"""Credit's service layer: one function = one unit of work (`async with uow:` ... `await
uow.commit()`); inside a consumer batch the commit joins the batch's transaction.

  files         the credit file (PUT), the customer view, history, visits
  grading       assessments and re-rating (scorecard → grade, with why)
  applications  the approval chain and what an approval changes
  holds         manual and automatic holds, blacklist
  checks        the credit check (sales hot path) and its override
  ledger        what the ledger's and dunning's events change
  jobs          the scheduled re-rating cycle and reservation expiry
"""
