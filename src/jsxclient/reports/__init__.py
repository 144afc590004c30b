"""Reports upward: the indicator catalogue of `jsxcore.indicators` evaluated
over the store (`evaluate`), the monthly report's files (`files`) and its
submission to the county as a synced record (`submit`). No Qt: the PDF is
drawn by `jsxclient.ui.reportpdf`, which the CLI imports only when asked."""
