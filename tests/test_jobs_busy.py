"""The periodic jobs while another process holds the write lock (e.g. the command line sending
a broadcast): said once at INFO, tried again on the next run, never an ERROR traceback."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot import jobs
from bot.app import build_application
from bot.config import Settings
from bot.demo.offline_api import OfflineBotAPI
from tests.helpers.harness import FrozenClock


@pytest.fixture
async def application(settings: Settings, clock: FrozenClock) -> AsyncIterator[Any]:
    app = build_application(settings, request=OfflineBotAPI(), clock=clock, job_queue=True)
    await app.initialize()
    jobs.schedule(app)  # the jobs `run` schedules, with their own data
    yield app
    await app.shutdown()
    app.bot_data.services.maintenance.close()


def job_named(application: Any, name: str) -> Any:
    [job] = [job for job in application.job_queue.jobs() if job.name == name]
    return job


def records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == level and r.name.startswith("bot")]


@pytest.mark.parametrize("name", ["_housekeeping_job", "_tick_job"])
async def test_a_job_waiting_for_another_process_says_so_once_and_goes_on_after(
    application: Any,
    settings: Settings,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    signin = application.bot_data.services.signin
    signin.issue_link(900)  # to be pruned by housekeeping once it expires
    clock.advance(days=1)
    job = job_named(application, name)
    other = sqlite3.connect(settings.db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO operator_meta (key, value) VALUES ('cli', 'writing')")
    with caplog.at_level(logging.INFO):
        for _ in range(3):  # three runs while the lock is held
            await job.run(application)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    [waiting] = records(caplog, logging.INFO)
    assert "another process" in waiting.getMessage() and waiting.exc_info is None

    other.execute("COMMIT")
    other.close()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        await job.run(application)
        await job.run(application)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    [free] = records(caplog, logging.INFO)
    assert "free again" in free.getMessage()
    if name == "_housekeeping_job":
        assert signin.prune() == 0  # the retried run pruned the expired link
