"""The ``december_forecast`` table: one row per December half-hour and year.

A year is replaced as a whole inside one transaction: readers see the old rows or the new
ones, never a mix, and the primary key makes a duplicated half-hour impossible.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from victoria_demand.core.calendar import MELBOURNE

FORECAST_TABLE = "december_forecast"

_metadata = sa.MetaData()
december_forecast_table = sa.Table(
    FORECAST_TABLE,
    _metadata,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("time_utc", sa.DateTime(timezone=False), primary_key=True, comment="UTC"),
    sa.Column("time_local", sa.String(32), nullable=False, comment="Melbourne, ISO 8601"),
    sa.Column("forecast_mw", sa.Float, nullable=False, comment="P50"),
    # nullable: rows written before the bands existed keep NULL until their year is redone
    sa.Column("p10_mw", sa.Float, nullable=True, comment="exceeded with 90% probability"),
    sa.Column("p90_mw", sa.Float, nullable=True, comment="exceeded with 10% probability"),
    sa.Column("actual_mw", sa.Float, nullable=False),
    sa.Column("model_name", sa.String(200), nullable=False),
    sa.Column("model_version", sa.String(32), nullable=False),
    sa.Column("mlflow_run_id", sa.String(64), nullable=False),
    sa.Column("dagster_run_id", sa.String(64), nullable=False),
)


def forecast_rows(
    year: int,
    forecast: pd.DataFrame,
    *,
    model_name: str,
    model_version: str,
    mlflow_run_id: str,
    dagster_run_id: str,
) -> pd.DataFrame:
    """Table rows from a ``time_utc, forecast_mw, p10_mw, p90_mw, actual_mw`` frame."""
    time_utc = forecast["time_utc"].dt.tz_convert("UTC")
    return pd.DataFrame(
        {
            "year": year,
            "time_utc": time_utc.dt.tz_localize(None),
            "time_local": time_utc.dt.tz_convert(MELBOURNE).map(lambda stamp: stamp.isoformat()),
            "forecast_mw": forecast["forecast_mw"].astype(float),
            "p10_mw": forecast["p10_mw"].astype(float),
            "p90_mw": forecast["p90_mw"].astype(float),
            "actual_mw": forecast["actual_mw"].astype(float),
            "model_name": model_name,
            "model_version": str(model_version),
            "mlflow_run_id": mlflow_run_id,
            "dagster_run_id": dagster_run_id,
        }
    )


def ensure_table(engine: sa.Engine) -> None:
    """Create the table if needed, or add the columns a table from an older release lacks;
    a concurrent writer may do either first, which is fine."""
    try:
        _metadata.create_all(engine, checkfirst=True)
    except sa.exc.DatabaseError:
        if not sa.inspect(engine).has_table(FORECAST_TABLE):
            raise
    present = {column["name"] for column in sa.inspect(engine).get_columns(FORECAST_TABLE)}
    for column in december_forecast_table.columns:
        if column.name in present:
            continue
        # only nullable columns are ever added, so the rows already stored stay valid
        kind = column.type.compile(dialect=engine.dialect)
        try:
            with engine.begin() as connection:
                connection.execute(
                    sa.text(f"ALTER TABLE {FORECAST_TABLE} ADD COLUMN {column.name} {kind}")
                )
        except sa.exc.DatabaseError:
            names = {c["name"] for c in sa.inspect(engine).get_columns(FORECAST_TABLE)}
            if column.name not in names:
                raise


def replace_year(engine: sa.Engine, year: int, rows: pd.DataFrame) -> int:
    """Swap in the rows of ``year`` atomically; returns how many were written."""
    if (rows["year"] != year).any():
        raise ValueError(f"rows for other years than {year} were handed to replace_year")
    records = rows.to_dict(orient="records")
    for record in records:
        record["time_utc"] = record["time_utc"].to_pydatetime()
    ensure_table(engine)
    with engine.begin() as connection:
        connection.execute(
            sa.delete(december_forecast_table).where(december_forecast_table.c.year == year)
        )
        connection.execute(sa.insert(december_forecast_table), records)
    return len(records)


def read_year(engine: sa.Engine, year: int) -> pd.DataFrame:
    query = (
        sa.select(december_forecast_table)
        .where(december_forecast_table.c.year == year)
        .order_by(december_forecast_table.c.time_utc)
    )
    with engine.connect() as connection:
        return pd.read_sql(query, connection)
