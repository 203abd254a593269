"""An Agno-style vector table, as Agno's PgVector creates it at startup: `VECTOR(n)` unqualified
(found through the role's search_path), `CREATE EXTENSION IF NOT EXISTS vector`, the schema, and an
HNSW index; then a nearest-neighbour query."""

from sqlalchemy import Column, Integer, MetaData, String, Table, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import UserDefinedType

from startup_steps import first_line, step

VECTOR_TABLE = "knowledge_vectors"


class Vector(UserDefinedType):
    """The column type Agno declares through pgvector.sqlalchemy: `VECTOR(n)`, unqualified."""

    cache_ok = True

    def __init__(self, dimensions: int):
        self.dimensions = dimensions

    def get_col_spec(self, **_kw):
        return f"VECTOR({self.dimensions})"


def vector_table(schema: str) -> Table:
    return Table(
        VECTOR_TABLE,
        MetaData(schema=schema),
        Column("id", Integer, primary_key=True),
        Column("name", String),
        Column("embedding", Vector(3)),
    )


def agno_create(engine: Engine, schema: str) -> str | None:
    """What Agno's PgVector.create() runs at startup for `schema=...`. Agno logs a failed CREATE
    SCHEMA as a warning and carries on; that warning is returned (None: no warning)."""
    table = vector_table(schema)
    warning = None
    if not inspect(engine).has_table(VECTOR_TABLE, schema=schema):
        with Session(engine) as session, session.begin():
            session.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
            try:
                session.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
            except DBAPIError as error:
                warning = f"Could not create schema {schema}: {first_line(error)}"
        table.create(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS {VECTOR_TABLE}_hnsw ON {schema}.{VECTOR_TABLE} "
                "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
            )
        )
    return warning


def vectors(engine: Engine, schema: str) -> None:
    warnings = [warning for warning in (agno_create(engine, schema) for _start in (1, 2)) if warning is not None]
    with engine.begin() as connection:
        connection.execute(
            text(
                f"INSERT INTO {schema}.{VECTOR_TABLE} (id, name, embedding) VALUES (1, 'near', '[1,2,3]'), (2, 'far', '[-3,0,1]') "
                "ON CONFLICT (id) DO NOTHING"
            )
        )
        nearest = connection.execute(text(f"SELECT name FROM {schema}.{VECTOR_TABLE} ORDER BY embedding <=> '[1,2,4]' LIMIT 1")).scalar_one()
        index = connection.execute(
            text("SELECT indexdef FROM pg_indexes WHERE schemaname = :schema AND indexname = :name"),
            {"schema": schema, "name": f"{VECTOR_TABLE}_hnsw"},
        ).scalar_one_or_none()
    ok = nearest == "near" and index is not None and "hnsw" in index and not warnings
    detail = f"{schema}.{VECTOR_TABLE} vector(3) with an HNSW index, created twice; nearest: {nearest}"
    step("vectors", ok, "; ".join([detail, *(f"Agno would warn: {warning}" for warning in warnings)]))
