"""What several tests read back from a Dagster instance."""

from __future__ import annotations

from dagster import AssetCheckKey, AssetKey, DagsterInstance

from victoria_demand.defs.asset_keys import YEARLY_ASSETS

CHECKS = {
    "clean_demand": (
        "every_half_hour_once",
        "no_nulls",
        "physical_ranges",
        "suspect_readings",
        "suspect_readings_within_limits",
    ),
    "december_score": ("rmse_under_ceiling", "beats_seasonal_naive", "band_coverage"),
    "december_outlook": ("outlook_scored_to_date",),
    "champion_model": ("champion_alias_consistent",),
}
# the Melbourne years of the original file (data_set.py), which decide the partitions
ORIGINAL_YEARS = (2012, 2013, 2014)
PARTITIONED_ASSETS = tuple(key.to_user_string() for key in YEARLY_ASSETS)


def latest_check_results(instance: DagsterInstance, asset: str, check: str) -> dict[str, bool]:
    """The latest evaluation of one check, per partition."""
    key = AssetCheckKey(AssetKey(asset), check)
    history = instance.event_log_storage.get_asset_check_execution_history(key, limit=100)
    results: dict[str, bool] = {}
    for record in reversed(history):  # oldest first, so the latest wins
        evaluation = record.event.dagster_event.event_specific_data if record.event else None
        if evaluation is not None and hasattr(evaluation, "passed"):
            results[record.partition] = evaluation.passed
    return results


def all_checks_passed(instance: DagsterInstance, partitions: set[str]) -> dict[str, dict]:
    """Every check whose latest result is not 'passed' for every partition (empty when ok)."""
    failures = {}
    for asset, checks in CHECKS.items():
        for check in checks:
            results = latest_check_results(instance, asset, check)
            if results != dict.fromkeys(partitions, True):
                failures[f"{asset}:{check}"] = results
    return failures
