"""Asset values as one object per partition: DataFrames as Parquet, small records as JSON.

Local files by default, ``s3://bucket/prefix`` through boto3 for the stack (MinIO or AWS).
Writes are atomic on both: a local file is written beside its target and renamed over it;
an S3 PUT becomes visible whole or not at all. A failed step therefore never leaves a
half-written partition, and never replaces a good one.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from dagster import ConfigurableIOManager, InputContext, MetadataValue, OutputContext
from pydantic import PrivateAttr

from victoria_demand.core.retry import call_with_retries


def _encode(value: Any) -> tuple[bytes, str]:
    if isinstance(value, pd.DataFrame):
        buffer = io.BytesIO()
        value.to_parquet(buffer, index=False)
        return buffer.getvalue(), "parquet"
    if isinstance(value, dict):
        return json.dumps(value, indent=2, sort_keys=True).encode(), "json"
    raise TypeError(f"can store DataFrames and dicts, not {type(value).__name__}")


def _decode(data: bytes, extension: str) -> Any:
    if extension == "parquet":
        return pd.read_parquet(io.BytesIO(data))
    return json.loads(data)


class _ObjectStoreIOManager(ConfigurableIOManager):
    """Names and formats; the subclasses only move bytes."""

    def _write(self, key: str, data: bytes) -> str:
        raise NotImplementedError

    def _read(self, key: str) -> bytes:
        """The stored bytes; FileNotFoundError when nothing is stored under ``key``."""
        raise NotImplementedError

    def _key(self, asset_path: list[str], partition_key: str | None, extension: str) -> str:
        stem = "/".join(asset_path)
        return f"{stem}/{partition_key}.{extension}" if partition_key else f"{stem}.{extension}"

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        partitions = list(context.asset_partition_keys) if context.has_asset_partitions else []
        if len(partitions) > 1:
            # a run over a range of partitions returns one value per partition
            if not isinstance(obj, Mapping) or set(obj) != set(partitions):
                raise TypeError(
                    f"{context.asset_key.to_user_string()}: a run over partitions {partitions} "
                    "must return a mapping from each of those partition keys to its value"
                )
            values = dict(obj)
        else:
            values = {partitions[0] if partitions else None: obj}
        stored = [self._store(context.asset_key.path, key, value) for key, value in values.items()]
        metadata: dict[str, Any] = {"stored_bytes": sum(size for _, size in stored)}
        if len(stored) == 1:
            metadata["path"] = MetadataValue.path(stored[0][0])
        if isinstance(obj, pd.DataFrame):
            metadata["row_count"] = len(obj)
        context.add_output_metadata(metadata)

    def _store(self, asset_path: list[str], partition: str | None, value: Any) -> tuple[str, int]:
        """Where ``value`` was written, and its size in bytes."""
        data, extension = _encode(value)
        return self._write(self._key(asset_path, partition, extension), data), len(data)

    def load_input(self, context: InputContext) -> Any:
        """One partition's value; or, for an input annotated as a mapping (``Mapping[str,
        dict]``), every upstream partition's value by partition key, e.g. the years up to
        this one."""
        asset_path = context.asset_key.path
        typing_type = context.dagster_type.typing_type
        by_partition = typing.get_origin(typing_type) in (dict, Mapping)
        value_type = typing.get_args(typing_type)[1] if by_partition else typing_type
        extension = "json" if _is_record(value_type) else "parquet"
        keys = list(context.asset_partition_keys) if context.has_asset_partitions else [None]
        if by_partition:
            return {key: self._load(context, key, extension) for key in keys}
        if len(keys) != 1:
            raise ValueError(f"{'/'.join(asset_path)}: expected one partition, got {keys}")
        return self._load(context, keys[0], extension)

    def _load(self, context: InputContext, partition: str | None, extension: str) -> Any:
        key = self._key(context.asset_key.path, partition, extension)
        try:
            data = self._read(key)
        except FileNotFoundError as error:
            raise FileNotFoundError(
                f"{context.asset_key.to_user_string()}"
                f"{f' {partition}' if partition else ''} has not been materialized: "
                f"nothing is stored at {key}"
            ) from error
        return _decode(data, extension)


def _is_record(value_type: Any) -> bool:
    """Values annotated ``dict`` read the JSON that ``_encode`` wrote for assets that return
    dicts; everything else reads Parquet."""
    return value_type is dict


class LocalParquetIOManager(_ObjectStoreIOManager):
    """Files under ``base_dir``."""

    base_dir: str

    def _path(self, key: str) -> Path:
        return Path(self.base_dir) / key

    def _write(self, key: str, data: bytes) -> str:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        return str(target)

    def _read(self, key: str) -> bytes:
        return self._path(key).read_bytes()


def _is_transient_s3(error: BaseException) -> bool:
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    if isinstance(
        error,
        EndpointConnectionError | ConnectionClosedError | ConnectTimeoutError | ReadTimeoutError,
    ):
        return True
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return status >= 500 or error.response.get("Error", {}).get("Code") == "SlowDown"
    return False


class S3ParquetIOManager(_ObjectStoreIOManager):
    """Objects under ``s3://bucket/prefix``; ``endpoint_url`` points boto3 at MinIO."""

    bucket: str
    prefix: str = "victoria-demand"
    endpoint_url: str | None = None
    region_name: str | None = None
    _client: Any = PrivateAttr(default=None)

    def _s3(self):
        if self._client is None:
            import boto3
            from botocore.config import Config

            self._client = boto3.client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name=self.region_name,
                # fail fast inside; call_with_retries adds the backoff and names the store
                config=Config(
                    retries={"max_attempts": 2, "mode": "standard"},
                    connect_timeout=5,
                    read_timeout=60,
                ),
            )
        return self._client

    def _retried(self, operation):
        return call_with_retries(
            operation,
            service="S3 object store",
            address=f"{self.endpoint_url or 'AWS S3'} (bucket {self.bucket})",
            is_transient=_is_transient_s3,
        )

    def _object_key(self, key: str) -> str:
        return f"{self.prefix.strip('/')}/{key}" if self.prefix.strip("/") else key

    def _write(self, key: str, data: bytes) -> str:
        object_key = self._object_key(key)
        self._retried(lambda: self._s3().put_object(Bucket=self.bucket, Key=object_key, Body=data))
        return f"s3://{self.bucket}/{object_key}"

    def _read(self, key: str) -> bytes:
        object_key = self._object_key(key)

        def get() -> bytes:
            response = self._s3().get_object(Bucket=self.bucket, Key=object_key)
            return response["Body"].read()

        try:
            return self._retried(get)
        except self._s3().exceptions.NoSuchKey as error:
            raise FileNotFoundError(f"s3://{self.bucket}/{object_key}") from error
