"""Stale status as `make run` asks it: Dagster's own answer, in fewer queries."""

import pytest
from dagster import (
    AssetIn,
    DagsterInstance,
    DataVersion,
    Definitions,
    Output,
    asset,
    materialize,
)
from dagster._core.definitions.data_version import CachingStaleStatusResolver

from victoria_demand.cli.staleness import (
    StaleStatus,
    _BatchedStaleStatusResolver,
    _InstanceLoadingContext,
)
from victoria_demand.core.years import SourceYears
from victoria_demand.defs.partitions import year_partitions, years_up_to

YEARS = ("2012", "2013", "2014")
PARTITIONS = year_partitions(SourceYears(complete=(2012, 2013, 2014)))


def _graph(model_versions: dict[str, str]):
    """``model`` per year, and ``decision`` per year reading every year's model up to it,
    as the champion does."""

    @asset(partitions_def=PARTITIONS.december)
    def model(context) -> Output[str]:
        version = model_versions[context.partition_key]
        return Output(version, data_version=DataVersion(version))

    @asset(
        partitions_def=PARTITIONS.december,
        ins={"models": AssetIn("model", partition_mapping=years_up_to(PARTITIONS))},
    )
    def decision(models) -> str:  # Dagster's own IO manager: a dict, or one value for 2012
        return str(models)

    return [model, decision]


def _statuses(instance: DagsterInstance, assets, resolver_class) -> dict:
    graph = Definitions(assets=assets).resolve_asset_graph()
    resolver = resolver_class(instance, graph, _InstanceLoadingContext(instance))
    return {
        (key.to_user_string(), year): resolver.get_status(key, year)
        for key in graph.materializable_asset_keys
        for year in YEARS
    }


def _materialize(instance, assets, selection: str, year: str) -> None:
    assert materialize(assets, instance=instance, partition_key=year, selection=selection).success


@pytest.mark.parametrize(
    ("changed_year", "new_version", "stale"),
    [
        ("2013", "v2013-corrected", {"2013", "2014"}),  # the decisions that read it
        ("2013", "v2013", set()),  # materialized again, same data: nothing is stale
        ("2014", "v2014-corrected", {"2014"}),
    ],
)
def test_the_same_status_as_dagsters_own(tmp_path, changed_year, new_version, stale):
    versions = {year: f"v{year}" for year in YEARS}
    with DagsterInstance.ephemeral(tempdir=str(tmp_path)) as instance:
        assets = _graph(versions)
        for year in YEARS:
            _materialize(instance, assets, "model", year)
            _materialize(instance, assets, "decision", year)
        assert set(_statuses(instance, assets, _BatchedStaleStatusResolver).values()) == {
            StaleStatus.FRESH
        }

        versions[changed_year] = new_version
        _materialize(instance, assets, "model", changed_year)
        ours = _statuses(instance, assets, _BatchedStaleStatusResolver)
        assert ours == _statuses(instance, assets, CachingStaleStatusResolver)
        assert {
            year
            for (key, year), status in ours.items()
            if key == "decision" and status == StaleStatus.STALE
        } == stale
