"""The outside programs some tests need (a Java runtime for Spark, a PostgreSQL server):
found, or the test is skipped with the reason -- unless ``RETENTION_XL_REQUIRE_SERVICES=1``
(set by ``.ci/run``), where a missing program fails the test instead."""

import contextlib
import os
import shutil
import uuid

import pytest

REQUIRED = os.environ.get("RETENTION_XL_REQUIRE_SERVICES") == "1"
#: where the tests find PostgreSQL (``.ci/run`` starts one on loopback with this URL)
POSTGRES_URL = os.environ.get("RETENTION_XL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def unavailable(reason: str):
    """Skip (a developer machine without the program) or fail (CI must run it)."""
    if REQUIRED:
        pytest.fail(f"{reason} (RETENTION_XL_REQUIRE_SERVICES=1: CI must run this test)")
    pytest.skip(reason)


def spark_or_skip():
    """A local Spark session shared by the tests of a module."""
    pytest.importorskip("pyspark") if not REQUIRED else None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        unavailable("no Java runtime: Spark cannot start (apt-get install openjdk-17-jre-headless)")
    from retention_xl.engines.spark_engine import spark_session

    return spark_session("local[2]")


def postgres_or_skip():
    """A connection to the test PostgreSQL server."""
    psycopg = pytest.importorskip("psycopg") if not REQUIRED else __import__("psycopg")
    try:
        return psycopg.connect(POSTGRES_URL, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as e:
        unavailable(f"no PostgreSQL server at {POSTGRES_URL} ({str(e).strip().splitlines()[0][:120]})")


@contextlib.contextmanager
def postgres_table(stem: str):
    """A table name of this run only (``stem`` and a random suffix), so that two test runs
    on one server never write each other's tables; the table is dropped afterwards,
    whatever the test did."""
    name = f"{stem}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        yield name
    finally:
        with contextlib.suppress(Exception), postgres_or_skip() as con:
            con.execute(f'DROP TABLE IF EXISTS "{name}"')

