"""The one error type for input that cannot be trusted."""

from __future__ import annotations


class DemandDataError(ValueError):
    """Bad input data, located precisely enough to fix it.

    ``line`` is the 1-based line of the source file (the header is line 1), so the message
    can be checked against the file in any editor.
    """

    def __init__(
        self,
        source: str,
        message: str,
        *,
        column: str | None = None,
        line: int | None = None,
    ) -> None:
        self.source = source
        self.column = column
        self.line = line
        where = [source]
        if column is not None:
            where.append(f"column {column!r}")
        if line is not None:
            where.append(f"line {line}")
        super().__init__(f"{', '.join(where)}: {message}")
