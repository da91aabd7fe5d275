"""What Dagster loads (`dagster dev -m victoria_demand.definitions`, the code server, every
run worker): the definitions for the years the ingested data holds."""

from victoria_demand.code_location import build_definitions
from victoria_demand.partitions import current_source_years

defs = build_definitions(current_source_years())
