"""Alembic environment shaped like the Hive app's (seed 002): the URL comes from HIVE_DATABASE_URL,
an async psycopg 3 engine runs the migrations, the `hive` schema is created first with
CREATE SCHEMA IF NOT EXISTS, and the version table lives in `hive`."""

import asyncio
import os

from alembic import context
from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

SCHEMA = "hive"


def do_run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=None, version_table_schema=SCHEMA, include_schemas=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    # As the app does: the URL straight from the environment into the engine's configuration (a
    # dict, so ConfigParser's %-interpolation never sees the URL's percent-encoded options).
    configuration = context.config.get_section(context.config.config_ini_section, {})
    configuration["sqlalchemy.url"] = os.environ["HIVE_DATABASE_URL"]
    engine = async_engine_from_config(configuration, prefix="sqlalchemy.", poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
        await connection.commit()
        await connection.run_sync(do_run_migrations)
    await engine.dispose()


asyncio.run(run_async_migrations())
