"""The end-to-end sync scenarios again, with the server on PostgreSQL
(127.0.0.1:5432, database `test`, a private schema dropped afterwards)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from jsxserver.core import seqs
from jsxserver.core.config import Settings
from jsxserver.core.db import init_db, make_database
from jsxserver.services.divisions import import_divisions
from tests.e2e.harness import PG_ADMIN_URL, PG_URL, ServerProcess, pg_available
from tests.e2e.test_integrity import (  # noqa: F401
    test_county_reviewer_review_goes_through_and_other_edits_are_refused_alone,
    test_late_joining_device_leaves_every_synced_edit_in_place,
    test_older_client_pushing_a_derived_insert_changes_nothing,
    test_one_change_that_sinks_its_batch_is_refused_alone,
    test_persons_without_id_number_are_only_suggested,
    test_read_only_device_keeps_pulling_after_a_refused_edit,
    test_refused_edit_given_up_leaves_the_servers_delete,
    test_restore_then_sync_loses_nothing,
    test_same_person_entered_on_two_devices_ends_as_one_on_all_three,
    test_store_made_by_init_syncs_with_a_reading_account,
    test_store_of_an_older_release_does_not_revert_synced_edits,
)
from tests.e2e.test_malformed_reply import (
    loaded,  # noqa: F401
    test_bad_push_reply_changes_nothing,  # noqa: F401
)
from tests.e2e.test_sync_e2e import (  # noqa: F401
    test_edit_beats_delete_in_either_order,
    test_edits_of_different_fields_merge_both_ways,
    test_family_moves_to_another_township,
    test_first_sync_brings_the_township,
    test_refused_change_stays_with_its_reason_then_fix_and_resend,
    test_same_field_conflict_newest_wins_and_can_be_flipped,
)
from tests.sync.test_convergence import (  # noqa: F401
    fleet,
    test_devices_converge_under_faults,
    workdir,
)
from tests.sync.test_push_resume import test_interrupted_push_resends_the_same_batch  # noqa: F401

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    reason = pg_available()
    if reason:
        pytest.skip(reason)
    import psycopg

    schema = f"jsxsync_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"
    try:
        db = make_database(Settings(database_url=url))
        init_db(db)
        with seqs.write_session(db) as session:
            import_divisions(session)
        db.dispose()
        d: Path = tmp_path_factory.mktemp("pg-server")
        srv = ServerProcess(url, d / "server.log").start()
        yield srv
        srv.stop()
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
