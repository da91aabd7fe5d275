"""What Dagster loads (`dagster dev -m victoria_demand.definitions`, the code server, every
run worker): the definitions for the years the ingested data holds."""

import gc

from victoria_demand.defs import build_definitions
from victoria_demand.defs.partitions import current_source_years

defs = build_definitions(current_source_years())

# A process loads this module once and keeps what it holds until it ends, with Dagster,
# MLflow and pandas: none of it is garbage Python's full collections could find, and
# without this freeze the interpreter's teardown alone took 1.7 s of every
# `dagster asset materialize` (and of every run the daemon launches, after its timer).
gc.freeze()
