#!/bin/sh
# One PostgreSQL server for everything: Dagster's storage is POSTGRES_DB (dagster); MLflow's
# tracking/registry store and the forecast table get databases of their own.
set -eu
for database in mlflow forecasts; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -c "CREATE DATABASE $database OWNER \"$POSTGRES_USER\";"
done
