"""The handoff in the console: an operator pauses and resumes a company's nudges (CSRF and
operator rights checked every time, logged with the operator's id); the board shows whose
move it is, the pause and the ticket's wait, and filters by whose move."""

from __future__ import annotations

from bot.demo.offline_api import ApiCall
from bot.storage import events
from tests.helpers.console import client_for, signed_in, walk
from tests.helpers.handoff import reply_to, waiting_ticket
from tests.helpers.harness import EN_USER, ZH_USER, BotHarness, FrozenClock
from tests.helpers.reminders import run_tick
from tests.helpers.support import OPERATOR, PLAIN, SUPPORT


def nudges(calls: list[ApiCall], chat_id: int = 1001) -> list[ApiCall]:
    return [c for c in calls if c.chat_id == chat_id]


async def test_an_operator_pauses_and_resumes_a_company(
    desk: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 11, 2)
    await walk(desk, EN_USER, ["begin"])
    async with client_for(desk) as (client, _):
        csrf = await signed_in(desk, client)
        nothing = await client.post("/console/company/1001/resume", data={"csrf": csrf})
        assert "notice=unchanged" in nothing.headers["location"]  # nothing was paused
        refused = await client.post("/console/company/1001/pause", data={"csrf": "forged"})
        assert refused.status_code == 403
        paused = await client.post("/console/company/1001/pause", data={"csrf": csrf})
        assert paused.status_code == 303 and "notice=paused" in paused.headers["location"]
        page = (await client.get("/console/company/1001")).text
        assert "Automatic nudges paused by operator 900" in page
        assert "Resume automatic nudges" in page
        again = await client.post("/console/company/1001/pause", data={"csrf": csrf})
        assert "notice=unchanged" in again.headers["location"]
        board = (await client.get("/console/")).text
        assert "nudges paused" in board
        clock.set(2026, 11, 5, hour=3)  # the idle nudge is due: held
        assert nudges(await run_tick(desk)) == []
        csrf = await signed_in(desk, client)  # the session of Nov 2 has expired

        # Someone no longer listed as an operator is refused, and nothing changes.
        desk.services.roster._ids = frozenset()
        gone = await client.post("/console/company/1001/resume", data={"csrf": csrf})
        assert gone.status_code == 401
        assert nudges(await run_tick(desk)) == []
        desk.services.roster._ids = frozenset({900})

        resumed = await client.post("/console/company/1001/resume", data={"csrf": csrf})
        assert "notice=resumed" in resumed.headers["location"]
        [nudge] = nudges(await run_tick(desk))
        assert "friendly reminder" in nudge.text
    kinds = [(e.kind, e.user_id) for e in events.events_of(desk.db, 1001)]
    assert ("operator-pause", 900) in kinds and ("operator-resume", 900) in kinds
    assert kinds.count(("operator-pause", 900)) == 1


async def test_resume_lifts_the_pause_of_a_waiting_ticket(
    desk: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 11, 2)
    await waiting_ticket(desk, EN_USER, "A question")
    async with client_for(desk) as (client, _):
        csrf = await signed_in(desk, client)
        page = (await client.get("/console/company/1001")).text
        assert "paused while the ticket waits for us, until" in page
        await client.post("/console/company/1001/resume", data={"csrf": csrf})
        clock.set(2026, 11, 5, hour=3)
        assert len(nudges(await run_tick(desk))) == 1


async def test_the_board_shows_whose_move_and_filters_by_it(
    desk: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 11, 2, hour=1)  # Monday 09:00 in Shanghai
    await waiting_ticket(desk, EN_USER, "A question")
    await walk(desk, ZH_USER, ["begin"])
    clock.set(2026, 11, 2, hour=4)  # three working hours later
    async with client_for(desk) as (client, _):
        await signed_in(desk, client)
        board = (await client.get("/console/")).text
        assert "waiting 3 working h" in board
        ours = (await client.get("/console/?move=ours")).text
        assert "Alice" in ours and "王伟" not in ours and "1 company" in ours
        theirs = (await client.get("/console/?move=client")).text
        assert "王伟" in theirs and "Alice" not in theirs
        audit = (await client.get("/console/?move=audit")).text
        assert "王伟" not in audit and "Alice" not in audit
        junk = (await client.get("/console/?move=%3Cscript%3E")).text
        assert "Alice" in junk and "王伟" in junk  # an unknown value is no filter
        csv = (await client.get("/console/board.csv?move=ours")).text
        header, row, *_ = csv.lstrip("\ufeff").splitlines()
        assert header.endswith(
            "whose_move,nudges_paused,waiting_working_hours,first_answer_working_hours"
        )
        assert row.startswith("1001,") and row.endswith(",ours,waiting,3.0,")


async def test_the_card_of_a_company_paused_from_the_console_says_so(
    desk: BotHarness, clock: FrozenClock
) -> None:
    clock.set(2026, 11, 2)
    await walk(desk, EN_USER, ["begin"])
    async with client_for(desk) as (client, _):
        csrf = await signed_in(desk, client)
        await client.post("/console/company/1001/pause", data={"csrf": csrf})
    await desk.command(EN_USER, "/ask")
    calls = await desk.send(EN_USER, "A question")
    [card] = [c for c in calls if c.method == "sendMessage" and c.chat_id == SUPPORT]
    assert "An operator paused automatic reminders to them in the console" in card.text
    assert "while this ticket waits" not in card.text


async def test_a_ticket_closed_unanswered_and_reopened_is_not_waiting_anywhere(
    desk: BotHarness, clock: FrozenClock
) -> None:
    """One rule for "waiting for us": closing a ticket answers its wait; reopened with /ask
    and nothing new said, the board's "waiting" filter and whose move agree that it does not
    wait, and the first message after does."""
    clock.set(2026, 11, 2, hour=1)
    card = await waiting_ticket(desk, EN_USER, "A question")
    await desk.command(OPERATOR, "/close", PLAIN, **reply_to(card))
    await desk.command(EN_USER, "/ask")
    async with client_for(desk) as (client, _):
        await signed_in(desk, client)
        assert "Alice" not in (await client.get("/console/?waiting=1")).text
        assert "Alice" not in (await client.get("/console/?move=ours")).text
        await desk.send(EN_USER, "Still there?")
        assert "Alice" in (await client.get("/console/?waiting=1")).text
        assert "Alice" in (await client.get("/console/?move=ours")).text
