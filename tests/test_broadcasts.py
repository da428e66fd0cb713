"""Broadcasts through the real Application: faults, exactly-once, crash and resume, CLI."""

from __future__ import annotations

import argparse
import asyncio
import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram.error import TimedOut

from bot.broadcast_runs import start_broadcast
from bot.cli_broadcast import broadcast_main
from bot.config import ConfigError
from bot.demo.offline_api import OfflineBotAPI
from bot.jobs import tick
from bot.services.broadcasts.delivery import Delivery
from bot.storage import broadcasts as store
from bot.telegram.sender import TelegramSender
from tests.helpers.broadcasts import (
    FAST,
    OPERATOR,
    STEPS,
    Sleeps,
    delivered,
    deliveries_of,
    fast,
    seed_chats,
)
from tests.helpers.harness import EN_USER, BotHarness, FrozenClock, texts

# PTB itself warns, when it builds a RetryAfter, that retry_after becomes a timedelta in v23;
# bot.services.broadcasts.delivery already accepts both.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class SlowAnswers(OfflineBotAPI):
    """Telegram takes the message at once, but its answer takes a moment to come back."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        answer = await super().do_request(*args, **kwargs)
        await asyncio.sleep(0.001)
        return answer


def connect_timeouts(api: OfflineBotAPI, chat_ids: list[int], times: int) -> None:
    """The next ``times`` sends to each chat cannot connect: they certainly never left."""
    left = dict.fromkeys(chat_ids, times)

    def respond(params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        if left.get(chat_id, 0) > 0:
            left[chat_id] -= 1
            raise TimedOut("Timed out") from httpx.ConnectTimeout("connect timed out")
        return api._message("sendMessage", params)

    api.responders["sendMessage"] = respond


async def test_a_few_hundred_chats_each_get_it_exactly_once_despite_faults(
    harness: BotHarness,
) -> None:
    sleeps = fast(harness)
    ids = seed_chats(harness, 300)
    api = harness.api
    api.fail("sendMessage", 429, chat_id=ids[10], retry_after=7, times=2)
    for chat_id in ids[20:25]:
        api.fail("sendMessage", 403, chat_id=chat_id)
    connect_timeouts(api, ids[30:33], times=2)  # then fine (a read timeout is not retried)
    api.fail("sendMessage", 502, chat_id=ids[40], times=1)
    api.fail("sendMessage", 500, chat_id=ids[41], times=99)  # never recovers
    api.fail("sendMessage", 400, "Bad Request: chat not found", chat_id=ids[42])

    ops = harness.services
    svc = ops.broadcasts
    from bot.services.broadcasts.audience import parse_audience

    bid = svc.create(
        parse_audience("all", harness.services.spec),
        {
            "en": {"kind": "text", "html": "Hello <b>all</b>"},
            "zh": {"kind": "text", "html": "大家好"},
        },
    )
    report = await svc.run(bid, ops.delivery)

    got = delivered(api.calls)
    blocked, failed = set(ids[20:25]), {ids[41], ids[42]}
    assert all(got[c] == 1 for c in ids if c not in blocked | failed)
    assert all(got[c] == 0 for c in blocked | failed)
    assert (report.sent, report.blocked, report.failed, report.left) == (293, 5, 2, 0)
    assert report.status == "done"
    assert any(abs(w - 7.0) < 0.1 for w in sleeps.waits)  # the 429's retry_after honoured
    assert [w for w in sleeps.waits if w in (0.5, 1.0, 2.0)]  # backoff before retries
    # Chinese chats got the Chinese variant.
    zh_calls = [c for c in api.calls if c.chat_id == ids[0] and c.result is not None]
    assert zh_calls[0].text == "大家好"
    # Each delivery is recorded; blocked chats are inactive and left out next time.
    rows = {r.chat_id: r for r in deliveries_of(harness.db, bid)}
    assert rows[ids[20]].status == "blocked" and "blocked" in rows[ids[20]].error
    assert rows[ids[41]].status == "failed" and rows[ids[41]].attempts == 1
    assert rows[ids[30]].status == "sent"
    assert harness.services.progress.get(ids[20]).active is False
    assert svc.count(parse_audience("all", harness.services.spec)) == 295


async def test_operator_composes_previews_confirms_and_sees_progress(
    harness: BotHarness,
) -> None:
    fast(harness)
    seed_chats(harness, 40)
    calls = await harness.command(OPERATOR, "/broadcast")
    assert "Send the message now" in texts(calls)
    entities = [{"type": "bold", "offset": 0, "length": 5}]
    calls = await harness.send(OPERATOR, "Hello <team>", entities=entities)
    assert "Chinese variant" in texts(calls)
    calls = await harness.press(OPERATOR, calls[-1].buttons()[0][1])  # add a Chinese variant
    calls = await harness.send(OPERATOR, "你好")
    assert "Who should get it" in texts(calls)
    menu = dict((label, data) for label, data in calls[-1].buttons())
    calls = await harness.press(OPERATOR, menu["By stage"])
    stage2 = next(data for label, data in calls[-1].buttons() if label.startswith("2 ·"))
    calls = await harness.press(OPERATOR, stage2)
    summary = texts(calls)
    # Preview of both variants, formatting kept and user text escaped, then the count.
    assert "<b>Hello</b> &lt;team&gt;" in summary and "你好" in summary
    stage = "Companies in stage 2 “Tmall Operator (New) certification”"
    assert f"📋 Audience: {stage} · <b>12</b> companies" in summary  # op_apply + op_audit chats
    go = dict(calls[-1].buttons())["✅ Confirm and send"]
    calls = await harness.press(OPERATOR, go)
    assert "is starting" in texts(calls)
    task = harness.application.bot_data.broadcast_runs[1]
    await task
    progress = [c for c in harness.api.calls if c.chat_id == 900]
    assert progress[0].method == "sendMessage" and "Broadcast #1" in progress[0].text
    assert progress[-1].method == "editMessageText" and "finished" in progress[-1].text
    assert "sent 12" in progress[-1].text
    got = delivered(harness.api.calls)
    assert sum(n for chat, n in got.items() if chat != 900) == 12
    # A second press of the old confirm button sends nothing again.
    calls = await harness.press(OPERATOR, go)
    assert "already confirmed" in texts(calls)
    calls = await harness.command(OPERATOR, "/broadcasts")
    assert "Broadcast #1" in texts(calls) and "finished" in texts(calls)


async def test_non_operators_get_one_refusal_and_nothing_else(harness: BotHarness) -> None:
    for command in ("/broadcast", "/broadcasts", "/stats"):
        calls = await harness.command(EN_USER, command)
        assert [c.method for c in calls] == ["sendMessage"]
        assert "for operators only" in texts(calls)
    calls = await harness.press(EN_USER, "bc|1|go")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "for operators only" in texts(calls)
    calls = await harness.press(EN_USER, "bcx|1")
    assert "for operators only" in texts(calls)
    # Their free text is not taken as broadcast content.
    await harness.command(EN_USER, "/start")
    calls = await harness.send(EN_USER, "hello")
    assert "answer with the buttons" in texts(calls)
    assert harness.db.execute("SELECT COUNT(*) FROM broadcasts").fetchone()[0] == 0


async def test_bad_input_in_the_conversation_gets_a_clear_answer(
    harness: BotHarness, clock: FrozenClock
) -> None:
    fast(harness)
    seed_chats(harness, 10)
    await harness.command(OPERATOR, "/broadcast")
    calls = await harness.feed(harness.updates.sticker(OPERATOR))
    assert "Please send text" in texts(calls)
    calls = await harness.send(OPERATOR, "x" * 5000)
    assert "too long" in texts(calls)
    calls = await harness.send(OPERATOR, "Notice")
    calls = await harness.press(OPERATOR, calls[-1].buttons()[1][1])  # no Chinese variant
    menu = dict(calls[-1].buttons())
    calls = await harness.press(OPERATOR, menu["Idle for N days"])
    calls = await harness.send(OPERATOR, "lots")
    assert "whole number of days" in texts(calls)
    calls = await harness.send(OPERATOR, "5")
    assert "Audience: Companies with no progress for 5 days or more · " in texts(calls)
    when = dict(calls[-1].buttons())["🕒 Choose a send time"]
    calls = await harness.press(OPERATOR, when)
    calls = await harness.send(OPERATOR, "yesterday")
    assert "future time" in texts(calls)
    calls = await harness.send(OPERATOR, "23:30")  # quiet hours: moved to 09:00
    assert "quiet hours" in texts(calls) and "2026-09-29 09:00" in texts(calls)
    calls = await harness.press(OPERATOR, dict(calls[-1].buttons())["✅ Confirm and send"])
    assert "scheduled for 2026-09-29 09:00" in texts(calls)
    assert not harness.application.bot_data.broadcast_runs
    # The periodic job leaves it until its time, then sends it.
    assert await tick(harness.application) == []
    clock.set(2026, 9, 29, hour=1)  # 09:00 in Shanghai
    tasks = await tick(harness.application)
    report = (await asyncio.gather(*tasks))[0]
    assert report.sent == 10 and report.status == "done"


async def test_cancel_from_the_chat_stops_a_running_broadcast_at_the_next_chat(
    harness: BotHarness,
) -> None:
    """The same rule as every door: no further chat gets it (not a heartbeat later), and what
    was still pending is recorded as cancelled, not left waiting."""
    fast(harness, concurrency=1)
    harness.services.broadcasts.progress_every = 3.0  # the real heartbeat: it must not matter
    ids = seed_chats(harness, 200)
    ops = harness.services
    from bot.services.broadcasts.audience import parse_audience

    bid = ops.broadcasts.create(
        parse_audience("all", harness.services.spec),
        {"en": {"kind": "text", "html": "hi"}},
        operator_chat_id=900,
    )
    sent = 0

    def respond(params: dict[str, Any]) -> Any:
        nonlocal sent
        sent += 1
        if sent == 50:  # the operator presses "Cancel" while it runs
            calls = asyncio.get_running_loop().create_task(harness.press(OPERATOR, f"bcx|{bid}"))
            pending.append(calls)
        return harness.api._message("sendMessage", params)

    pending: list[Any] = []
    harness.api.responders["sendMessage"] = respond
    task = start_broadcast(harness.application, bid)
    assert task is not None
    report = await task
    await asyncio.gather(*pending)
    assert report.status == "cancelled"
    assert 50 <= report.sent <= 52, report  # the press is handled between two sends
    assert report.left == 0 and report.cancelled == len(ids) - report.sent - report.unknown
    rows = deliveries_of(harness.db, bid)
    assert {row.status for row in rows} == {"sent", "cancelled"}
    assert len([row for row in rows if row.status == "sent"]) == report.sent
    shown = [c for c in harness.api.calls if c.chat_id == 900 and "Broadcast #1" in (c.text or "")]
    assert "cancelled" in shown[-1].text and f"{report.cancelled} not sent" in shown[-1].text


async def test_crash_in_the_middle_then_resume_sends_each_chat_at_most_once(
    harness: BotHarness, clock: FrozenClock
) -> None:
    await harness.stop()
    harness.api = SlowAnswers()  # so that several sends are in flight when it dies
    await harness.start()
    fast(harness)
    ids = seed_chats(harness, 300)
    ops = harness.services
    from bot.services.broadcasts.audience import parse_audience

    bid = ops.broadcasts.create(
        parse_audience("unfinished", harness.services.spec), {"en": {"kind": "text", "html": "hi"}}
    )
    audience = [c for i, c in enumerate(ids) if STEPS[i % len(STEPS)] != "finished"]
    first_api = harness.api
    sends = 0

    def respond(params: dict[str, Any]) -> Any:
        nonlocal sends
        sends += 1
        if sends == 120:
            task.cancel()  # the process dies: no more writes, whatever was in flight
        return first_api._message("sendMessage", params)

    first_api.responders["sendMessage"] = respond
    task = start_broadcast(harness.application, bid)
    assert task is not None
    with pytest.raises(asyncio.CancelledError):
        await task
    counts = store.delivery_counts(harness.db, bid)
    assert 0 < counts["sending"] <= FAST.concurrency  # the ambiguous in-flight sends
    in_flight = {r.chat_id for r in deliveries_of(harness.db, bid) if r.status == "sending"}
    await harness.restart()
    fast(harness)
    assert await tick(harness.application) == []  # the dead runner's lease is still fresh
    clock.advance(minutes=2)
    tasks = await tick(harness.application)
    report = (await asyncio.gather(*tasks))[0]

    # (The periodic job also nudged these long-idle chats: only the broadcast counts here.)
    both = delivered(first_api.calls, "hi") + delivered(harness.api.calls, "hi")
    assert max(both.values()) == 1  # nobody got it twice
    assert report.unknown == counts["sending"] and report.unknown <= FAST.concurrency
    assert report.sent + report.unknown == len(audience) and report.left == 0
    assert set(both) == set(audience)  # here every in-flight send had in fact arrived
    rows = {r.chat_id: r.status for r in deliveries_of(harness.db, bid)}
    assert {c for c, status in rows.items() if status == "unknown"} == in_flight


async def test_cli_broadcast_dry_run_send_resume_and_list(
    harness: BotHarness,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command line, on the same database while the bot is running."""
    ids = seed_chats(harness, 60)
    settings = harness.settings
    text = tmp_path / "notice.html"
    text.write_text("<b>Maintenance</b> tonight", encoding="utf-8")

    def args(**kw: Any) -> argparse.Namespace:
        base = dict(
            audience="all",
            text_file=None,
            text_file_zh=None,
            at=None,
            dry_run=False,
            resume=None,
            cancel=None,
        )
        return argparse.Namespace(**{**base, **kw})

    out, err = io.StringIO(), io.StringIO()
    dry = args(audience="lang:zh,unfinished", dry_run=True, text_file=text)
    assert await broadcast_main(dry, settings, out=out) == 0
    assert "dry run: 17 chats in audience lang:zh,unfinished" in out.getvalue()
    assert "using 中文, not certified yet" in out.getvalue()  # and in words
    assert "[en] Maintenance tonight" in out.getvalue()  # a preview of what would go out
    # a dry run checks what a real run would (#12): the file is required, its HTML checked
    code = await broadcast_main(args(dry_run=True), settings, err=err)
    assert code == 2 and "--text-file is required" in err.getvalue()
    broken = tmp_path / "broken.html"
    broken.write_text("<b>Maintenance <blink>tonight</b>", encoding="utf-8")
    with pytest.raises(ConfigError, match="<blink> is not a tag Telegram allows"):
        await broadcast_main(args(dry_run=True, text_file=broken), settings, out=out)
    code = await broadcast_main(args(audience="stage:9"), settings, err=err)
    assert code == 2 and "unknown audience 'stage:9'" in err.getvalue()

    api = OfflineBotAPI()
    out, err = io.StringIO(), io.StringIO()
    code = await broadcast_main(
        args(text_file=text),
        settings,
        request=api,
        limits=FAST,
        out=out,
        err=err,
        progress_every=0.001,
        clock=harness.clock,  # 10:00 in Asia/Shanghai: not held by quiet hours
    )
    assert code == 0, err.getvalue()
    assert "sent 60" in out.getvalue() and "[###" in err.getvalue()
    assert sorted(delivered(api.calls)) == ids
    assert api.of("sendMessage")[0].params["parse_mode"] == "HTML"

    assert (
        await broadcast_main(args(resume=1), settings, request=api, limits=FAST, err=err) == 1
    )  # already done: nothing to resume
    assert "cannot be resumed (done)" in err.getvalue()
    from bot.cli_operators import cmd_broadcasts

    capsys.readouterr()
    assert cmd_broadcasts(argparse.Namespace(limit=5), settings) == 0
    listing = capsys.readouterr().out
    assert "#1" in listing and "done" in listing and "sent 60" in listing
    assert "Every company" in listing  # the audience in words, not only its code


