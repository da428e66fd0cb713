"""The operators' console over HTTP (Starlette's real app, through httpx): who gets in, the
board and its filters, a company's page, the actions and what the company's chat sees."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Settings
from bot.demo.updates import UpdateFactory
from bot.services.console import roster
from bot.storage import events
from bot.storage.event_details import OperatorMove
from tests.helpers.console import (
    OPERATOR,
    TO_AUDIT,
    client_for,
    sign_in_link,
    sign_init_data,
    signed_in,
    walk,
)
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock, texts

TAG_MUTED = 'class="tag">reminders off<'
STRANGER = UpdateFactory.user(1500, "Mallory", "en")


async def test_no_session_no_data(harness: BotHarness) -> None:
    await walk(harness, EN_USER, ["begin"])
    async with client_for(harness) as (client, _):
        for path in ("/console/", "/console/company/1001", "/console/funnel", "/console/board.csv"):
            response = await client.get(path)
            assert response.status_code == 401, path
            assert "Alice" not in response.text
            assert "Please sign in first" in response.text
        forged = await client.post("/console/company/1001/mute", data={"csrf": "x"})
        assert forged.status_code == 401


async def test_one_time_link_signs_in_once(harness: BotHarness) -> None:
    async with client_for(harness) as (client, _):
        path = await sign_in_link(harness)
        token = path.split("/console/login/", 1)[1].split("?", 1)[0]
        page = await client.get(path)  # opening the link (or a preview of it) spends nothing
        assert page.status_code == 200 and 'id="sign-in"' in page.text
        first = await client.post("/console/login", data={"token": token})
        assert first.status_code == 303 and "tpbot_console" in first.headers["set-cookie"]
        assert "HttpOnly" in first.headers["set-cookie"]
        client.cookies.clear()
        again = await client.post("/console/login", data={"token": token})
        assert again.status_code == 403
        assert (await client.get("/console/")).status_code == 401


async def test_link_expires(harness: BotHarness, clock: FrozenClock) -> None:
    async with client_for(harness) as (client, _):
        path = await sign_in_link(harness)
        token = path.split("/console/login/", 1)[1].split("?", 1)[0]
        clock.advance(minutes=11)
        response = await client.post("/console/login", data={"token": token})
        assert response.status_code == 403
        assert "expired" in response.text


async def test_console_command_is_for_operators_only(harness: BotHarness) -> None:
    calls = await harness.command(STRANGER, "/console")
    assert "/console/login/" not in texts(calls)
    assert texts(calls)  # a refusal, not silence


async def test_console_command_offers_the_mini_app_only_over_https(
    settings: Settings, clock: FrozenClock
) -> None:
    for public_url, button in ((None, False), ("https://bot.example.test", True)):
        db_path = settings.db_path.with_name(f"console-{button}.sqlite3")
        harness = BotHarness(replace(settings, public_url=public_url, db_path=db_path), clock)
        await harness.start()
        try:
            (call,) = [c for c in await harness.command(OPERATOR, "/console") if c.text]
        finally:
            await harness.stop()
        markup = call.params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup
        if button:  # the button first, then the link as the other way in
            assert markup["inline_keyboard"][0][0]["web_app"]["url"].startswith(public_url)
            assert "Or in a browser, with this one-time link" in call.text
        else:  # plain HTTP: no button, and no "Or" left dangling
            assert not markup
            assert "Or in a browser" not in call.text
            assert "Open it in a browser with this one-time link (valid 10 minutes): " in call.text
            assert "http://127.0.0.1:8080/console/login/" in call.text


async def test_operator_removed_from_the_list_is_out_at_once(
    settings: Settings, clock: FrozenClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Removed from TPBOT_OPERATORS in the .env while the bot runs: the next page is refused,
    though the session cookie is still good."""
    monkeypatch.setattr(roster, "LOOK_EVERY", 0.0)
    env_file = tmp_path / ".env"
    env_file.write_text("TPBOT_OPERATORS=900\n", encoding="utf-8")
    harness = BotHarness(replace(settings, operators_file=env_file), clock)
    await harness.start()
    try:
        async with client_for(harness) as (client, _):
            await signed_in(harness, client)
            assert (await client.get("/console/")).status_code == 200
            env_file.write_text("TPBOT_OPERATORS=901,902\n", encoding="utf-8")
            assert (await client.get("/console/")).status_code == 401
    finally:
        await harness.stop()


def _init_data(user_id: int, token: str, auth_date: int) -> str:
    user = json.dumps({"id": user_id, "first_name": "Olga", "language_code": "zh-hans"})
    return sign_init_data({"auth_date": str(auth_date), "query_id": "AAH", "user": user}, token)


