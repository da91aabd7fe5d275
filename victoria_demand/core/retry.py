"""Bounded retries with exponential backoff for services that may blink, and one error that
names the service when they stay down."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


class ServiceUnavailableError(RuntimeError):
    """A service did not answer, even after retrying; says which one and where."""

    def __init__(self, service: str, address: str, attempts: int, cause: BaseException) -> None:
        self.service = service
        self.address = address
        self.attempts = attempts
        super().__init__(
            f"{service} at {address} is unavailable (tried {attempts} time(s)): "
            f"{type(cause).__name__}: {str(cause)[:500]}"
        )


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    first_delay_s: float = 0.5
    backoff: float = 2.0  # 0.5 s, 1 s, 2 s: about 3.5 s before giving up

    def delays(self) -> list[float]:
        return [self.first_delay_s * self.backoff**n for n in range(self.attempts - 1)]


def call_with_retries(
    operation: Callable[[], T],
    *,
    service: str,
    address: str,
    is_transient: Callable[[BaseException], bool],
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``operation``; retry it on transient errors; raise ServiceUnavailableError when
    the last attempt fails too. Other errors pass through at once."""
    for delay in [*policy.delays(), None]:
        try:
            return operation()
        except Exception as error:
            if not is_transient(error):
                raise
            if delay is None:
                raise ServiceUnavailableError(service, address, policy.attempts, error) from error
            sleep(delay)
