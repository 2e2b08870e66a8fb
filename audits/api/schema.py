"""Post-processing of the OpenAPI schema: what depends on the database is not part of the contract."""

from __future__ import annotations

from typing import Any

# The ranges of the database's integer columns (SQLite's and PostgreSQL's differ): REST framework
# copies them into the schema as bounds, which would make the published schema depend on the engine.
DATABASE_INTEGER_LIMITS = frozenset({2**63 - 1, -(2**63), 2**31 - 1, -(2**31), 2**15 - 1, -(2**15)})


def drop_database_integer_limits(result: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    """drf-spectacular hook: remove `minimum`/`maximum` that are only a column type's range (and the
    integer format inferred from it)."""
    _drop_limits(result)
    return result


def _drop_limits(node: Any) -> None:
    if isinstance(node, dict):
        dropped = False
        for bound in ("minimum", "maximum"):
            if node.get(bound) in DATABASE_INTEGER_LIMITS:
                del node[bound]
                dropped = True
        if dropped and node.get("format") in ("int32", "int64"):
            del node["format"]  # inferred from that range
        for value in node.values():
            _drop_limits(value)
    elif isinstance(node, list):
        for value in node:
            _drop_limits(value)
