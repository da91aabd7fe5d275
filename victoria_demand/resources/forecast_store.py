"""The forecast database's tables, one row per December half-hour and year:

* ``december_forecast``: the champion's forecast of a December that happened, beside it;
* ``december_outlook``: the outlook issued on 30 November, ``actual_mw`` filled in as
  December arrives.

A year is written inside one transaction: readers see the old rows or the new ones, never
a mix, and the primary key makes a duplicated half-hour impossible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from victoria_demand.core.calendar import MELBOURNE

FORECAST_TABLE = "december_forecast"
OUTLOOK_TABLE = "december_outlook"

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


december_outlook_table = sa.Table(
    OUTLOOK_TABLE,
    _metadata,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("time_utc", sa.DateTime(timezone=False), primary_key=True, comment="UTC"),
    sa.Column("time_local", sa.String(32), nullable=False, comment="Melbourne, ISO 8601"),
    sa.Column("p10_mw", sa.Float, nullable=False, comment="exceeded with 90% probability"),
    sa.Column("p50_mw", sa.Float, nullable=False),
    sa.Column("p90_mw", sa.Float, nullable=False, comment="exceeded with 10% probability"),
    sa.Column("actual_mw", sa.Float, nullable=True, comment="NULL until in the source"),
    sa.Column(
        "issued_at", sa.DateTime(timezone=False), nullable=False, comment="UTC; data before it"
    ),
    sa.Column("model_name", sa.String(200), nullable=False),
    sa.Column("model_version", sa.String(32), nullable=False),
    sa.Column("weather", sa.String(300), nullable=False, comment="method, or file sha256"),
    sa.Column("dagster_run_id", sa.String(64), nullable=False),
)
# what an outlook is, as issued: rows that agree on these are the same outlook
ISSUED_COLUMNS = ("time_utc", "p10_mw", "p50_mw", "p90_mw", "issued_at", "model_version", "weather")


def _utc_columns(time_utc: pd.Series) -> dict[str, pd.Series]:
    time_utc = time_utc.dt.tz_convert("UTC")
    return {
        "time_utc": time_utc.dt.tz_localize(None),
        "time_local": time_utc.dt.tz_convert(MELBOURNE).map(lambda stamp: stamp.isoformat()),
    }


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
    return pd.DataFrame(
        {
            "year": year,
            **_utc_columns(forecast["time_utc"]),
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


def outlook_rows(
    year: int,
    outlook: pd.DataFrame,
    *,
    issued_at: pd.Timestamp,
    model_name: str,
    model_version: str,
    weather: str,
    dagster_run_id: str,
) -> pd.DataFrame:
    """Table rows from a ``time_utc, p10_mw, p50_mw, p90_mw, actual_mw`` frame (``actual_mw``
    NaN where December is not in the source yet)."""
    return pd.DataFrame(
        {
            "year": year,
            **_utc_columns(outlook["time_utc"]),
            **{column: outlook[column].astype(float) for column in ("p10_mw", "p50_mw", "p90_mw")},
            "actual_mw": outlook["actual_mw"].astype(float),
            "issued_at": issued_at.tz_convert("UTC").tz_localize(None),
            "model_name": model_name,
            "model_version": str(model_version),
            "weather": weather,
            "dagster_run_id": dagster_run_id,
        }
    )


def ensure_table(engine: sa.Engine, table: sa.Table = december_forecast_table) -> None:
    """Create the table if needed, or add the columns a table from an older release lacks;
    a concurrent writer may do either first, which is fine."""
    try:
        table.create(engine, checkfirst=True)
    except sa.exc.DatabaseError:
        if not sa.inspect(engine).has_table(table.name):
            raise
    present = {column["name"] for column in sa.inspect(engine).get_columns(table.name)}
    for column in table.columns:
        if column.name in present:
            continue
        # only nullable columns are ever added, so the rows already stored stay valid
        kind = column.type.compile(dialect=engine.dialect)
        try:
            with engine.begin() as connection:
                connection.execute(
                    sa.text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}")
                )
        except sa.exc.DatabaseError:
            names = {c["name"] for c in sa.inspect(engine).get_columns(table.name)}
            if column.name not in names:
                raise


def _records(year: int, rows: pd.DataFrame) -> list[dict]:
    """Rows as the database driver takes them: Python datetimes, and NULL (not NaN) for a
    missing number."""
    if (rows["year"] != year).any():
        raise ValueError(f"rows for other years than {year} were handed over for {year}")
    records = rows.astype(object).where(rows.notna(), None).to_dict(orient="records")
    for record in records:
        for name, value in record.items():
            if isinstance(value, pd.Timestamp):
                record[name] = value.to_pydatetime()
    return records


def _replace(connection: sa.Connection, table: sa.Table, year: int, records: list[dict]) -> None:
    connection.execute(sa.delete(table).where(table.c.year == year))
    connection.execute(sa.insert(table), records)


def replace_year(engine: sa.Engine, year: int, rows: pd.DataFrame) -> int:
    """Swap in the rows of ``year`` atomically; returns how many were written."""
    records = _records(year, rows)
    ensure_table(engine)
    with engine.begin() as connection:
        _replace(connection, december_forecast_table, year, records)
    return len(records)


def store_outlook(engine: sa.Engine, year: int, rows: pd.DataFrame) -> bool:
    """Write the outlook of ``year`` atomically: if the stored one is the same outlook (the
    same half-hours, quantiles, issue, model and weather), only ``actual_mw`` is updated and
    the rows keep the run that issued them; otherwise the year is replaced. Returns whether
    the outlook was issued (written anew)."""
    records = _records(year, rows)
    ensure_table(engine, december_outlook_table)
    table = december_outlook_table
    with engine.begin() as connection:
        stored = pd.read_sql(
            sa.select(*(table.c[name] for name in ISSUED_COLUMNS))
            .where(table.c.year == year)
            .order_by(table.c.time_utc),
            connection,
        )
        new = rows.loc[:, list(ISSUED_COLUMNS)].sort_values("time_utc").reset_index(drop=True)
        if _same_issue(stored, new):
            connection.execute(
                sa.update(table)
                .where(table.c.year == year, table.c.time_utc == sa.bindparam("at"))
                .values(actual_mw=sa.bindparam("actual")),
                [{"at": r["time_utc"], "actual": r["actual_mw"]} for r in records],
            )
            return False
        _replace(connection, table, year, records)
        return True


def _same_issue(stored: pd.DataFrame, new: pd.DataFrame) -> bool:
    if len(stored) != len(new):
        return False
    for name in ISSUED_COLUMNS:
        if name.endswith("_mw"):
            same = np.array_equal(stored[name].to_numpy(float), new[name].to_numpy(float))
        elif name in {"time_utc", "issued_at"}:
            same = bool((pd.to_datetime(stored[name]) == pd.to_datetime(new[name])).all())
        else:
            same = bool((stored[name].astype(str) == new[name].astype(str)).all())
        if not same:
            return False
    return True


def read_year(
    engine: sa.Engine, year: int, table: sa.Table = december_forecast_table
) -> pd.DataFrame:
    query = sa.select(table).where(table.c.year == year).order_by(table.c.time_utc)
    with engine.connect() as connection:
        return pd.read_sql(query, connection)
