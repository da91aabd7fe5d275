"""``python -m victoria_demand run`` and ``ingest``: observe the source, then plan, execute
and report until nothing is left to run.

The plan is the daemon's own decision (``plan.py``); executing it, this process makes what
one evaluation requests in as few runs as Dagster allows: the changed years' source rows in
one run over their range, then each year in order in one run from its first requested asset
to the end of its chain (what follows an asset the run makes reads it, so the next
evaluation would request it too). A year whose downstream assets exist is cleaned alone
first: its rows decide whether they are outdated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dagster import AssetKey

from victoria_demand import settings
from victoria_demand.cli.pipeline import RUN_LABEL_TAG, Pipeline, RunOutcome, run_label
from victoria_demand.cli.plan import Plan, plan, save_cursor, saved_cursor
from victoria_demand.core.errors import DemandDataError
from victoria_demand.defs.asset_keys import (
    CHAMPION_MODEL,
    CLEAN_DEMAND,
    DECEMBER_FORECAST,
    DECEMBER_SCORE,
    RAW_DEMAND,
    TRAINING_DEMAND,
    YEARLY_ASSETS,
)
from victoria_demand.instance.abandoned_runs import recover_abandoned_runs

# Their data version is the hash of their rows: a re-made year whose rows did not change
# leaves what follows it up to date.
ROWS_DECIDE = (CLEAN_DEMAND, TRAINING_DEMAND)
# What a year's run makes only once its whole December is in the data.
DECEMBER_ONLY = (DECEMBER_SCORE, CHAMPION_MODEL, DECEMBER_FORECAST)
# An evaluation after each wave of runs; a year's chain settles within as many waves as it
# has steps, so more would mean the plan never settles, which is a bug to report.
MAX_WAVES = len(YEARLY_ASSETS) + 2


@dataclass
class Session:
    """What one command did: its runs, and the years it ran something for."""

    pipeline: Pipeline
    outcomes: list[RunOutcome] = field(default_factory=list)
    labels_by_year: dict[str, list[str]] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return all(outcome.success for outcome in self.outcomes)

    def succeeded_for(self, year: str) -> bool:
        labels = set(self.labels_by_year.get(year, []))
        return all(outcome.success for outcome in self.outcomes if outcome.label in labels)

    def execute(self, label: str, selection, partition: str | None = None, **kwargs) -> bool:
        outcome = self.pipeline.execute(label, selection, partition, **kwargs)
        self.outcomes.append(outcome)
        if partition is not None:
            self.labels_by_year.setdefault(partition, []).append(label)
        return outcome.success


def _observe_source(pipeline: Pipeline) -> None:
    """Observe the source as the daemon's sensor does, if it is not the file observed last:
    a data version per year (the hash of its rows), and the years it holds."""
    from dagster import build_resources

    from victoria_demand.defs.source_observation import (
        observed_sha256,
        observed_versions,
        source_observations,
    )
    from victoria_demand.resources import demand_source

    with build_resources(
        {"demand_source": demand_source(settings.home())}, instance=pipeline.instance
    ) as resources:
        source = resources.demand_source.fetch()
    if observed_sha256(pipeline.instance) == source.sha256 and pipeline.source_years.years:
        return
    for observation in source_observations(source, observed_versions(pipeline.instance)):
        pipeline.instance.report_runless_asset_event(observation)
    pipeline.reload_years()


def _contiguous(years: Sequence[int]) -> list[tuple[int, int]]:
    """[2012, 2013, 2015] -> [(2012, 2013), (2015, 2015)]: a run covers one range."""
    ranges: list[tuple[int, int]] = []
    for year in years:
        if ranges and ranges[-1][1] == year - 1:
            ranges[-1] = (ranges[-1][0], year)
        else:
            ranges.append((year, year))
    return ranges


def _start() -> tuple[Session, object]:
    """Recover abandoned runs, observe the source: the session (failed if the source could
    not be read) and the cursor to plan from. A home with no saved cursor (made by an
    earlier release, or only ever run by the daemon) gets a baseline taken before the
    observation, if it is up to date: the condition then sees what the observation changes."""
    pipeline = Pipeline()
    session = Session(pipeline)
    for run in recover_abandoned_runs(pipeline.instance):
        label = run.tags.get(RUN_LABEL_TAG) or run_label(
            run.job_name, run.tags.get("dagster/partition")
        )
        print(f"{label:<15} left unfinished by a killed process: marked failed", flush=True)
    cursor = saved_cursor(pipeline.instance)
    if cursor is None and pipeline.source_years.years:
        baseline = plan(pipeline.instance, pipeline.defs, None)
        cursor = None if baseline else baseline.cursor
    try:
        _observe_source(pipeline)
    except DemandDataError as error:
        print(f"{'ingest':<15} FAILED: the source could not be read")
        print(f"  demand_source_file: {error}")
        session.outcomes.append(RunOutcome("ingest", False, 0.0))
    return session, cursor


def _everything(pipeline: Pipeline) -> Plan:
    """``--force``: every partition of every asset, whatever the condition says."""
    graph = pipeline.defs.resolve_asset_graph()
    return Plan(
        requested={
            key: frozenset(graph.get(key).partitions_def.get_partition_keys())
            for key in (RAW_DEMAND, *YEARLY_ASSETS)
        },
        forced=True,
    )


def _ingest(session: Session, current: Plan, *, first_wave: bool) -> None:
    years = sorted(int(year) for year in current.of(RAW_DEMAND))
    if not years:
        if first_wave:
            print(f"{'ingest':<15} up to date: the source's years are the ones ingested")
        return
    for first, last in _contiguous(years):
        session.execute("ingest", [RAW_DEMAND], partition_range=(str(first), str(last)))


def _runs_of_year(session: Session, current: Plan, year: str) -> list[list[AssetKey]]:
    """The runs that make ``year``'s part of the plan, in chain order: what it requests and
    what follows it in the year's chain (which reads it, so the next evaluation would
    request it too), except past a table whose rows decide (``ROWS_DECIDE``) while what
    follows it exists: the new rows decide on the next evaluation whether it is outdated,
    unless forced. One run per stretch of assets on the same partition set: Dagster runs a
    selection for one partition only if its assets share it (the year's December assets
    do not while the data ends in a partial year)."""
    pipeline = session.pipeline
    graph = pipeline.defs.resolve_asset_graph()
    chain = [key for key in YEARLY_ASSETS if graph.get(key).partitions_def.has_partition_key(year)]
    # rows ingested in this wave are cleaned in it (the next evaluation would ask), so that
    # nothing requested after them is made from the rows before
    reingested = year in current.of(RAW_DEMAND)
    selected: list[AssetKey] = []
    for key in chain:
        parents = graph.get(key).parent_keys
        follows = any(
            parent in selected and not _gate(pipeline, current, parent, year) for parent in parents
        )
        requested = year in current.of(key) or (key == CLEAN_DEMAND and reingested)
        if requested or follows:
            selected.append(key)
    runs: list[list[AssetKey]] = []
    for key in selected:
        if runs and graph.get(runs[-1][-1]).partitions_def == graph.get(key).partitions_def:
            runs[-1].append(key)
        else:
            runs.append([key])
    return runs


def _gate(pipeline: Pipeline, current: Plan, key: AssetKey, year: str) -> bool:
    """Whether a run stops after ``key``: its rows decide, and what follows it exists."""
    if key not in ROWS_DECIDE or current.forced:
        return False
    graph = pipeline.defs.resolve_asset_graph()
    return any(
        year in pipeline.instance.get_materialized_partitions(child)
        for child in graph.get(key).child_keys
        if child in YEARLY_ASSETS
    )


def _execute_years(session: Session, current: Plan, years: Sequence[str]) -> None:
    for year in years:
        for selection in _runs_of_year(session, current, year):
            if not session.execute(run_label(_job_name(selection), year), selection, year):
                break


def _job_name(selection: list[AssetKey]) -> str:
    """A run's name on the console: what the furthest of its assets is for."""
    if selection == [CLEAN_DEMAND]:
        return "clean"
    return "december" if any(key in DECEMBER_ONLY for key in selection) else "outlook"


