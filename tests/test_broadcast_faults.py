"""Broadcasts under network faults that leave a send's fate unknown, and dead lease holders."""

from __future__ import annotations

import io
import os
import socket
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import RequestData

from bot.cli_broadcast import broadcast_main
from bot.demo.offline_api import OfflineBotAPI
from bot.jobs import tick
from bot.services.broadcasts.audience import parse_audience
from bot.services.broadcasts.delivery import Ambiguous, Rejected, SendError, Transient
from bot.storage import broadcasts as store
from bot.telegram.broadcast_text import report_text
from bot.telegram.sender import TelegramSender
from tests.helpers.broadcasts import FAST, cli_args, delivered, deliveries_of, fast, seed_chats
from tests.helpers.harness import BotHarness, FrozenClock
from tests.helpers.process import dead_pid

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class LateAnswers(OfflineBotAPI):
    """Telegram delivers every message, but to ``late`` chats its first answer never comes
    back in time (a read timeout); sends to ``refused`` chats fail to connect once."""

    def __init__(self, late: set[int], refused: set[int]) -> None:
        super().__init__()
        self.late, self.refused = set(late), set(refused)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        chat_id = int(request_data.parameters.get("chat_id", 0)) if request_data else 0
        if url.endswith("/sendMessage") and chat_id in self.refused:
            self.refused.discard(chat_id)
            raise NetworkError("httpx.ConnectError: connection refused")
        answer = await super().do_request(url, method, request_data, *args, **kwargs)
        if url.endswith("/sendMessage") and chat_id in self.late:
            self.late.discard(chat_id)
            raise TimedOut("Timed out") from httpx.ReadTimeout("read timed out")
        return answer


async def test_a_send_with_no_answer_is_not_resent_then_resend_unknown_sends_it(
    harness: BotHarness, clock: FrozenClock
) -> None:
    ids = list(range(5000, 5200))
    late, refused = set(ids[::23]), set(ids[5::31]) - set(ids[::23])
    await harness.stop()
    harness.api = api = LateAnswers(late, refused)
    await harness.start()
    sleeps = fast(harness)
    seed_chats(harness, len(ids))
    svc = harness.services.broadcasts
    bid = svc.create(parse_audience("all", harness.services.spec), {"en": {"html": "hi"}})

    report = await svc.run(bid, harness.services.delivery)

    got = delivered(api.calls, "hi")
    assert set(got) == set(ids) and max(got.values()) == 1  # nobody got it twice
    assert (report.sent, report.unknown, report.failed, report.left) == (
        len(ids) - len(late),
        len(late),
        0,
        0,
    )
    rows = {r.chat_id: r for r in deliveries_of(harness.db, bid)}
    assert {c for c, r in rows.items() if r.status == "unknown"} == late
    assert all("may have arrived" in (rows[c].error or "") for c in late)
    assert all(rows[c].status == "sent" for c in refused)  # a connect error is retried
    assert [w for w in sleeps.waits if w == FAST.backoff]  # after a backoff
    assert harness.services.delivery.stats.unknown == len(late)
    shown = report_text(harness.services.catalog, "en", report)
    assert f"❔ {len(late)}" in shown

    # A plain resume sends nothing; with --resend-unknown, those chats get it again.
    again = OfflineBotAPI()
    out, err = io.StringIO(), io.StringIO()
    resume = dict(request=again, limits=FAST, clock=clock, progress_every=0.001)
    code = await broadcast_main(cli_args(resume=bid), harness.settings, err=err, **resume)
    assert code == 1 and "cannot be resumed (done)" in err.getvalue()
    code = await broadcast_main(
        cli_args(resume=bid, resend_unknown=True), harness.settings, out=out, err=err, **resume
    )
    assert code == 0, err.getvalue()
    assert f"{len(late)} unknown to send again" in out.getvalue()
    assert delivered(again.calls, "hi") == {c: 1 for c in late}
    final = svc.report(bid)
    assert final is not None and final.status == "done"
    assert (final.sent, final.unknown, final.left) == (len(ids), 0, 0)
    # Nothing unknown any more: a second resend sends nothing.
    out = io.StringIO()
    code = await broadcast_main(
        cli_args(resume=bid, resend_unknown=True), harness.settings, out=out, err=err, **resume
    )
    assert code == 0 and "0 unknown to send again" in out.getvalue()
    assert len(delivered(again.calls, "hi")) == len(late)


