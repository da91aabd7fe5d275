"""The webserver's GraphQL API, as the UI uses it: launch a backfill or a run, wait for it,
list runs."""

from __future__ import annotations

import json
import time
import urllib.request

LAUNCH_BACKFILL = """
mutation Launch($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on Error { message }
  }
}
"""
LAUNCH_RUN = """
mutation LaunchRun($executionParams: ExecutionParams!) {
  launchPipelineExecution(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
REPOSITORIES = """
query Repositories {
  repositoriesOrError {
    __typename
    ... on RepositoryConnection { nodes { name location { name } } }
    ... on Error { message }
  }
}
"""
ASSET_CHECKS = """
query Checks($keys: [AssetKeyInput!]) {
  assetNodes(assetKeys: $keys) {
    assetKey { path }
    assetChecksOrError { ... on AssetChecks { checks { name } } }
  }
}
"""
RUN = """
query Run($id: ID!) {
  runOrError(runId: $id) {
    __typename
    ... on Run { runId status startTime endTime tags { key value } }
    ... on Error { message }
  }
}
"""
RUN_FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}
BACKFILL_STATUS = """
query Status($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill { id status }
    ... on Error { message }
  }
}
"""
BACKFILL_RUNS = """
query Runs($id: String!) {
  runsOrError(filter: {tags: [{key: "dagster/backfill", value: $id}]}) {
    __typename
    ... on Runs { results { runId status startTime endTime tags { key value } } }
    ... on Error { message }
  }
}
"""
FINISHED = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}


class DagsterGraphQL:
    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url.rstrip('/')}/graphql"

    def query(self, document: str, **variables) -> dict:
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"query": document, "variables": variables}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = json.loads(response.read())
        if payload.get("errors"):
            raise RuntimeError(f"GraphQL errors: {payload['errors']}")
        return payload["data"]

    def launch_asset_backfill(
        self, assets: list[str], partitions: list[str] | None, run_config: dict | None = None
    ) -> str:
        """A backfill of ``assets`` for ``partitions``; None is every partition of each asset,
        as the UI's "Materialize all" asks for it."""
        params: dict = {"assetSelection": [{"path": [asset]} for asset in assets]}
        if partitions is None:
            params["allPartitions"] = True
        else:
            params["partitionNames"] = partitions
        if run_config is not None:
            params["runConfigData"] = run_config
        result = self.query(LAUNCH_BACKFILL, params=params)["launchPartitionBackfill"]
        if result["__typename"] != "LaunchBackfillSuccess":
            raise RuntimeError(f"backfill not launched: {result}")
        return result["backfillId"]

    def launch_run(self, assets: list[str], partition: str) -> str:
        """One run of ``assets`` (and their checks) for ``partition``: what the UI's
        Materialize dialog launches ("Launch 1 run") when one partition is chosen."""
        repositories = self.query(REPOSITORIES)["repositoriesOrError"]
        if repositories["__typename"] != "RepositoryConnection":
            raise RuntimeError(f"no repository: {repositories}")
        (repository,) = repositories["nodes"]
        keys = [{"path": [asset]} for asset in assets]
        checks = [  # the dialog runs the assets' checks with them
            {"assetKey": {"path": node["assetKey"]["path"]}, "name": check["name"]}
            for node in self.query(ASSET_CHECKS, keys=keys)["assetNodes"]
            for check in node["assetChecksOrError"].get("checks", [])
        ]
        params = {
            "selector": {
                "repositoryLocationName": repository["location"]["name"],
                "repositoryName": repository["name"],
                "pipelineName": "__ASSET_JOB",
                "assetSelection": keys,
                "assetCheckSelection": checks,
            },
            "mode": "default",
            "runConfigData": {},
            "executionMetadata": {"tags": [{"key": "dagster/partition", "value": partition}]},
        }
        result = self.query(LAUNCH_RUN, executionParams=params)["launchPipelineExecution"]
        if result["__typename"] != "LaunchRunSuccess":
            raise RuntimeError(f"run not launched: {result}")
        return result["run"]["runId"]

    def _wait_until_finished(
        self,
        document: str,
        field: str,
        typename: str,
        finished: set[str],
        entity_id: str,
        timeout: float,
    ) -> dict:
        """Poll ``document`` for ``entity_id`` until its status is one of ``finished``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = self.query(document, id=entity_id)[field]
            if result["__typename"] != typename:
                raise RuntimeError(f"{typename} {entity_id}: {result}")
            if result["status"] in finished:
                return result
            time.sleep(1)
        raise TimeoutError(f"{typename} {entity_id} did not finish within {timeout} s")

    def wait_for_run(self, run_id: str, timeout: float = 900) -> dict:
        """The run (status, startTime, endTime, tags) once it has finished."""
        return self._wait_until_finished(RUN, "runOrError", "Run", RUN_FINISHED, run_id, timeout)

    def wait_for_backfill(self, backfill_id: str, timeout: float = 900) -> str:
        backfill = self._wait_until_finished(
            BACKFILL_STATUS,
            "partitionBackfillOrError",
            "PartitionBackfill",
            FINISHED,
            backfill_id,
            timeout,
        )
        return backfill["status"]

    def backfill_runs(self, backfill_id: str) -> list[dict]:
        runs = self.query(BACKFILL_RUNS, id=backfill_id)["runsOrError"]
        if runs["__typename"] != "Runs":
            raise RuntimeError(f"runs of backfill {backfill_id}: {runs}")
        return runs["results"]