async def test_pacing_per_chat_and_group_and_a_429_holds_every_sender(
    harness: BotHarness,
) -> None:
    """One message a second to a chat, 20 a minute to a group; a 429 pauses all sends."""
    now = [100.0]

    during_hold: list[Any] = []

    class Clock(Sleeps):  # sleeping moves this fake monotonic clock on
        async def __call__(self, seconds: float) -> None:
            if seconds == 5.0 and not during_hold:  # the flood wait has begun: another
                during_hold.append(None)  # chat sends meanwhile
                during_hold[0] = await delivery.send(3003, note)
            now[0] += seconds
            await super().__call__(seconds)

    sleeps = Clock()
    delivery = Delivery(
        TelegramSender(harness.application.bot),
        replace(FAST, concurrency=1),
        sleep=sleeps,
        monotonic=lambda: now[0],
    )
    from bot.services.broadcasts.delivery import Payload

    note = Payload(html="note")
    assert (await delivery.send(1001, note)).status == "sent"
    assert (await delivery.send(1001, note)).status == "sent"
    assert sleeps.waits == [1.0]  # the same private chat: one second apart
    assert (await delivery.send(-1001234, note)).status == "sent"
    assert (await delivery.send(-1001234, note)).status == "sent"
    assert sleeps.waits == [1.0, 3.0]  # a group: 20 per minute
    harness.api.fail("sendMessage", 429, chat_id=2002, retry_after=5)
    assert (await delivery.send(2002, note)).status == "sent"
    assert during_hold[0].status == "sent"
    assert sleeps.waits[2:] == [5.0, 5.0]  # the other chat waited out the flood wait too
    harness.api.fail("sendMessage", 429, chat_id=4004, retry_after=1, times=99)
    result = await delivery.send(4004, note)
    assert result.status == "failed" and "flood" in (result.error or "")