async def test_mini_app_sign_in(harness: BotHarness, clock: FrozenClock) -> None:
    token = harness.settings.token or ""
    now = int(clock().timestamp())
    async with client_for(harness) as (client, _):
        good = await client.post("/console/app", data={"init_data": _init_data(900, token, now)})
        assert good.status_code == 303
        board = await client.get("/console/")
        assert board.status_code == 200 and "客户公司" in board.text  # the operator's language
        client.cookies.clear()
        cases = {
            "forged": _init_data(900, "123:OTHER", now),
            "expired": _init_data(900, token, now - 2 * 3600),
            "not an operator": _init_data(1500, token, now),
            "tampered": _init_data(900, token, now).replace("900", "901"),
            "garbage": "%%%",
        }
        for name, data in cases.items():
            response = await client.post("/console/app", data={"init_data": data})
            assert response.status_code == 403, name
            assert "tpbot_console" not in response.headers.get("set-cookie", ""), name


async def test_board_filters_search_and_csv(harness: BotHarness) -> None:
    await walk(harness, EN_USER, ["begin", "yes"])
    await walk(harness, ZH_USER, ["begin"])
    async with client_for(harness) as (client, _):
        await signed_in(harness, client)
        board = await client.get("/console/")
        assert "Alice" in board.text and "王伟" in board.text
        assert "2 companies" in board.text
        zh_only = await client.get("/console/?language=zh")
        assert "王伟" in zh_only.text and "Alice" not in zh_only.text
        found = await client.get("/console/?q=ali")
        assert "Alice" in found.text and "王伟" not in found.text
        by_id = await client.get("/console/?q=1002")
        assert "王伟" in by_id.text and "Alice" not in by_id.text
        at_step = await client.get("/console/?step=manages_shops")
        assert "Alice" in at_step.text and "王伟" not in at_step.text
        csv = await client.get("/console/board.csv?language=en")
        assert csv.headers["content-type"].startswith("text/csv")
        lines = csv.text.lstrip("\ufeff").strip().splitlines()
        assert len(lines) == 2 and "1001" in lines[1] and "manages_shops" in lines[1]


async def test_audit_overdue_and_stuck(harness: BotHarness, clock: FrozenClock) -> None:
    clock.set(2026, 11, 2)  # a Monday
    await walk(harness, EN_USER, TO_AUDIT)
    await walk(harness, ZH_USER, ["begin"])
    assert harness.state(1001) == "op_audit"
    async with client_for(harness) as (client, _):
        await signed_in(harness, client)
        assert "Alice" not in (await client.get("/console/?overdue=1")).text
        clock.set(2026, 11, 10)  # six working days later: the 3-working-day audit is overdue
        await signed_in(harness, client)
        overdue = await client.get("/console/?overdue=1")
        assert "Alice" in overdue.text and "王伟" not in overdue.text
        assert "overdue" in overdue.text
        stuck = await client.get("/console/?stuck=5")
        assert "Alice" in stuck.text and "王伟" in stuck.text
        not_stuck = await client.get("/console/?stuck=10")
        assert "Alice" not in not_stuck.text


async def test_company_names_are_escaped(harness: BotHarness) -> None:
    evil = UpdateFactory.user(1666, "<script>alert(1)</script>", "en")
    await walk(harness, evil, ["begin"])
    async with client_for(harness) as (client, _):
        await signed_in(harness, client)
        for path in ("/console/", "/console/company/1666"):
            page = await client.get(path)
            assert "<script>alert(1)</script>" not in page.text
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_move_by_the_rules_shows_the_step_in_the_chat(harness: BotHarness) -> None:
    await walk(harness, EN_USER, ["begin"])
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        page = await client.get("/console/company/1001")
        assert "Alice" in page.text and 'id="timeline"' in page.text
        seq = harness.services.progress.get(1001).seq  # type: ignore[union-attr]
        refused = await client.post(
            "/console/company/1001/move", data={"step": "manages_shops", "reason": "x"}
        )
        assert refused.status_code == 403  # no CSRF token
        harness.api.take()
        moved = await client.post(
            "/console/company/1001/move",
            data={"csrf": csrf, "step": "manages_shops", "reason": "confirmed by phone",
                  "seq": str(seq)},
        )  # fmt: skip
        assert moved.status_code == 303 and "notice=moved" in moved.headers["location"]
    assert harness.state(1001) == "manages_shops"
    sent = [c for c in harness.api.take() if c.method == "sendMessage" and c.chat_id == 1001]
    assert sent and "An operator updated your progress" in sent[0].text
    assert sent[0].buttons()  # with the new step's own buttons
    last = events.latest_event(harness.db, 1001)
    assert last is not None and last.kind == "operator-move" and last.user_id == 900
    assert last.detail == OperatorMove("confirmed by phone", override=False)
    # the company's own next press, on the message the console sent, works on the new step
    harness.last_buttons_message[1001] = sent[0].result
    await harness.answer(EN_USER, "yes")
    assert harness.state(1001) == "taobao_corporate"


