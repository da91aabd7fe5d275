# One image for the Dagster code server, webserver, daemon and the run containers that the
# DockerRunLauncher starts. No credentials are baked in: they come from the environment.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DAGSTER_HOME=/opt/dagster/home \
    VICTORIA_DEMAND_HOME=/opt/dagster/state \
    VICTORIA_DEMAND_ENV=stack

WORKDIR /opt/dagster/app
COPY requirements.lock pyproject.toml README.md ./
RUN pip install --no-cache-dir "uv==0.13.9" \
 && uv pip install --system --no-cache --compile-bytecode -r requirements.lock
COPY victoria_demand ./victoria_demand
RUN uv pip install --system --no-cache --no-deps --compile-bytecode . \
 && mkdir -p "$DAGSTER_HOME" "$VICTORIA_DEMAND_HOME" \
 && useradd --create-home --uid 10001 dagster \
 && chown -R dagster "$DAGSTER_HOME" "$VICTORIA_DEMAND_HOME"
COPY dagster.yaml workspace.yaml $DAGSTER_HOME/

USER dagster
EXPOSE 3000 4000
