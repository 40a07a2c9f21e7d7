"""Reporting's rules, pure: no database, HTTP or Kafka.

- `timeline`: an invoice's facts → the spans of each instalment's open amount and due date
  (what was open on any date);
- `aging`: buckets, their labels and the split of disputed amounts;
- `kpis`: DSO (standard, countback, best possible), ADD, turnover, overdue ratio, CEI,
  collection rate, RAG flags;
- `provision`: flat, matrix and expected-credit-loss provisions, coverage, adequacy;
- `behaviour`: payment behaviour and the warning signals;
- `activity`: the daily totals (credit sales, cash)."""
