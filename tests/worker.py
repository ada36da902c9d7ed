"""A real Celery worker process against the test database (style: real parts, not mocks).

The worker runs ``celery -A policy_portal worker`` in a subprocess, pointed at the same database the
test uses (so tests using it must be ``transaction=True``: the worker only sees committed rows) and
at a queue of its own, so parallel runs and a developer's worker never steal each other's tasks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from policy_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def test_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


test_database_url.__test__ = False  # type: ignore[attr-defined]


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    queue: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-task, as it would in an OOM kill or power loss."""
        self.process.kill()
        self.process.wait(timeout=20)


def start_worker(log: Path, queue: str) -> WorkerProcess:
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "policy_portal.settings_test",
    }
    handle = log.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "policy_portal",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    worker = WorkerProcess(process, queue, log)
    deadline = time.monotonic() + 60
    while "ready." not in worker.output():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"Celery worker did not start:\n{worker.output()[-3000:]}")
        time.sleep(0.2)
    return worker


def wait_for(check: Callable[[], bool], *, timeout: float = 60, worker: WorkerProcess | None = None) -> None:
    """Poll database state until ``check`` holds; a bound on waiting, never an assertion on speed."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            tail = worker.output()[-3000:] if worker else ""
            pytest.fail(f"condition not reached within {timeout}s\n{tail}")
        time.sleep(0.25)


@pytest.fixture
def celery_worker(transactional_db: None, tmp_path: Path) -> Iterator[WorkerProcess]:
    queue = f"test-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    worker = start_worker(tmp_path / "worker.log", queue)
    try:
        yield worker
    finally:
        celery_app.conf.task_default_queue = previous
        if worker.process.poll() is None:
            worker.process.terminate()
            try:
                worker.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.process.kill()
