"""Township indicators: the catalogue (data), periods, targets, figures and
the monthly report's workbook. No Qt and no store: the client evaluates the
catalogue over its tables, the server sums submitted snapshots."""
