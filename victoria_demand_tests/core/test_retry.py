import pytest

from victoria_demand.core.retry import RetryPolicy, ServiceUnavailableError, call_with_retries


class Flaky:
    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


def _call(operation, sleeps):
    return call_with_retries(
        operation,
        service="MLflow tracking server",
        address="http://mlflow:5000",
        is_transient=lambda error: isinstance(error, ConnectionError),
        policy=RetryPolicy(attempts=4, first_delay_s=0.5, backoff=2.0),
        sleep=sleeps.append,
    )


def test_a_blink_is_retried_with_backoff():
    sleeps: list[float] = []
    operation = Flaky(2, ConnectionError("refused"))
    assert _call(operation, sleeps) == "ok"
    assert operation.calls == 3 and sleeps == [0.5, 1.0]


def test_a_service_that_stays_down_is_named():
    sleeps: list[float] = []
    operation = Flaky(10, ConnectionError("refused"))
    with pytest.raises(ServiceUnavailableError) as caught:
        _call(operation, sleeps)
    assert operation.calls == 4 and sleeps == [0.5, 1.0, 2.0]
    assert str(caught.value).startswith(
        "MLflow tracking server at http://mlflow:5000 is unavailable (tried 4 time(s))"
    )


def test_other_errors_are_not_retried():
    sleeps: list[float] = []
    operation = Flaky(10, ValueError("bad input"))
    with pytest.raises(ValueError):
        _call(operation, sleeps)
    assert operation.calls == 1 and sleeps == []
