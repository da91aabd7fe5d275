"""The source observed year by year, by the CLI and by the `demand_source_changes` sensor:
a data version per year, recorded only for the years whose rows changed (and the last)."""

from pathlib import Path

import pytest
from dagster import DagsterInstance, SensorResult, build_sensor_context

from victoria_demand.core.cleaning import year_versions
from victoria_demand.defs.automation import demand_source_changes
from victoria_demand.defs.partitions import recorded_source_years
from victoria_demand.defs.source_observation import (
    DATA_VERSION_TAG,
    observed_sha256,
    observed_versions,
    source_observations,
)
from victoria_demand.resources.demand_source import DemandSource
from victoria_demand_tests.synthetic_source import extended_source


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as ephemeral:
        yield ephemeral


def _evaluate(instance: DagsterInstance, source: Path, cursor: str | None, tmp_path: Path):
    context = build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"demand_source": DemandSource(location=str(source), cache_dir=str(tmp_path))},
    )
    result = demand_source_changes(context)
    if isinstance(result, SensorResult):
        for event in result.asset_events:  # as the daemon does
            instance.report_runless_asset_event(event)
    return result


def test_a_version_per_year_and_the_years_recorded(original_csv, raw_demand_frame, tmp_path):
    source = DemandSource(location=str(original_csv), cache_dir=str(tmp_path)).fetch()
    observations = source_observations(source)
    expected = year_versions(raw_demand_frame, (2012, 2013, 2014))
    assert {o.partition: o.tags[DATA_VERSION_TAG] for o in observations} == {
        str(year): version for year, version in expected.items()
    }
    # nothing changed: the last year alone, which carries the file and its years
    again = source_observations(
        source, {o.partition: o.tags[DATA_VERSION_TAG] for o in observations}
    )
    assert [o.partition for o in again] == ["2014"]
    assert again[0].metadata["sha256"].value == source.sha256


def test_the_sensor_records_only_what_changed(instance, original_csv, tmp_path):
    source = tmp_path / "source.csv"
    source.write_bytes(original_csv.read_bytes())
    first = _evaluate(instance, source, None, tmp_path)
    assert [event.partition for event in first.asset_events] == ["2012", "2013", "2014"]
    assert recorded_source_years(instance).years == (2012, 2013, 2014)
    before = observed_versions(instance)

    unchanged = _evaluate(instance, source, first.cursor, tmp_path)
    assert not isinstance(unchanged, SensorResult) or not unchanged.asset_events

    extended_source(original_csv, 2015, through_month=7).to_csv(source, index=False)
    longer = _evaluate(instance, source, first.cursor, tmp_path)
    assert [event.partition for event in longer.asset_events] == ["2015"]
    after = observed_versions(instance)
    assert {year: after[year] for year in before} == before  # the older years' versions
    assert recorded_source_years(instance).partial_note() == (
        "2015: data ends 2015-07-31; no December yet"
    )
    assert observed_sha256(instance) == longer.cursor


def test_a_broken_source_records_nothing_and_is_not_read_again(instance, original_lines, tmp_path):
    source = tmp_path / "source.csv"
    source.write_text("\n".join([*original_lines[:6], "oops", *original_lines[7:]]) + "\n")
    result = _evaluate(instance, source, None, tmp_path)
    assert not result.asset_events
    assert "line 7" in result.skip_reason.skip_message
    assert result.cursor  # the broken file's sha256: parsed once, not on every tick
    assert observed_versions(instance) == {}


def test_observing_from_dagster_records_the_same(instance, original_csv, tmp_path):
    """What the UI's Observe runs: the source asset's own observation function."""
    from dagster import Definitions

    from victoria_demand.core.years import SourceYears
    from victoria_demand.defs.asset_keys import SOURCE_FILE
    from victoria_demand.defs.assets.ingest import ingest_assets
    from victoria_demand.defs.partitions import year_partitions

    source_asset = ingest_assets(year_partitions(SourceYears(complete=(2012, 2013, 2014))))[0]
    demand_source = DemandSource(location=str(original_csv), cache_dir=str(tmp_path))
    defs = Definitions(assets=[source_asset], resources={"demand_source": demand_source})
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=instance, asset_selection=[SOURCE_FILE]
    )
    assert result.success
    source = demand_source.fetch()
    assert observed_versions(instance) == {
        observation.partition: observation.tags[DATA_VERSION_TAG]
        for observation in source_observations(source)
    }
    assert observed_sha256(instance) == source.sha256