def _report_quiet_years(session: Session, last: Plan, years: Sequence[str]) -> None:
    """A line for each year this command ran nothing for, or only its cleaning."""
    december_years = {str(year) for year in session.pipeline.source_years.december_years}
    for year in years:
        held = last.held_back_of(YEARLY_ASSETS, year)
        if held:
            names = ", ".join(key.to_user_string() for key in held)
            label = run_label("december", year)
            print(
                f"{label:<15} HELD BACK: {names} waits for a failed blocking check of its "
                "inputs (fix the cause, or --force)",
                flush=True,
            )
            session.outcomes.append(RunOutcome(label, False, 0.0))
        elif year not in session.labels_by_year:
            print(f"{year:<15} up to date", flush=True)
        elif (
            session.labels_by_year[year] == [run_label("clean", year)]
            and year in december_years
            and session.succeeded_for(year)
        ):
            print(f"{year:<15} rows unchanged: model, champion, forecast up to date", flush=True)


def run_everything(years: list[int] | None = None, *, force: bool = False) -> list[RunOutcome]:
    session, cursor = _start()
    if not session.succeeded:
        return session.outcomes
    pipeline = session.pipeline
    unknown = sorted(set(years or []) - set(pipeline.source_years.years))
    if unknown:
        print(f"no such year {unknown}: the source holds {list(pipeline.source_years.years)}")
        return [RunOutcome("years", False, 0.0)]
    chosen = [str(year) for year in (years or pipeline.source_years.years)]
    current = _everything(pipeline) if force else plan(pipeline.instance, pipeline.defs, cursor)
    for wave in range(MAX_WAVES):
        _ingest(session, current, first_wave=wave == 0)
        if session.succeeded:
            _execute_years(session, current, chosen)
        if not session.succeeded:
            break
        following = plan(pipeline.instance, pipeline.defs, current.cursor)
        # what is left is for other years (with --year), or held back: done
        if not any(following.keys_of((RAW_DEMAND, *YEARLY_ASSETS), year) for year in chosen):
            if not years and not following:
                save_cursor(pipeline.instance, following)
            current = following
            break
        current = following
    else:
        raise RuntimeError(f"the plan did not settle in {MAX_WAVES} waves: {current.requested}")
    _report_quiet_years(session, current, chosen)
    note = pipeline.source_years.partial_note()
    if note:
        print(note)
    return session.outcomes


def ingest() -> list[RunOutcome]:
    """What ``make dev`` does first: observe the source and ingest the years it requests,
    so the UI shows them. The rest is left to the daemon (or the next ``run``): no cursor is
    saved, so nothing requested here is taken for done."""
    session, cursor = _start()
    if session.succeeded:
        pipeline = session.pipeline
        _ingest(session, plan(pipeline.instance, pipeline.defs, cursor), first_wave=True)
    return session.outcomes
