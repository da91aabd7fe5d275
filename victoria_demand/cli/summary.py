"""The per-year summary printed after a run: read back from what Dagster and MLflow hold."""

from __future__ import annotations

from dagster import (
    AssetCheckKey,
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    build_resources,
)

from victoria_demand import settings
from victoria_demand.defs.asset_keys import (
    CHAMPION_MODEL,
    CLEAN_DEMAND,
    DECEMBER_FORECAST,
    DECEMBER_OUTLOOK,
    DECEMBER_SCORE,
)
from victoria_demand.defs.partitions import latest_records_by_partition, recorded_source_years
from victoria_demand.resources import resources_for


def _latest_metadata(instance: DagsterInstance, asset: AssetKey) -> dict[int, dict]:
    """The metadata of each year's latest materialization of ``asset``."""
    records = latest_records_by_partition(instance, asset, DagsterEventType.ASSET_MATERIALIZATION)
    return {
        int(year): {
            key: value.value for key, value in record.asset_materialization.metadata.items()
        }
        for year, record in records.items()
    }


def print_summary(instance: DagsterInstance) -> int:
    """Print the table; returns 0 when every year has a model, a champion and a forecast."""
    # initialized as Dagster would, so that settings read from the environment resolve
    with build_resources(
        {
            "mlflow_registry": resources_for(settings.environment(), settings.home())[
                "mlflow_registry"
            ]
        },
        instance=instance,  # rather than a throwaway in-memory one
    ) as resources:
        registry = resources.mlflow_registry
        alias_version = registry.champion_version()
    header = (
        f"{'year':<6}{'RMSE MW':>9}{'MAE MW':>9}{'MAPE %':>8}"
        f"{'naive RMSE':>12}{'naive MAPE %':>14}{'version':>9}{'champion':>10}{'forecast rows':>15}"
    )
    print(header)
    print("-" * len(header))
    mapes, complete, models = [], True, {}
    source_years = recorded_source_years(instance)
    models_by_year = _latest_metadata(instance, DECEMBER_SCORE)
    champions_by_year = _latest_metadata(instance, CHAMPION_MODEL)
    forecasts_by_year = _latest_metadata(instance, DECEMBER_FORECAST)
    for year in source_years.december_years:
        model = models[year] = models_by_year.get(year, {})
        champion = champions_by_year.get(year, {})
        forecast = forecasts_by_year.get(year, {})
        if not model:
            print(f"{year:<6}  (no December model)")
            complete = False
            continue
        mapes.append(model["mape_percent"])
        winner = champion.get("winner_version", "-")
        marker = "*" if winner == alias_version else ""
        print(
            f"{year:<6}{model['rmse_mw']:>9.1f}{model['mae_mw']:>9.1f}{model['mape_percent']:>8.2f}"
            f"{model['seasonal_naive_rmse_mw']:>12.1f}{model['seasonal_naive_mape_percent']:>14.2f}"
            f"{model['model_version']:>9}{winner + marker:>10}{forecast.get('rows', 0):>15}"
        )
        complete = complete and bool(champion) and bool(forecast)
    note = source_years.partial_note()
    if note:
        print(note)
    _print_suspect_readings(instance, source_years.years)
    if not source_years.years:
        print("(no source ingested yet)")
        complete = False
    if mapes:
        print(f"\naverage December MAPE: {sum(mapes) / len(mapes):.2f} %")
        _print_bands_and_peaks(models)
    outlooks = _latest_metadata(instance, DECEMBER_OUTLOOK)
    _print_outlooks(outlooks)
    complete = complete and all(year in outlooks for year in source_years.outlook_years)
    print(
        f"'champion' alias of {registry.registered_model_name!r}: "
        f"version {alias_version or 'unset'} (* above)"
    )
    return 0 if complete else 1


def _print_bands_and_peaks(models: dict[int, dict]) -> None:
    """Each December's 80% band and peak, for the models that recorded them."""
    banded = {year: model for year, model in models.items() if "band_coverage_percent" in model}
    if not banded:
        return
    header = (
        f"\n{'year':<6}{'in 80% band %':>15}{'band width MW':>15}"
        f"{'peak 50% POE MW':>17}{'peak 10% POE MW':>17}{'actual peak MW':>16}"
    )
    print(header)
    print("-" * (len(header) - 1))
    for year, model in banded.items():
        print(
            f"{year:<6}{model['band_coverage_percent']:>15.1f}{model['band_mean_width_mw']:>15.0f}"
            f"{model['peak_poe50_mw']:>17.0f}{model['peak_poe10_mw']:>17.0f}"
            f"{model['peak_actual_mw']:>16.0f}"
        )


def _print_outlooks(outlooks: dict[int, dict]) -> None:
    """Each year's outlook, issued on 30 November, against the December seen so far."""
    if not outlooks:
        return
    print("\nDecember outlook, issued 30 November from January-November alone:")
    header = (
        f"{'year':<6}{'issued':<12}{'P50 MAPE %':<30}{'in 80% band %':>13}"
        f"{'peak 50% POE MW':>17}{'peak 10% POE MW':>17}{'actual peak MW':>16}"
    )
    print(header)
    print("-" * len(header))
    for year, outlook in sorted(outlooks.items()):
        days = outlook["days_observed"]
        lead = f"{year:<6}{f'{year}-11-30':<12}"
        poes = f"{outlook['peak_poe50_mw']:>17.0f}{outlook['peak_poe10_mw']:>17.0f}"
        if not days:
            print(f"{lead}{'December not in the data yet':<30}{'-':>13}{poes}{'-':>16}")
            continue
        mape = f"{outlook['p50_mape_percent']:.2f}"
        if days < 31:
            mape += f" (to date: {days} days)"
        print(
            f"{lead}{mape:<30}{outlook['band_coverage_percent']:>13.1f}{poes}"
            f"{outlook['actual_peak_mw']:>16.0f}"
        )


def _latest_check_metadata(instance: DagsterInstance, key: AssetCheckKey) -> dict[str, dict]:
    """Each partition's latest evaluation of a check: its metadata and ``passed``."""
    history = instance.event_log_storage.get_asset_check_execution_history(key, limit=1000)
    latest: dict[str, dict] = {}
    for record in history:  # newest first
        evaluation = record.event.dagster_event.event_specific_data if record.event else None
        if record.partition not in latest and hasattr(evaluation, "metadata"):
            latest[record.partition] = {
                **{name: value.value for name, value in evaluation.metadata.items()},
                "passed": evaluation.passed,
            }
    return latest


def _print_suspect_readings(instance: DagsterInstance, years: tuple[int, ...]) -> None:
    """A line for each year whose clean rows hold suspect readings, naming each stretch (as
    the year's latest ``suspect_readings`` check recorded them)."""
    found = _latest_check_metadata(instance, AssetCheckKey(CLEAN_DEMAND, "suspect_readings"))
    limits = _latest_check_metadata(
        instance, AssetCheckKey(CLEAN_DEMAND, "suspect_readings_within_limits")
    )
    for year in years:
        suspect = found.get(str(year), {})
        if not suspect.get("suspect_half_hours"):
            continue
        # the check's Markdown list, an item a stretch
        stretches = "; ".join(
            line.removeprefix("- ") for line in suspect["suspect_stretches"].splitlines()
        )
        held = not limits.get(str(year), {}).get("passed", True)
        print(
            f"{year}: {suspect['suspect_half_hours']} suspect half-hours "
            + ("(over the limit: the year is held back)" if held else "left out")
            + f": {stretches}"
        )
