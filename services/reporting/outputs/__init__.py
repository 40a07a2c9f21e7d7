"""Reporting's outputs: a report as a language-neutral table, and its files (CSV, XLSX),
charts (SVG) and dashboard (HTML).

Pure: no database, HTTP or Kafka. The endpoints turn a view into `Table`s or `DashboardData`
and hand them here.
"""
