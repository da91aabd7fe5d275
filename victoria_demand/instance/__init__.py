"""The embedded Dagster instance, and the uses of Dagster's private modules kept in one place:
the home and its empty-store cache (``embedded.py``), the event log storage, the run
coordinator, the recovery of abandoned runs and the partition-range run tags.
``docs/dagster-internals.md`` lists each: what it buys, and the test that fails when a
Dagster release changes it."""
