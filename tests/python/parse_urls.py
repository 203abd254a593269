"""Parses connection URLs as the apps' libraries do.

stdin: JSON list of {"libpq": "postgresql://...", "sqlalchemy": "postgresql+psycopg://..."}.
stdout: JSON list of {"libpq": <psycopg.conninfo.conninfo_to_dict, i.e. libpq's PQconninfoParse>,
"sqlalchemy": <make_url's fields>, "connect": <what SQLAlchemy's psycopg dialect passes to
psycopg.connect>}; a parser that raised gives {"error": "..."}.
"""
import json
import sys

from psycopg.conninfo import conninfo_to_dict
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url


def guarded(parse, url):
    try:
        return parse(url)
    except Exception as error:  # noqa: BLE001 - reported back to the test
        return {"error": f"{type(error).__name__}: {error}"}


def sqlalchemy_fields(url):
    parsed = make_url(url)
    return {
        "drivername": parsed.drivername,
        "username": parsed.username,
        "password": parsed.password,
        "host": parsed.host,
        "port": parsed.port,
        "database": parsed.database,
        "query": dict(parsed.query),
    }


def connect_args(url):
    # The engine is never connected: create_connect_args only translates the URL.
    engine = create_engine(url)
    args, kwargs = engine.dialect.create_connect_args(make_url(url))
    # Only the connection parameters: psycopg's adapters `context` is an object, not a parameter.
    return {"args": list(args), "kwargs": {key: str(value) for key, value in kwargs.items() if isinstance(value, (str, int))}}


json.dump(
    [
        {
            "libpq": guarded(conninfo_to_dict, case["libpq"]),
            "sqlalchemy": guarded(sqlalchemy_fields, case["sqlalchemy"]),
            "connect": guarded(connect_args, case["sqlalchemy"]),
        }
        for case in json.load(sys.stdin)
    ],
    sys.stdout,
)
