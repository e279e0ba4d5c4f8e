"""Arrays sent to PostgreSQL as one literal read back as the values they were made of."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.postgres import PostgresServer

from gitops_schema.store import db
from gitops_schema.store.writing import pg_array


def test_every_kind_of_value_comes_back(postgres_server: PostgresServer) -> None:
    engine = db.create(postgres_server.create_database())
    moment = datetime(2026, 3, 2, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    texts = st.lists(
        st.one_of(
            st.none(),
            st.text(
                alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
            ),
        ),
        max_size=8,
    )
    with engine.connect() as connection:

        def back(values: list[object], kind: str) -> object:
            statement = f"SELECT %(a)s::{kind}[]"
            return connection.exec_driver_sql(statement, {"a": pg_array(values)}).scalar()

        @settings(max_examples=200, deadline=None)
        @given(values=texts)
        def texts_come_back(values: list[str | None]) -> None:
            assert back(values, "text") == values

        texts_come_back()
        for quoted in (["NULL", "{a,b}", " ", '"', "\\", ""], ["é", "\u212a"]):
            assert back(quoted, "text") == quoted
        assert back([3, 1, 2**40], "bigint") == [3, 1, 2**40]
        assert back([True, False, None], "boolean") == [True, False, None]
        assert back([1.5, 1e-07, None], "float8") == [1.5, 1e-07, None]
        assert back([moment, None], "timestamptz") == [moment.astimezone(UTC), None]
        assert back([], "text") == []
    engine.dispose()