async def test_move_outside_the_rules_needs_the_override(harness: BotHarness) -> None:
    await walk(harness, EN_USER, ["begin"])
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        data = {"csrf": csrf, "step": "op_deposit", "reason": "certified elsewhere"}
        refused = await client.post("/console/company/1001/move", data=data)
        assert "move-not-allowed" in refused.headers["location"]
        assert harness.state(1001) == "owner_separate"
        no_reason = await client.post(
            "/console/company/1001/move", data={**data, "reason": " ", "override": "1"}
        )
        assert "move-no-reason" in no_reason.headers["location"]
        done = await client.post("/console/company/1001/move", data={**data, "override": "1"})
        assert "notice=moved" in done.headers["location"]
        assert harness.state(1001) == "op_deposit"
        page = await client.get("/console/company/1001")
        assert "certified elsewhere" in page.text and "override" in page.text


async def test_stale_move_is_refused(harness: BotHarness) -> None:
    await walk(harness, EN_USER, ["begin"])
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        seq = harness.services.progress.get(1001).seq  # type: ignore[union-attr]
        await harness.answer(EN_USER, "yes")  # the company moves while the page is open
        response = await client.post(
            "/console/company/1001/move",
            data={"csrf": csrf, "step": "taobao_corporate", "reason": "x", "seq": str(seq)},
        )
        assert "move-changed" in response.headers["location"]
        assert harness.state(1001) == "manages_shops"


async def test_message_mute_and_unmute_are_logged(harness: BotHarness) -> None:
    await walk(harness, EN_USER, ["begin"])
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        harness.api.take()
        sent = await client.post(
            "/console/company/1001/message", data={"csrf": csrf, "text": "Hi <b>Alice</b>"}
        )
        assert "message-sent" in sent.headers["location"]
        calls = [c for c in harness.api.take() if c.chat_id == 1001]
        assert calls and "Hi &lt;b&gt;Alice&lt;/b&gt;" in calls[0].text
        await client.post("/console/company/1001/mute", data={"csrf": csrf})
        assert TAG_MUTED in (await client.get("/console/company/1001")).text
        await client.post("/console/company/1001/unmute", data={"csrf": csrf})
        assert TAG_MUTED not in (await client.get("/console/company/1001")).text
    kinds = [(e.kind, e.user_id) for e in events.events_of(harness.db, 1001)]
    assert ("operator-message", 900) in kinds
    assert ("operator-mute", 900) in kinds and ("operator-unmute", 900) in kinds


async def test_funnel_page(harness: BotHarness) -> None:
    await walk(harness, EN_USER, TO_AUDIT)
    await walk(harness, ZH_USER, ["begin"])
    async with client_for(harness) as (client, _):
        await signed_in(harness, client)
        page = await client.get("/console/funnel")
        assert page.status_code == 200 and "<svg" in page.text
        svg = await client.get("/console/funnel.svg")
        assert svg.headers["content-type"].startswith("image/svg+xml")


async def test_compose_preview_send_and_cancel(harness: BotHarness) -> None:
    harness.clock.set(2026, 9, 28, hour=14)  # within quiet hours: held, so still cancellable
    await walk(harness, EN_USER, ["begin"])
    await walk(harness, ZH_USER, ["begin"])
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        bad = await client.post(
            "/console/broadcasts/new",
            data={"csrf": csrf, "audience": "all", "text_en": "<b>open", "action": "send"},
        )
        assert bad.status_code == 400 and "never closed" in bad.text
        assert harness.services.broadcasts.recent() == []
        preview = await client.post(
            "/console/broadcasts/new",
            data={"csrf": csrf, "audience": "lang:zh", "text_zh": "<b>通知</b>",
                  "action": "preview"},
        )  # fmt: skip
        assert "1 company in the audience" in preview.text and "<b>通知</b>" in preview.text
        sent = await client.post(
            "/console/broadcasts/new",
            data={"csrf": csrf, "audience": "lang:zh", "text_zh": "<b>通知</b>", "action": "send"},
        )
        assert sent.status_code == 303 and "notice=held" in sent.headers["location"]
        (row,) = harness.services.broadcasts.recent()
        assert row.audience == "lang:zh" and row.created_by == 900
        listing = await client.get("/console/broadcasts")
        assert "lang:zh" in listing.text
        cancel = await client.post(f"/console/broadcasts/{row.id}/cancel", data={"csrf": csrf})
        assert "notice=cancelled" in cancel.headers["location"]
        assert harness.services.broadcasts.get(row.id).status == "cancelled"  # type: ignore[union-attr]


