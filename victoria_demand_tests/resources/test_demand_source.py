import hashlib
import http.server
import threading
from pathlib import Path

import pytest

from victoria_demand.core.errors import DemandDataError
from victoria_demand.resources.demand_source import fetch_source

PAYLOAD = b"Time,Demand,Temperature,Date,Holiday\n"
PAYLOAD_SHA = hashlib.sha256(PAYLOAD).hexdigest()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/truncated.csv":
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD) * 2))
            self.end_headers()
            self.wfile.write(PAYLOAD)
            self.wfile.flush()
            self.close_connection = True
            return
        if self.path != "/data.csv":
            self.send_error(404)
            return
        # counted before the answer: once the body is sent the client may check the count
        self.server.hits += 1
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        self.wfile.write(PAYLOAD)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_base():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.hits = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", server
    server.shutdown()


def test_local_path_is_read_in_place(tmp_path: Path):
    path = tmp_path / "demand.csv"
    path.write_bytes(PAYLOAD)
    source = fetch_source(str(path), cache_dir=tmp_path / "cache", expected_sha256=None)
    assert source.path == path and source.sha256 == PAYLOAD_SHA


def test_missing_local_file(tmp_path: Path):
    with pytest.raises(DemandDataError, match="no such file"):
        fetch_source(str(tmp_path / "absent.csv"), cache_dir=tmp_path, expected_sha256=None)


def test_download_is_verified_and_cached(tmp_path: Path, http_base):
    base, server = http_base
    first = fetch_source(f"{base}/data.csv", cache_dir=tmp_path, expected_sha256=PAYLOAD_SHA)
    again = fetch_source(f"{base}/data.csv", cache_dir=tmp_path, expected_sha256=PAYLOAD_SHA)
    assert first.path == again.path and first.path.read_bytes() == PAYLOAD
    assert server.hits == 1  # the second call used the verified cache
    assert [p.name for p in tmp_path.iterdir()] == [first.path.name]


def test_checksum_mismatch_keeps_nothing(tmp_path: Path, http_base):
    base, _ = http_base
    with pytest.raises(DemandDataError, match="does not match the expected"):
        fetch_source(f"{base}/data.csv", cache_dir=tmp_path, expected_sha256="0" * 64)
    assert list(tmp_path.iterdir()) == []


def test_truncated_download_is_an_error(tmp_path: Path, http_base):
    base, _ = http_base
    with pytest.raises(DemandDataError, match=r"truncated download|download failed"):
        fetch_source(f"{base}/truncated.csv", cache_dir=tmp_path, expected_sha256=None)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_url(tmp_path: Path, http_base):
    base, _ = http_base
    with pytest.raises(DemandDataError, match="download failed"):
        fetch_source(f"{base}/absent.csv", cache_dir=tmp_path, expected_sha256=None)