async def test_cli_resume_refuses_while_another_process_is_sending(
    harness: BotHarness, clock: FrozenClock
) -> None:
    seed_chats(harness, 5)
    ops = harness.services
    from bot.services.broadcasts.audience import parse_audience

    bid = ops.broadcasts.create(
        parse_audience("all", harness.services.spec), {"en": {"kind": "text", "html": "hi"}}
    )
    other = replace(ops.broadcasts, runner="other-host:1")  # e.g. the bot, then it died
    assert other._begin(bid) is not None  # audience fixed, lease taken
    args = argparse.Namespace(
        audience="all",
        text_file=None,
        text_file_zh=None,
        at=None,
        dry_run=False,
        resume=bid,
        cancel=None,
    )
    api, err = OfflineBotAPI(), io.StringIO()
    code = await broadcast_main(
        args, harness.settings, request=api, limits=FAST, err=err, clock=clock
    )
    assert code == 1 and "another process" in err.getvalue()
    assert not delivered(api.calls)
    clock.advance(minutes=2)  # that process died: its lease goes stale, the resume takes over
    code = await broadcast_main(
        args,
        harness.settings,
        request=api,
        limits=FAST,
        err=err,
        out=io.StringIO(),
        clock=clock,
        progress_every=0.001,
    )
    assert code == 0 and sorted(delivered(api.calls)) == list(range(5000, 5005))


