"""The runs the product is made of: ingest the source, then one run per year.

A year's run spans two partition sets (``clean_demand`` has the trailing partial year, the
December assets do not), which one asset job cannot hold; it runs as a selection of the
implicit asset job, as the UI's "Materialize" does.
"""

from __future__ import annotations

from dagster import AssetSelection, Field, define_asset_job, multi_or_in_process_executor

from victoria_demand.defs.asset_keys import RAW_DEMAND

INGEST_JOB = "ingest"

ingest_job = define_asset_job(
    INGEST_JOB,
    selection=AssetSelection.assets(RAW_DEMAND),
    description=(
        "Fetch and validate the CSV and store the chosen years' rows (launched over a range of "
        "years, one run ingests them all)."
    ),
)

# Every run executes its steps in its own process unless its config asks for `multiprocess`
# (Dagster's default is the reverse). The steps take a second or two each; a process per
# step spent most of a run importing Dagster, MLflow, scikit-learn and pandas again, ten
# times for one year. Concurrency pools (champion_promotion) hold in process too; the stack
# keeps its container per run.
run_executor = multi_or_in_process_executor.configured(
    lambda config: config,
    name="in_process_unless_configured",
    config_schema=Field(
        multi_or_in_process_executor.config_schema.config_type,
        default_value={"in_process": {}},
    ),
)
