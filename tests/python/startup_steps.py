"""The report app_startup.py prints: one entry per step, and how a refused statement is told apart
from one that failed for another reason. Prints SQLSTATEs and server messages only."""

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

INSUFFICIENT_PRIVILEGE = "42501"

steps: list[dict] = []


def step(name: str, ok: bool, detail: str) -> bool:
    steps.append({"step": name, "ok": ok, "detail": detail})
    return ok


def sqlstate(error: BaseException) -> str | None:
    original = error.orig if isinstance(error, DBAPIError) else error
    return getattr(original, "sqlstate", None)


def first_line(error: BaseException) -> str:
    original = error.orig if isinstance(error, DBAPIError) else error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__


def refused(engine: Engine, sql: str) -> str | None:
    """None when `sql` was refused for lack of privilege; else what happened instead."""
    with engine.connect() as connection:
        try:
            connection.execute(text(sql))
        except DBAPIError as error:
            return None if sqlstate(error) == INSUFFICIENT_PRIVILEGE else f"failed otherwise: {first_line(error)}"
        finally:
            connection.rollback()
    return "succeeded"
