"""No secrets and no public buckets in the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from victoria_demand.settings import PROJECT_ROOT

SECRET_PATTERNS = {
    "AWS access key id": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    # a password in a URL, unless it is a ${placeholder} or masked as ***
    "credentials in a URL": re.compile(r"://[A-Za-z0-9._%-]+:(?!\$\{|\*\*\*@)[^/\s:@'\"{}]+@"),
    "secret assigned a literal": re.compile(
        r"(?i)(password|passwd|secret|access_key|api_key|token)[a-z0-9_]*[\"']?\s*[:=]\s*"
        r"[\"'](?!change-me|\$\{)[^\"'\s]{6,}[\"']"
    ),
    "secret in an environment file": re.compile(
        r"^\s*[A-Z0-9_]*(PASSWORD|SECRET|ACCESS_KEY|TOKEN)[A-Z0-9_]*\s*[=:]\s*"
        r"(?!change-me|\$\{|\{env)[^\s#]{6,}"
    ),
}
PUBLIC_BUCKET_PATTERNS = {
    "anonymous access in MinIO": re.compile(
        r"mc\s+(anonymous|policy)\s+set\s+(public|download|upload)"
    ),
    "a policy for everyone": re.compile(r"\"Principal\"\s*:\s*(\"\*\"|\{\s*\"AWS\"\s*:\s*\"\*\")"),
    "public ACL": re.compile(r"public-read(-write)?"),
}
SKIPPED_SUFFIXES = {".png", ".lock"}


def _repository_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    this_file = Path(__file__).resolve()
    return [
        PROJECT_ROOT / name
        for name in listed
        if (PROJECT_ROOT / name).is_file()
        and (PROJECT_ROOT / name).resolve() != this_file
        and Path(name).suffix not in SKIPPED_SUFFIXES
    ]


def _findings(patterns: dict[str, re.Pattern]) -> list[str]:
    findings = []
    for path in _repository_files():
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for label, pattern in patterns.items():
                if pattern.search(line):
                    findings.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {label}")
    return findings


def test_no_secrets_are_committed():
    assert _findings(SECRET_PATTERNS) == []


def test_no_public_bucket_policies():
    assert _findings(PUBLIC_BUCKET_PATTERNS) == []


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("aws_key = 'AKIAABCDEFGHIJKLMNOP'", "AWS access key id"),
        ("url = postgresql://admin:hunter22@db/x", "credentials in a URL"),
        ("MINIO_ROOT_PASSWORD=minio123", "secret in an environment file"),
        ('password = "hunter22"', "secret assigned a literal"),
        ("mc anonymous set public local/bucket", "anonymous access in MinIO"),
        ('{"Principal": "*", "Action": "s3:GetObject"}', "a policy for everyone"),
    ],
)
def test_the_scanner_finds_what_it_looks_for(line, label):
    patterns = {**SECRET_PATTERNS, **PUBLIC_BUCKET_PATTERNS}
    assert patterns[label].search(line)


@pytest.mark.parametrize(
    "line",
    [
        "POSTGRES_PASSWORD=change-me-postgres",
        "password: {env: DAGSTER_POSTGRES_PASSWORD}",
        "--backend-store-uri=postgresql+psycopg2://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres",
        "forecast database at postgresql+psycopg2://victoria:***@127.0.0.1:5432/forecasts",
    ],
)
def test_placeholders_are_not_secrets(line):
    assert not any(pattern.search(line) for pattern in SECRET_PATTERNS.values())


def test_env_example_holds_placeholders_only():
    for line in (PROJECT_ROOT / ".env.example").read_text().splitlines():
        if re.match(r"^[A-Z_]*(PASSWORD|SECRET)[A-Z_]*=", line):
            assert line.split("=", 1)[1].startswith("change-me"), line
