"""One Hive app's database startup, with the real Python clients, against a hive-db stack.

Loads the mode's `.env` (written by `npm run env`) with python-dotenv, connects with
`create_engine(os.environ["HIVE_DATABASE_URL"])` as the apps do, and runs what the flags ask: the
startup `CREATE SCHEMA IF NOT EXISTS` statements, the Alembic migration of seed 002's `hive` tables,
an Agno-style vector table with an HNSW index, and attempts that must be refused. Each step runs
twice where an app would run it at every start. Prints one JSON object {"steps": [...]} and exits 1
if a step failed. Prints SQLSTATEs and server messages only: never a URL or a password.
Driven by tests/integration/apps.test.ts.
"""

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from dotenv import load_dotenv
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from agno_vectors import vectors
from startup_steps import INSUFFICIENT_PRIVILEGE, first_line, refused, sqlstate, step, steps

ALEMBIC_DIR = Path(__file__).parent / "alembic"
HIVE_TABLES = {"alembic_version", "component_versions", "version_history", "agent_metrics"}


def check_session(engine: Engine) -> None:
    with engine.connect() as connection:
        user, database, path = connection.execute(text("SELECT current_user, current_database(), current_setting('search_path')")).one()
    expected = (os.environ["POSTGRES_USER"], os.environ["POSTGRES_DB"], os.environ["HIVE_DB_SCHEMA"])
    ok = (user, database, path.split(",")[0].strip()) == expected
    step("sqlalchemy", ok, f"{user}@{database}, search_path {path}")


async def pooled_search_path(url: str) -> str:
    # The Hive DatabaseService: the SQLAlchemy URL minus its driver marker, in psycopg's async pool.
    pool = AsyncConnectionPool(url.replace("postgresql+psycopg://", "postgresql://"), min_size=1, max_size=1, open=False)
    await pool.open()
    try:
        async with pool.connection() as connection:
            return (await (await connection.execute("SHOW search_path")).fetchone())[0]
    finally:
        await pool.close()


def check_psycopg(engine: Engine) -> None:
    with engine.connect() as connection:
        expected = connection.execute(text("SHOW search_path")).scalar_one()
    actual = asyncio.run(pooled_search_path(os.environ["HIVE_DATABASE_URL"]))
    step("psycopg-pool", actual == expected, f"search_path {actual}")


def startup_schemas(engine: Engine, schemas: list[str]) -> None:
    for start in (1, 2):
        for schema in schemas:
            try:
                with engine.begin() as connection:
                    connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
            except DBAPIError as error:
                step("startup-schemas", False, f"start {start}: CREATE SCHEMA IF NOT EXISTS {schema}: {first_line(error)}")
                return
    step("startup-schemas", True, f"CREATE SCHEMA IF NOT EXISTS {', '.join(schemas)}, twice")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    # Where an app hands the URL to Alembic's config, '%' must be doubled (ConfigParser interpolation).
    config.set_main_option("sqlalchemy.url", os.environ["HIVE_DATABASE_URL"].replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    config = alembic_config()
    if config.get_main_option("sqlalchemy.url") != os.environ["HIVE_DATABASE_URL"]:
        step("alembic", False, "the escaped URL does not read back from Alembic's config")
        return
    command.upgrade(config, "head")
    command.upgrade(config, "head")
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection, opts={"version_table_schema": "hive"}).get_current_revision()
        owners = dict(connection.execute(text("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'hive'")).all())
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO hive.component_versions (component_id, component_type, version, config) VALUES ('a', 'agent', 1, '{}')")
        )
    ok = revision == "0001" and set(owners) == HIVE_TABLES and set(owners.values()) == {os.environ["POSTGRES_USER"]}
    step("alembic", ok, f"upgrade head twice: revision {revision}; hive tables {sorted(owners)} owned by {sorted(set(owners.values()))}")


def refusals(engine: Engine, tables: list[str]) -> None:
    for table in tables:
        schema = table.split(".")[0]
        problems = [
            f"{what}: {outcome}"
            for what, sql in [
                ("SELECT", f"SELECT * FROM {table}"),
                ("INSERT", f"INSERT INTO {table} DEFAULT VALUES"),
                ("CREATE TABLE", f"CREATE TABLE {schema}.app_startup_probe (id int)"),
            ]
            if (outcome := refused(engine, sql)) is not None
        ]
        step(f"refused {table}", not problems, "; ".join(problems) or "SELECT, INSERT and CREATE TABLE refused (42501)")