async def test_resend_unknown_waits_for_a_live_sender(
    harness: BotHarness, clock: FrozenClock
) -> None:
    fast(harness)
    seed_chats(harness, 5)
    svc = harness.services.broadcasts
    bid = svc.create(parse_audience("all", harness.services.spec), {"en": {"html": "hi"}})
    other = replace(svc, runner="elsewhere:1:abcd")
    assert other._begin(bid) is not None
    assert svc.resend_unknown(bid) is None  # it could page past them and finish without them
    out, err = io.StringIO(), io.StringIO()
    code = await broadcast_main(
        cli_args(resume=bid, resend_unknown=True),
        harness.settings,
        request=OfflineBotAPI(),
        limits=FAST,
        out=out,
        err=err,
        clock=clock,
    )
    assert code == 1 and "another process" in err.getvalue()
    assert not out.getvalue() and store.delivery_counts(harness.db, bid) == {"pending": 5}


Raise = Callable[[], TimedOut | NetworkError]


def timed_out(cause: Exception) -> TimedOut:
    try:
        raise TimedOut("Timed out") from cause
    except TimedOut as exc:
        return exc


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (lambda: timed_out(httpx.ReadTimeout("read")), Ambiguous),
        (lambda: timed_out(httpx.WriteTimeout("write")), Ambiguous),
        (lambda: TimedOut(), Ambiguous),  # no cause: assume the worst
        (lambda: timed_out(httpx.ConnectTimeout("connect")), Transient),
        (lambda: timed_out(httpx.PoolTimeout("pool")), Transient),
        (lambda: NetworkError("httpx.ConnectError: refused"), Transient),
        (lambda: NetworkError("Bad Gateway"), Transient),
        (lambda: BadRequest("Chat not found"), Rejected),
    ],
)
async def test_the_adapter_tells_maybe_delivered_from_never_sent(
    error: Raise, expected: type[SendError]
) -> None:
    def make(bot: Bot) -> Awaitable[object]:
        raise error()

    with pytest.raises(SendError) as caught:
        await TelegramSender(Bot("1:x")).request(make)
    assert type(caught.value) is expected


async def test_a_lease_held_by_a_dead_process_of_this_host_is_taken_over_at_once(
    harness: BotHarness,
) -> None:
    fast(harness)
    ids = seed_chats(harness, 20)
    svc = harness.services.broadcasts
    bid = svc.create(parse_audience("all", harness.services.spec), {"en": {"html": "hi"}})
    crashed = replace(svc, runner=f"{socket.gethostname()}:{dead_pid()}:dead")
    assert crashed._begin(bid) is not None  # it fixed the audience, then died

    assert svc.due() == [bid]
    tasks = await tick(harness.application)  # the clock has not moved at all
    report = (await tasks[0]) if tasks else None
    assert report is not None and not report.busy and report.sent == len(ids)
    assert delivered(harness.api.calls, "hi") == {c: 1 for c in ids}


async def test_a_live_holder_is_respected_until_its_heartbeat_is_a_few_seconds_old(
    harness: BotHarness, clock: FrozenClock
) -> None:
    fast(harness)
    ids = seed_chats(harness, 10)
    svc = harness.services.broadcasts
    audience = parse_audience("all", harness.services.spec)
    local = svc.create(audience, {"en": {"html": "hi"}})
    remote = svc.create(audience, {"en": {"html": "hi"}})
    assert replace(svc, runner=f"{socket.gethostname()}:{os.getpid()}:alive")._begin(local)
    assert replace(svc, runner="elsewhere:4242:other")._begin(remote)

    assert await tick(harness.application) == []
    assert (await svc.run(local, harness.services.delivery)).busy
    assert (await svc.run(remote, harness.services.delivery)).busy
    clock.advance(seconds=5)
    assert svc.due() == []
    clock.advance(seconds=6)  # 11 s without a heartbeat (they beat every 3 s): gone
    assert svc.due() == [local, remote]
    reports = [await task for task in await tick(harness.application)]
    assert [r.sent for r in reports] == [len(ids), len(ids)]
    assert delivered(harness.api.calls, "hi") == Counter({c: 2 for c in ids})  # once each
