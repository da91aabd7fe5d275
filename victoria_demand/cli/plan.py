"""What needs running, decided as the daemon decides it: the automation condition every asset
carries (``defs/automation.py``), evaluated by Dagster's own ``evaluate_automation_conditions``.

The condition is edge-triggered (newly missing, an input's data version changed, the code
version changed since the last evaluation), so the CLI resumes from the cursor of its last
evaluation, kept in the instance's key-value store beside the daemon's own. A cursor is
saved only when everything it asked for ran (:func:`save_cursor`): after a failure the next
start evaluates from the last complete one, and what failed is asked for again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dagster import (
    AssetKey,
    AutomationResult,
    DagsterInstance,
    Definitions,
    deserialize_value,
    evaluate_automation_conditions,
    serialize_value,
)

from victoria_demand.defs.automation import READY_LABEL

CURSOR_KEY = "victoria_demand/cli_automation_cursor"


@dataclass(frozen=True)
class Plan:
    """One evaluation: the partitions it requests of each asset, those it would request but
    for a failed blocking check upstream, and the cursor to resume from once they ran."""

    requested: Mapping[AssetKey, frozenset[str]]
    held_back: Mapping[AssetKey, frozenset[str]] = field(default_factory=dict)
    cursor: Any = None
    # --force: everything requested is made, whatever exists already
    forced: bool = False

    def __bool__(self) -> bool:
        return bool(self.requested)

    def of(self, key: AssetKey) -> frozenset[str]:
        return self.requested.get(key, frozenset())

    def keys_of(self, keys: Iterable[AssetKey], partition: str) -> list[AssetKey]:
        """Those of ``keys`` requested for ``partition``, in the order given."""
        return [key for key in keys if partition in self.of(key)]

    def held_back_of(self, keys: Iterable[AssetKey], partition: str) -> list[AssetKey]:
        return [key for key in keys if partition in self.held_back.get(key, frozenset())]


def saved_cursor(instance: DagsterInstance) -> Any:
    stored = instance.run_storage.get_cursor_values({CURSOR_KEY}).get(CURSOR_KEY)
    return deserialize_value(stored) if stored else None


def save_cursor(instance: DagsterInstance, plan: Plan) -> None:
    instance.run_storage.set_cursor_values({CURSOR_KEY: serialize_value(plan.cursor)})


def plan(instance: DagsterInstance, defs: Definitions, cursor: Any) -> Plan:
    result = evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
    keys = defs.resolve_asset_graph().materializable_asset_keys
    requested = {
        key: frozenset(result.get_requested_partitions(key))
        for key in keys
        if result.get_num_requested(key)
    }
    held_back = {}
    for evaluation in result.results:
        held = _held_back(evaluation)
        if held:
            held_back[evaluation.key] = held
    return Plan(requested=requested, held_back=held_back, cursor=result.cursor)


def _held_back(evaluation: AutomationResult) -> frozenset[str]:
    """The partitions whose condition is ``ready`` but not true: a blocking check of an
    input failed."""
    ready = next(
        (child for child in evaluation.child_results if child.condition.get_label() == READY_LABEL),
        None,
    )
    if ready is None:
        return frozenset()
    held = ready.true_subset.compute_difference(evaluation.true_subset)
    if held.is_empty:
        return frozenset()
    return frozenset(held.expensively_compute_partition_keys())
