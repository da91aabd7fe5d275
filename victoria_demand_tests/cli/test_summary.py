"""The summary `make run` ends with, read from what a home holds."""

from __future__ import annotations

import re

from victoria_demand.cli.summary import print_summary
from victoria_demand.instance import embedded
from victoria_demand_tests.state import copy_home


def test_a_finished_home_reads_every_year_and_the_alias(
    first_run, tmp_path, monkeypatch, capsys, use_mlflow_store
):
    home = copy_home(first_run[0], tmp_path / "home")
    monkeypatch.setenv("VICTORIA_DEMAND_HOME", str(home))
    # the registry resource sets MLflow's process-wide URIs (and their variables, which
    # later subprocesses of this worker would inherit): put back after the test
    use_mlflow_store(f"sqlite:///{home / 'mlflow.db'}")
    assert print_summary(embedded.embedded_instance(home)) == 0
    table = capsys.readouterr().out
    # each December's errors and versions, as the run recorded them
    assert re.search(r"^2012 +315\.6 +212\.2 +4\.91 +985\.7 +14\.93 +1 +1 +1488$", table, re.M)
    assert re.search(r"^2014 +208\.6 +160\.7 +3\.79 .* 3 +3\* +1488$", table, re.M)
    assert "average December MAPE: 4.37 %" in table
    assert re.search(r"^2013 +80\.2 +610 +7991 +8253 +8156$", table, re.M)  # band and peak
    # the outlook issued on 30 November: P50 MAPE, band, peak POE50 and POE10, actual peak
    assert re.search(r"^2013 +2013-11-30 +5\.61 +87\.4 +7690 +8143 +8156$", table, re.M)
    assert "'champion' alias of 'victoria_demand_december': version 3 (* above)" in table
    # the table summarizes: nothing printed twice
    assert table.count("average December MAPE") == 1


def test_an_empty_home_says_so_and_fails(tmp_path, monkeypatch, capsys, use_mlflow_store):
    monkeypatch.setenv("VICTORIA_DEMAND_HOME", str(tmp_path))
    use_mlflow_store(f"sqlite:///{tmp_path / 'mlflow.db'}")
    assert print_summary(embedded.embedded_instance(tmp_path)) == 1
    out = capsys.readouterr().out
    assert "(no source ingested yet)" in out and "version unset" in out
