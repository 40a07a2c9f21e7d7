"""Credit's service layer: one function = one unit of work (`async with uow:` ... `await
uow.commit()`); inside a consumer batch the commit joins the batch's transaction. Every
handler is `(deps, uow, ctx, ...)`; the reads of GET routes are in `services/credit/views.py`.

  files         the credit file (PUT) and visits
  profile       customer-profile-changed, whenever what it shows changes
  grading       assessments and re-rating (scorecard → grade, with why)
  applications  the approval chain and what an approval changes
  holds         manual and automatic holds, blacklist
  checks        the credit check (sales hot path) and its override
  ledger        what the ledger's facts change (the receivable projection per instalment)
  promises      dunning's broken promises to pay
  jobs          the scheduled re-rating cycle and reservation expiry
"""
