"""Composing a broadcast in the console: audience, a text per language, a preview with the
audience's size (and the muted companies it leaves out), then send. The same services as
``/broadcast`` and the command line: the audience parser, Telegram's HTML rules (checked
before anything is kept), the quiet-hours rule (within them it is held until they end, unless
the operator sends it now anyway), and the bot's broadcast runs (the live report is on the
broadcasts page).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.handlers.operators.runs import start_broadcast
from bot.services.audience import AudienceError, describe_audience, parse_audience
from bot.services.message_html import html_faults
from bot.web.console import Console, Handler, Operator, checked_form, operators_only

MAX_TEXT = 4096


def audience_choices(console: Console, lang: str) -> list[tuple[str, str]]:
    """Each audience the page offers, in the words the broadcasts list and the chat use."""
    catalog, spec = console.services.catalog, console.services.spec
    values = ["all", *(f"stage:{s.number}" for s in spec.stages)]
    values += [f"step:{sid}" for sid, step in spec.steps.items() if step.kind != "finish"]
    values += ["lang:en", "lang:zh", "unfinished"]
    return [(value, describe_audience(value, spec, catalog, lang)) for value in values]


def compose_routes(console: Console) -> list[Route]:
    services = console.services

    async def form_page(request: Request, operator: Operator) -> Response:
        return console.page(
            "compose.html", operator, choices=audience_choices(console, operator.lang), draft={}
        )

    async def submit(request: Request, operator: Operator) -> Response:
        form = await checked_form(request, operator)
        if form is None:
            return console.page("error.html", operator, status=403, reason="console-bad-form")
        draft = {key: form.get(key, "") for key in ("audience", "text_en", "text_zh")}
        faults: list[str] = []
        try:
            audience = parse_audience(draft["audience"] or "all", services.spec)
        except AudienceError as exc:
            faults.append(str(exc))
            audience = None
        texts = {lang: draft[f"text_{lang}"].strip() for lang in ("en", "zh")}
        if not texts["en"] and not texts["zh"]:
            faults.append(services.catalog.text(operator.lang, "console-compose-empty"))
        for lang, text in texts.items():
            if len(text) > MAX_TEXT:
                faults.append(f"{lang}: {len(text)} > {MAX_TEXT}")
            faults.extend(f"{lang}: {fault}" for fault in html_faults(text))
        action = form.get("action")
        quiet = services.quiet
        now = services.broadcasts.clock()
        held = quiet.when_to_send(now, anyway=action == "send-now")
        if faults or action not in ("send", "send-now") or audience is None:
            wanted = audience
            size = (
                await console.readers.run(lambda p: p.audience_size(wanted))
                if wanted is not None
                else None
            )
            return console.page(
                "compose.html",
                operator,
                status=400 if faults else 200,
                choices=audience_choices(console, operator.lang),
                draft=draft,
                faults=faults,
                count=size.chats if size else 0,
                muted=size.muted if size else 0,
                held_until=quiet.local(held) if held else None,
                window=quiet.window,
                preview=texts if not faults else None,
            )
        content = {lang: {"kind": "text", "html": text} for lang, text in texts.items() if text}
        broadcast_id = services.broadcasts.create(
            audience,
            content,
            created_by=operator.user_id,
            operator_language=operator.lang,
            send_at=held,
        )
        if held is not None:
            return RedirectResponse("/console/broadcasts?notice=held", 303)
        start_broadcast(console.application, broadcast_id)  # now, not on the bot's next check
        return RedirectResponse("/console/broadcasts?notice=created", 303)

    def only(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return operators_only(console, handler)

    return [
        Route("/console/broadcasts/new", only(form_page), methods=["GET"]),
        Route("/console/broadcasts/new", only(submit), methods=["POST"]),
    ]