async def test_pages_take_their_time_off_the_loop(harness: BotHarness) -> None:
    """The board runs in a reader thread: the loop stays free while it is built."""
    await walk(harness, EN_USER, ["begin"])
    async with client_for(harness) as (client, console):
        await signed_in(harness, client)
        threads: list[str] = []

        def which(portfolio: object) -> str:
            import threading

            threads.append(threading.current_thread().name)
            time.sleep(0)
            return "ok"

        await console.readers.run(which)
        assert threads and threads[0].startswith("console-read")


async def test_a_slow_funnel_never_holds_the_page(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over a large log the funnel takes a while: the page says so and looks again; the
    result, once ready, is what it shows."""
    import threading

    import bot.web.pages as pages

    release = threading.Event()
    real = pages.funnel_model

    def slow(*args: object) -> object:
        release.wait(10)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "funnel_model", slow)
    monkeypatch.setattr(pages, "FUNNEL_WAIT_SECONDS", 0.05)
    await walk(harness, EN_USER, ["begin"])
    async with client_for(harness) as (client, console):
        await signed_in(harness, client)
        waiting = await client.get("/console/funnel")
        assert 'id="funnel-computing"' in waiting.text and 'http-equiv="refresh"' in waiting.text
        assert (await client.get("/console/funnel.svg")).status_code == 503
        release.set()
        assert console.funnel_task is not None
        await console.funnel_task
        ready = await client.get("/console/funnel")
        assert "<svg" in ready.text and 'id="funnel-computing"' not in ready.text


async def test_an_operators_move_is_theirs_to_undo(harness: BotHarness) -> None:
    """/back in a group is for whoever made the last move: after an operator's correction,
    that is the operator, not the member who answered before."""
    await walk(harness, EN_USER, ["begin", "yes"])
    assert harness.services.progress.last_answer_by(1001) == 1001
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        await client.post(
            "/console/company/1001/move",
            data={"csrf": csrf, "step": "taobao_corporate", "reason": "agreement seen"},
        )
    assert harness.services.progress.last_answer_by(1001) == 900


async def test_expired_sessions_are_forgotten(harness: BotHarness, clock: FrozenClock) -> None:
    async with client_for(harness) as (client, _):
        await signed_in(harness, client)
        clock.advance(hours=13)
        assert (await client.get("/console/")).status_code == 401
        assert harness.services.signin.prune() == 2  # the used link and the session


async def test_sign_out_needs_the_form_and_ends_the_session(harness: BotHarness) -> None:
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        forged = await client.post("/console/signout", data={"csrf": "guess"})
        assert forged.status_code == 403
        assert (await client.get("/console/")).status_code == 200
        cookie = client.cookies.get("tpbot_console")
        out = await client.post("/console/signout", data={"csrf": csrf})
        assert out.status_code == 303
        client.cookies.set("tpbot_console", cookie or "", path="/console")  # a kept copy
        assert (await client.get("/console/")).status_code == 401


async def test_a_team_groups_page_opens_and_its_moves_work(harness: BotHarness) -> None:
    """Groups have negative ids (-100…): their pages and actions work like a private chat's."""
    group = -1001234567890
    harness.services.progress.start(group, "supergroup", "en", title="Team <TP> Ltd")
    async with client_for(harness) as (client, _):
        csrf = await signed_in(harness, client)
        board = await client.get("/console/")
        assert f'/console/company/{group}"' in board.text and "Team group" in board.text
        page = await client.get(f"/console/company/{group}")
        assert page.status_code == 200 and "Team &lt;TP&gt; Ltd" in page.text
        moved = await client.post(
            f"/console/company/{group}/move",
            data={"csrf": csrf, "step": "owner_separate", "reason": "kick-off call held"},
        )
        assert "notice=moved" in moved.headers["location"]
    assert harness.state(group) == "owner_separate"
    assert (await client_get_status(harness, "/console/company/-")) == 404


async def client_get_status(harness: BotHarness, path: str) -> int:
    async with client_for(harness) as (client, _):
        await signed_in(harness, client)
        return (await client.get(path)).status_code
