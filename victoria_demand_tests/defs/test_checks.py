"""The checks as Dagster runs them: one step per asset, and any one check on its own."""

from dagster import AssetCheckKey, AssetKey

from victoria_demand.defs import build_definitions
from victoria_demand.defs.partitions import recorded_source_years
from victoria_demand.instance import embedded
from victoria_demand_tests.state import copy_home

BAND = AssetCheckKey(AssetKey("december_score"), "band_coverage")


def test_each_asset_is_checked_in_one_step_and_a_check_can_run_alone(
    first_run, tmp_path, monkeypatch
):
    home = copy_home(first_run[0], tmp_path / "home")
    monkeypatch.setenv("VICTORIA_DEMAND_HOME", str(home))
    instance = embedded.embedded_instance(home)
    job = build_definitions(recorded_source_years(instance)).resolve_implicit_global_asset_job_def()
    check_steps = {node.name for node in job.graph.nodes if node.name.endswith("_checks")}
    assert check_steps == {
        "clean_demand_checks",
        "december_score_checks",
        "december_outlook_checks",
        "champion_model_checks",
    }

    result = job.get_subset(asset_selection=set(), asset_check_selection={BAND}).execute_in_process(
        instance=instance, partition_key="2013"
    )

    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.asset_check_key == BAND and evaluation.passed
    assert round(evaluation.metadata["coverage_percent"].value, 1) == 80.2  # as stored for 2013
