"""Names that are used where vulture cannot see it (`./dev test` runs vulture
over this file with the code; settings in pyproject.toml, [tool.vulture]).

An attribute access marks a name as used. Say why for each; delete the line
when the reason goes away.
"""

import sqlite3

import anyio
import openpyxl.cell
import psycopg
import uvicorn
from bench import ui as bench_ui
from tests.server import conftest as server_conftest
from tests.ui import test_workday as workday_tests

from jsxclient.transfer import xlsxrows
from jsxclient.ui import charts, list_model, login, printing
from jsxclient.ui.forms import editors, form
from jsxclient.ui.pages import list_page, organisation, records
from jsxcore import protocol
from jsxserver import main, models

# Qt calls these virtual overrides itself.
list_model.ListModel.canFetchMore
list_model.ListModel.fetchMore
list_model.ListModel.headerData
editors._PinyinCompleter.pathFromIndex
editors._PinyinCompleter.splitPath
login.IdleWatcher.eventFilter
charts.ChartView.paintEvent

# Looked up by name: pages by MainWindow (`records("members_page")`), the app
# factory by uvicorn ("jsxserver.main:app_from_env"), the bench's in-process
# run by a child interpreter, fixtures by `request.getfixturevalue` or
# `pytest.mark.usefixtures`.
records.members_page
records.families_page
records.activities_page
records.volunteers_page
records.SitesProjectsPage
main.app_from_env
bench_ui.in_process
server_conftest.pg_schema
workday_tests.styled

# Set on objects that read them: sqlite3 connections, uvicorn's server,
# openpyxl cells (test workbooks), anyio's thread limiter (JSXSERVER_THREADS).
sqlite3.Connection.isolation_level
uvicorn.Server.should_exit
anyio.CapacityLimiter.total_tokens
openpyxl.cell.Cell.number_format
xlsxrows.RowSheet.row_spans  # XlsxWriter's _write_rows reads the spans computed here

# Held only to keep the document alive as long as its preview dialog.
printing.QPrintPreviewDialog._doc

# Wire and table fields: read by pydantic, SQLAlchemy and the other side.
protocol.VersionInfo.server_version
protocol.VersionInfo.min_client_protocol
# Read from the page as a dict key (jsxclient.sync.pull: row.get("in_scope", True))
protocol.PulledRow.in_scope
protocol.PulledRowDict.in_scope
models.ChangeLog.received_at
models.ScopeExit  # table scope_exit, used through metadata.tables
models.ServerConflict  # table server_conflict, likewise
models.PushOpen  # table push_open, written by SQL in core/seqs.py
models.PushBatch  # table push_batch, written by SQL in services/push.py
models.LoginThrottle  # table login_throttle, likewise
# Kept for the administrator and investigations (who asked, from where).
models.Transfer.requested_device
models.ClientAudit.entry_device
models.ClientAudit.uploaded_by
models.TownshipKey.created_by
models.KeyEscrow.updated_by
models.EscrowRelease.released_at

form.RecordForm.confirm_box  # keeps the open question box alive until it is answered

# Page actions the main window's shortcuts call by name (MainWindow.page_action).
list_page.ListPage.focus_search
organisation.OrganisationPage.focus_search

# A driver setting psycopg reads: set around the push registration's one statement.
psycopg.Connection.autocommit
