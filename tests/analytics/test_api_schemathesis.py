"""schemathesis against the read API's OpenAPI: no input makes a server error (kept short)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from .conftest import Served


def test_no_server_error(served: Served) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", served.client.app)
    headers = {"Authorization": f"Bearer {served.read}"}
    operations = [
        result.ok()
        for result in schema.include(tag_regex="^(reports|dashboard)$").get_all_operations()
    ]
    assert len(operations) == 5

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        call()