def refused_migration() -> None:
    try:
        command.upgrade(alembic_config(), "head")
    except DBAPIError as error:
        ok = sqlstate(error) == INSUFFICIENT_PRIVILEGE
        step("refused migration", ok, f"{sqlstate(error)}: {first_line(error)}")
        return
    step("refused migration", False, "the hive migration ran")


def refused_database(database: str) -> None:
    url = os.environ["HIVE_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    try:
        psycopg.connect(url, dbname=database, connect_timeout=10).close()
    except psycopg.Error as error:
        message = first_line(error)
        step(f"refused database {database}", "permission denied for database" in str(error), message)
        return
    step(f"refused database {database}", False, f"connected to {database}")


def read(spec: str) -> None:
    database, table = spec.split(":")
    name = f"HIVE_READ_DATABASE_URL_{database.upper()}"
    engine = create_engine(os.environ[name])
    schema = table.split(".")[0]
    with engine.connect() as connection:
        # Unqualified: the read URL's search_path reaches the table and the extensions' operators.
        nearest = connection.execute(text(f"SELECT name FROM {table.split('.')[1]} ORDER BY embedding <=> '[1,2,4]' LIMIT 1")).scalar_one()
        user = connection.execute(text("SELECT current_user")).scalar_one()
    problems = [
        f"{what}: {outcome}"
        for what, sql in [
            ("INSERT", f"INSERT INTO {table} (id) VALUES (99)"),
            ("CREATE TABLE", f"CREATE TABLE {schema}.app_startup_probe (id int)"),
            ("CREATE SCHEMA", "CREATE SCHEMA app_startup_probe"),
        ]
        if (outcome := refused(engine, sql)) is not None
    ]
    ok = nearest == "near" and user == os.environ["POSTGRES_USER"] and not problems
    step(f"read {database}", ok, f"{name}: SELECT as {user} found {nearest}; " + ("; ".join(problems) or "INSERT, CREATE refused"))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", required=True, help="the mode's .env file")
    parser.add_argument("--schemas", default="", help="comma-separated schemas the app creates at startup")
    parser.add_argument("--migrate", action="store_true", help="run the hive Alembic migration (workspace)")
    parser.add_argument("--vectors", metavar="SCHEMA", help="create the Agno-style vector table in SCHEMA")
    parser.add_argument("--refused", action="append", default=[], metavar="SCHEMA.TABLE")
    parser.add_argument("--refused-migration", action="store_true")
    parser.add_argument("--refused-database", action="append", default=[], metavar="DATABASE")
    parser.add_argument("--read", action="append", default=[], metavar="DATABASE:SCHEMA.TABLE")
    args = parser.parse_args()

    load_dotenv(args.env, override=True)
    try:
        run(args)
    except Exception as error:  # noqa: BLE001 - reported as a failed step, with no traceback to leak a value
        step("unexpected error", False, f"{type(error).__name__}: {first_line(error)}")
    print(json.dumps({"steps": steps}))
    return 0 if steps and all(entry["ok"] for entry in steps) else 1


def guarded(name: str, action, *args) -> None:
    """Runs one step; an exception fails that step alone, so the report shows every outcome."""
    try:
        action(*args)
    except Exception as error:  # noqa: BLE001 - reported as a failed step, with no traceback to leak a value
        step(name, False, f"{type(error).__name__}: {first_line(error)}")


def run(args: argparse.Namespace) -> None:
    engine = create_engine(os.environ["HIVE_DATABASE_URL"])
    guarded("sqlalchemy", check_session, engine)
    guarded("psycopg-pool", check_psycopg, engine)
    if args.schemas:
        guarded("startup-schemas", startup_schemas, engine, args.schemas.split(","))
    if args.migrate:
        guarded("alembic", migrate, engine)
    if args.vectors:
        guarded("vectors", vectors, engine, args.vectors)
    guarded("refused", refusals, engine, args.refused)
    if args.refused_migration:
        guarded("refused migration", refused_migration)
    for database in args.refused_database:
        guarded(f"refused database {database}", refused_database, database)
    for spec in args.read:
        guarded(f"read {spec.split(':')[0]}", read, spec)
    engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
