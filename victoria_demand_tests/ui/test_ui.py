"""The users' flows, driven in Debian's Chromium as a person would: materialize all years,
backfill one year, read the RMSE checks, find the champion in the MLflow UI.

`dagster dev` runs on the embedded default in a temporary folder; a screenshot per step is
saved under the test's temporary folder and its path printed.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance
from mlflow.tracking import MlflowClient
from playwright.sync_api import Browser, Page, expect, sync_playwright

from victoria_demand_tests.assertions import ORIGINAL_YEARS as YEARS
from victoria_demand_tests.assertions import PARTITIONED_ASSETS, all_checks_passed
from victoria_demand_tests.services import (
    dagster_dev,
    free_port,
    start,
    stop,
    venv_tool,
    wait_for_http,
)
from victoria_demand_tests.state import MODEL, materializations

pytestmark = pytest.mark.ui
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

PARTITIONS = {str(year) for year in YEARS}
BACKFILL_TIMEOUT_S = 900
expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ui")


@pytest.fixture(scope="module")
def dagster_ui(workdir: Path, original_csv: Path) -> Iterator[tuple[str, Path]]:
    home = workdir / "home"
    home.mkdir()
    with dagster_dev(home, original_csv, workdir) as url:
        yield url, home


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def screenshot(page: Page, workdir: Path, name: str) -> None:
    path = workdir / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def dismiss_popups(page: Page) -> None:
    """The first visit may greet with a 'Join the Dagster community' dialog."""
    skip = page.get_by_role("button", name="Skip")
    if skip.count() and skip.first.is_visible():
        skip.first.click()


def dismiss_mlflow_assistant(page: Page) -> None:
    """MLflow 3's UI opens an assistant side panel on the first visit: close it."""
    close = page.get_by_role("button", name="Close", exact=True)
    if close.count() and close.first.is_visible():
        close.first.click()
        expect(page.get_by_role("button", name="Send message")).to_be_hidden()


def instance_for(home: Path) -> DagsterInstance:
    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    return DagsterInstance.get()


def open_materialize_dialog(page: Page, assets: int) -> None:
    """Click 'Materialize all…' on the lineage page; get past the cautionary question."""
    # "(N)": the graph also holds the observed source file, which is not materialized
    # "Materialize all (N)…": the graph also holds the observed source file. The community
    # pop-up may open while the graph loads, and hides the page from the locator until shut.
    button = page.get_by_role("button").filter(has_text=re.compile(r"^Materialize all"))
    deadline = time.monotonic() + 90
    while not (button.count() and button.first.is_visible()) and time.monotonic() < deadline:
        dismiss_popups(page)
        page.wait_for_timeout(1_000)
    button.first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(re.compile("Are you sure|Launch runs to materialize"))
    if "Are you sure" in dialog.inner_text():
        # "upstream assets have not been materialized yet": the raw CSV has been
        dialog.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("dialog")).to_contain_text(
        f"Launch runs to materialize {assets} assets"
    )


def launch_from_dialog(page: Page, partitions: str) -> None:
    """In the open 'Launch runs to materialize' dialog: choose partitions, launch, and
    follow the toast's link (to the backfill page, or the run page for a single year)."""
    dialog = page.get_by_role("dialog")
    if partitions == "all":
        dialog.get_by_role("button", name="All", exact=True).click()
    else:
        dialog.get_by_role("button", name="Custom", exact=True).click()
        field = dialog.get_by_placeholder(re.compile("ex: "))
        field.fill(partitions)
        field.press("Tab")
    dialog.get_by_role("button", name=re.compile(r"^Launch (backfill|\d+ runs?)$")).click()
    page.get_by_role("link", name="View", exact=True).click()
    expect(page).to_have_url(re.compile(r"/runs/(b/)?[\w-]+"))


def open_check_partitions(page: Page, check: str) -> None:
    """On an asset's Checks tab: select a check and show its per-year results."""
    page.get_by_text(check, exact=True).first.click()
    page.locator("button[role=tab]", has_text="Partitions").click()


def wait_until_backfill_succeeds(page: Page) -> None:
    """Reload the backfill page until its status badge says it succeeded."""
    # the header's "Status" label and, beside it, the backfill's status badge
    status = page.get_by_text("Status", exact=True).first.locator("xpath=..")
    deadline = time.monotonic() + BACKFILL_TIMEOUT_S
    while time.monotonic() < deadline:
        text = status.inner_text()
        if "Succeeded" in text:
            return
        assert "Failed" not in text, f"the backfill failed: {text}"
        page.wait_for_timeout(3_000)
        page.reload()
    raise AssertionError("the backfill page never showed it complete")


def wait_until_run_succeeds(page: Page) -> None:
    """On a run's page: wait for the run's status tag to read Success."""
    expect(page.get_by_text("Success", exact=True).first).to_be_visible(
        timeout=BACKFILL_TIMEOUT_S * 1000
    )


