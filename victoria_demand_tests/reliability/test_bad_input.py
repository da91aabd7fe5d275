"""A corpus of broken sources, generated from the real file: each is refused when the source
is observed, before any asset runs, with a message that names the file (and the column and
line where there is one), and leaves every stored asset, the registry, the champion alias
and the forecasts exactly as the last good run left them."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from victoria_demand_tests.pipeline_runs import run_pipeline, run_pipeline_in_process
from victoria_demand_tests.state import copy_home, fingerprint

pytestmark = pytest.mark.integration

Lines = list[str]


def _edit(line: int, old: str, new: str) -> Callable[[Lines], Lines]:
    def mutate(lines: Lines) -> Lines:
        assert old in lines[line - 1]
        return [*lines[: line - 1], lines[line - 1].replace(old, new), *lines[line:]]

    return mutate


def _naive_from(line: int) -> Callable[[Lines], Lines]:
    """Stamps without offsets from ``line`` on: local and UTC can no longer be told apart."""
    return lambda lines: [*lines[: line - 1], *(x.replace("Z,", ",", 1) for x in lines[line - 1 :])]


BROKEN_TEXT: dict[str, tuple[Callable[[Lines], Lines], str]] = {
    "missing column": (  # Temperature dropped (Holiday and Date are optional)
        lambda ls: [",".join(x.split(",")[:2] + x.split(",")[3:]) for x in ls],
        "column 'Temperature', line 1: missing required column",
    ),
    "renamed column": (_edit(1, "Demand", "Load"), "column 'Demand', line 1: missing required"),
    "header only": (lambda ls: ls[:1], "no data rows under the header"),
    "unparseable time stamps": (
        _edit(101, "2012-01-02T14:30:00Z", "2012-01-02T25:30:00Z"),
        "column 'Time', line 101: unparseable time stamp",
    ),
    "mixed time zones without offsets": (
        _naive_from(30_000),
        "column 'Time', line 30000: time stamp '2013-09-16T12:00:00' has no UTC offset",
    ),
    "duplicate instants": (
        lambda ls: [*ls[:5001], ls[5000], *ls[5001:]],
        "column 'Time', line 5002: duplicate instant",
    ),
    "gap of a day": (
        lambda ls: [*ls[:20_001], *ls[20_049:]],
        "column 'Time', line 20002: 48 half-hour(s) missing",
    ),
    "non-numeric demand": (
        _edit(7, ",3865.597244,", ",3865.6 MW,"),
        "column 'Demand', line 7: '3865.6 MW' is not a number",
    ),
    "negative demand": (_edit(3, "4263.365526", "-4263.365526"), "column 'Demand', line 3"),
    "absurd demand": (_edit(3, "4263.365526", "4263365526"), "column 'Demand', line 3"),
    "NaN temperature": (
        _edit(9, ",19.6,", ",NaN,"),
        "column 'Temperature', line 9: a missing value is not a number",
    ),
    "a series that stops mid-day": (
        # 600 half-hours short of the year's end: 19 December 2014 ends at 11:30
        lambda ls: ls[:-600],
        "column 'Time': 24 half-hour(s) missing, the first at 2014-12-19T01:00:00+00:00",
    ),
}


@pytest.fixture(scope="module")
def good_state(tmp_path_factory, first_run):
    """A copy of the first run's home: every year decided and forecast."""
    home = copy_home(first_run[0], tmp_path_factory.mktemp("good") / "home")
    return home, fingerprint(home)


def _assert_untouched(home: Path, before: dict, completed, expected: str, file_name: str) -> None:
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "ingest          FAILED" in completed.stdout
    reported = [
        line for line in completed.stdout.splitlines() if line.startswith("  demand_source_file: ")
    ]
    assert len(reported) == 1, completed.stdout
    assert file_name in reported[0] and expected in reported[0], reported[0]
    assert "Error: " not in reported[0], reported[0]  # the cause, not the exception's class
    assert fingerprint(home) == before


@pytest.mark.parametrize("case", BROKEN_TEXT, ids=BROKEN_TEXT)
def test_broken_csv(good_state, original_lines, tmp_path, case):
    home, before = good_state
    mutate, expected = BROKEN_TEXT[case]
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(mutate(original_lines)) + "\n")
    completed = run_pipeline_in_process(home, broken)
    _assert_untouched(home, before, completed, expected, str(broken))


def test_empty_file(good_state, tmp_path):
    home, before = good_state
    broken = tmp_path / "empty.csv"
    broken.write_bytes(b"")
    completed = run_pipeline_in_process(home, broken)
    _assert_untouched(home, before, completed, "the file is empty", str(broken))


def test_not_csv_at_all(good_state, tmp_path):
    home, before = good_state
    broken = tmp_path / "demand.csv"
    broken.write_bytes(bytes(range(256)) * 64)
    completed = run_pipeline_in_process(home, broken)
    _assert_untouched(home, before, completed, "not a CSV", str(broken))


def test_checksum_mismatch(good_state, original_csv):
    home, before = good_state
    completed = run_pipeline_in_process(home, original_csv, VICTORIA_DEMAND_SOURCE_SHA256="0" * 64)
    _assert_untouched(home, before, completed, "does not match the expected", str(original_csv))


class _TruncatingHandler(http.server.BaseHTTPRequestHandler):
    """Promises the whole file, sends half of it, and hangs up."""

    def do_GET(self):
        payload = self.server.payload
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload[: len(payload) // 2])
        self.close_connection = True

    def log_message(self, *args):
        pass


def test_truncated_download(good_state, original_csv, tmp_path):
    """In a process of its own, as `make run` starts it (the other cases run the same
    command in this process: its imports take seconds). With a cache of its own: a verified
    copy already in the user's cache would be reused, rightly, with no download at all."""
    home, before = good_state
    cache = tmp_path / "cache"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TruncatingHandler)
    server.payload = original_csv.read_bytes()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/vic_electricity.csv"
    try:
        completed = run_pipeline(
            home,
            url,
            VICTORIA_DEMAND_SOURCE_SHA256=hashlib.sha256(server.payload).hexdigest(),
            VICTORIA_DEMAND_CACHE=str(cache),
        )
    finally:
        server.shutdown()
    _assert_untouched(home, before, completed, "truncated download: 1435079 of 2870159 bytes", url)
    assert (cache / "sources").is_dir()  # where a download lands...
    assert not any((cache / "sources").iterdir())  # ...and no partial copy was kept
