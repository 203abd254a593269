"""Reads .env bodies with python-dotenv, as the Hive apps do (dotenv_values, default interpolation).

stdin: JSON list of .env bodies. stdout: JSON list, per body a map of key to value (null: no value)
or {"error": "..."} when python-dotenv raised.
"""
import io
import json
import logging
import sys

from dotenv import dotenv_values

# python-dotenv logs unparseable lines; the caller compares values, so the warnings are noise.
logging.disable(logging.CRITICAL)


def read(body):
    try:
        return dict(dotenv_values(stream=io.StringIO(body)))
    except Exception as error:  # noqa: BLE001 - reported back to the test
        return {"error": f"{type(error).__name__}: {error}"}


json.dump([read(body) for body in json.load(sys.stdin)], sys.stdout)