def test_materialize_every_year_from_the_asset_graph(dagster_ui, page, workdir):
    url, home = dagster_ui
    page.goto(f"{url}/asset-groups")
    dismiss_popups(page)
    expect(page.get_by_text("Global asset lineage")).to_be_visible()
    screenshot(page, workdir, "1-asset-graph")
    open_materialize_dialog(page, assets=len(PARTITIONED_ASSETS) + 1)  # and raw_demand
    launch_from_dialog(page, "all")
    wait_until_backfill_succeeds(page)
    for asset in PARTITIONED_ASSETS:
        expect(page.get_by_text(asset, exact=True).first).to_be_visible()
    screenshot(page, workdir, "1-backfill-complete")

    # What the UI shows per asset: every year materialized, none missing or failed.
    for asset in PARTITIONED_ASSETS:
        page.goto(f"{url}/assets/{asset}?view=partitions")
        expect(page.get_by_text("Materialized (3)")).to_be_visible()
        expect(page.get_by_text("Missing (0)")).to_be_visible()
        expect(page.get_by_text("Failed (0)")).to_be_visible()
    for asset, check in (
        ("december_score", "rmse_under_ceiling"),
        ("december_score", "beats_seasonal_naive"),
        ("december_outlook", "outlook_scored_to_date"),
    ):
        page.goto(f"{url}/assets/{asset}?view=checks")
        open_check_partitions(page, check)
        expect(page.get_by_text("Passed (3)", exact=True)).to_be_visible()
        expect(page.get_by_text("Failed (0)", exact=True)).to_be_visible()
        expect(page.get_by_text("Execution Failed (0)", exact=True)).to_be_visible()
        screenshot(page, workdir, f"1-check-{check}")

    # The same through the instance.
    instance = instance_for(home)
    for asset in PARTITIONED_ASSETS:
        assert instance.get_materialized_partitions(AssetKey(asset)) == PARTITIONS, asset
    assert all_checks_passed(instance, PARTITIONS) == {}


def test_backfill_one_year(dagster_ui, page, workdir):
    url, home = dagster_ui
    before = materializations(home)
    page.goto(f"{url}/asset-groups")
    dismiss_popups(page)
    # a year's assets from its clean rows on: the graph filtered to all but the raw CSV
    page.locator(".CodeMirror").first.click()
    page.keyboard.type("not key:raw_demand")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    open_materialize_dialog(page, assets=len(PARTITIONED_ASSETS))
    screenshot(page, workdir, "2-partitions-dialog")
    launch_from_dialog(page, "2013")
    wait_until_run_succeeds(page)
    screenshot(page, workdir, "2-run-2013")

    after = materializations(home)
    new = {key: after.get(key, 0) - before.get(key, 0) for key in after}
    assert {key: n for key, n in new.items() if n} == {
        (asset, "2013"): 1 for asset in PARTITIONED_ASSETS
    }


def test_rmse_check_matches_mlflow(dagster_ui, page, workdir):
    url, home = dagster_ui
    page.goto(f"{url}/assets/december_score?view=checks")
    dismiss_popups(page)
    open_check_partitions(page, "rmse_under_ceiling")
    page.get_by_text("2013", exact=True).first.click()
    shown = page.get_by_role("row", name=re.compile(r"^rmse_mw \d"))
    expect(shown).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^ceiling_mw \d"))).to_be_visible()
    rmse_in_ui = float(shown.get_by_role("cell").nth(1).inner_text())
    screenshot(page, workdir, "3-rmse-check-2013")

    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    versions = client.search_model_versions(f"name='{MODEL}' and tags.year='2013'")
    latest = max(versions, key=lambda v: int(v.version))
    logged = client.get_run(latest.run_id).data.metrics["december_rmse"]
    assert rmse_in_ui == pytest.approx(logged, rel=1e-9)


def test_champion_alias_in_the_mlflow_ui(dagster_ui, page, workdir):
    _, home = dagster_ui
    client = MlflowClient(f"sqlite:///{home / 'mlflow.db'}")
    champion = client.get_model_version_by_alias(MODEL, "champion").version
    port = free_port()
    server = start(
        [
            venv_tool("mlflow"),
            "server",
            "--host=127.0.0.1",
            f"--port={port}",
            "--workers=1",
            f"--backend-store-uri=sqlite:///{home / 'mlflow.db'}",
        ],
        workdir / "mlflow-ui.log",
        {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"},
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", server, timeout=120)
        page.goto(f"http://127.0.0.1:{port}/#/models/{MODEL}")
        alias = re.compile(r"@\s*champion")  # how the UI shows an alias
        row = page.get_by_role("row", name=re.compile(rf"^Version {champion}\b"))
        expect(row).to_contain_text(alias)
        dismiss_mlflow_assistant(page)
        row.scroll_into_view_if_needed()
        screenshot(page, workdir, "4-mlflow-champion")
        versions = page.get_by_role("row", name=re.compile(r"^Version \d+"))
        with_alias = [
            r.inner_text().split()[1] for r in versions.all() if alias.search(r.inner_text())
        ]
        assert with_alias == [str(champion)]
    finally:
        stop(server)
