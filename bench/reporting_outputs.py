"""Reporting's files: an aging table of N customers (a text key, six money buckets,
disputed, total) rendered as CSV and as XLSX by services/reporting/outputs, against bare
baselines in the same run on the same rows: the stdlib csv writer on ready-made strings,
and openpyxl's write-only mode appending raw values with no formats. Also the peak memory
(tracemalloc) of the XLSX render, which streams rows. Pure CPU: no broker or database.
Targets (ours): CSV ≤ 3× its baseline, XLSX ≤ 2× its baseline, 100,000 rows of XLSX < 30 s.

    python -m bench.reporting_outputs [--rows 100000]
"""
from __future__ import annotations

import argparse
import csv
import io
import tracemalloc
from decimal import Decimal

from openpyxl import Workbook

from bench.common import Timer, report, verdict
from services.reporting.outputs.csv import to_csv
from services.reporting.outputs.tables import Column, Table
from services.reporting.outputs.xlsx import to_xlsx

BUCKETS = ["current", "1-30", "31-60", "61-90", "91-180", "181+"]


def aging_table(count: int) -> Table:
    columns = [Column("key", "Customer", "客户", "text")] + [Column(b, b, b, "money") for b in BUCKETS] + [
        Column("disputed", "Disputed", "争议金额", "money"), Column("total", "Total", "合计", "money")]
    rows = []
    for n in range(count):
        amounts = [Decimal((n * 7919 + i * 104729) % 10_000_000).scaleb(-2) for i in range(len(BUCKETS))]
        disputed = Decimal(n % 5000).scaleb(-2)
        rows.append((f"客户-{n:07d}", *amounts, disputed, sum(amounts, disputed)))
    return Table("aging", "Aging", "账龄分析", columns, rows, currency="CNY")


def baseline_csv(table: Table) -> bytes:
    text = [[str(v) for v in row] for row in table.rows]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.key for c in table.columns])
    writer.writerows(text)
    return out.getvalue().encode()


def baseline_xlsx(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("aging")
    sheet.append([c.key for c in table.columns])
    for row in table.rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    table = aging_table(args.rows)
    with Timer() as ours_csv:
        csv_bytes = to_csv(table, "zh-CN")
    with Timer() as base_csv:
        baseline_csv(table)
    with Timer() as ours_xlsx:
        xlsx_bytes = to_xlsx([table], "zh-CN")
    with Timer() as base_xlsx:
        baseline_xlsx(table)
    tracemalloc.start()
    to_xlsx([table], "zh-CN")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    csv_ratio, xlsx_ratio = ours_csv.seconds / base_csv.seconds, ours_xlsx.seconds / base_xlsx.seconds
    report(f"reporting outputs: aging of {args.rows:,} customers", [
        ("CSV (ours)", f"{ours_csv.seconds:.2f} s, {len(csv_bytes) / 1e6:.1f} MB"),
        ("CSV baseline (stdlib csv, str values)", f"{base_csv.seconds:.2f} s"),
        ("CSV ratio", f"{csv_ratio:.2f}x ({verdict(csv_ratio, 3, higher_is_better=False)} ≤ 3x)"),
        ("XLSX (ours: formats, widths, frozen header)", f"{ours_xlsx.seconds:.2f} s, {len(xlsx_bytes) / 1e6:.1f} MB"),
        ("XLSX baseline (write-only, raw values)", f"{base_xlsx.seconds:.2f} s"),
        ("XLSX ratio", f"{xlsx_ratio:.2f}x ({verdict(xlsx_ratio, 2, higher_is_better=False)} ≤ 2x)"),
        ("XLSX time", f"{ours_xlsx.seconds:.2f} s ({verdict(ours_xlsx.seconds, 30, higher_is_better=False)} < 30 s "
                      "at 100,000 rows)"),
        ("XLSX render peak memory (tracemalloc)", f"{peak / 1e6:.0f} MB"),
    ])


if __name__ == "__main__":
    main()