async def test_a_photo_with_caption_to_chinese_chats_only(harness: BotHarness) -> None:
    fast(harness)
    ids = seed_chats(harness, 12)
    await harness.command(OPERATOR, "/broadcast")
    calls = await harness.feed(harness.updates.photo(OPERATOR, caption="New <rules>"))
    calls = await harness.press(OPERATOR, calls[-1].buttons()[1][1])  # no Chinese variant
    calls = await harness.press(OPERATOR, dict(calls[-1].buttons())["By language"])
    calls = await harness.press(OPERATOR, dict(calls[-1].buttons())["中文"])
    assert [c.method for c in calls] == [
        "answerCallbackQuery",
        "sendMessage",
        "sendPhoto",
        "sendMessage",
    ]
    assert calls[2].params["caption"] == "New &lt;rules&gt;"
    assert "Audience: Companies using 中文 · <b>4</b> companies" in texts(calls)
    await harness.press(OPERATOR, dict(calls[-1].buttons())["✅ Confirm and send"])
    await harness.application.bot_data.broadcast_runs[1]
    photos = [c for c in harness.api.calls if c.method == "sendPhoto" and c.chat_id != 900]
    assert sorted(c.chat_id for c in photos) == [c for i, c in enumerate(ids) if i % 3 == 0]
    assert all(c.params["photo"] == "photo-1" for c in photos)
