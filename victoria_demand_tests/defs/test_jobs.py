"""The ingest job and the executor every run uses."""

from __future__ import annotations

from victoria_demand.core.years import SourceYears
from victoria_demand.defs import build_definitions
from victoria_demand.defs.asset_keys import RAW_DEMAND
from victoria_demand.defs.jobs import INGEST_JOB, run_executor

DEFS = build_definitions(SourceYears(complete=(2012, 2013, 2014)))


def test_the_ingest_job_makes_the_raw_rows_alone():
    job = DEFS.resolve_job_def(INGEST_JOB)
    assert job.asset_layer.selected_asset_keys == {RAW_DEMAND}


def test_runs_execute_in_process_unless_their_config_asks_otherwise():
    default = run_executor.config_schema.config_type.fields
    assert run_executor.name == "in_process_unless_configured"
    # the whole config is optional and defaults to the in-process executor
    assert not run_executor.config_schema.is_required
    assert run_executor.config_schema.default_value == {"in_process": {}}
    assert {"in_process", "multiprocess"} <= set(default)
