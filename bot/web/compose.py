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

from bot.broadcast_runs import start_broadcast
from bot.services.broadcasts.audience import AudienceError, describe_audience, parse_audience
from bot.services.broadcasts.composer import Fault
from bot.services.i18n import Catalog
from bot.web.console import Console, Handler, Operator, checked_form, operators_only


def fault_text(catalog: Catalog, lang: str, fault: Fault) -> str:
    """One line of the page's list of what is wrong, in the operator's language."""
    if fault.kind == "empty":
        return catalog.text(lang, "console-compose-empty")
    if fault.kind == "too-long":
        return catalog.text(
            lang, "console-compose-too-long", variant=fault.language, length=fault.length,
            limit=fault.limit,
        )  # fmt: skip
    return f"{fault.language}: {fault.detail}"


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
        content = {lang: {"kind": "text", "html": text} for lang, text in texts.items() if text}
        composer = services.composer
        faults.extend(
            fault_text(services.catalog, operator.lang, f) for f in composer.check(content)
        )
        action = form.get("action")
        quiet = services.quiet
        held = composer.when(anyway=action == "send-now")
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
        scheduled = composer.schedule(
            audience,
            content,
            created_by=operator.user_id,
            operator_language=operator.lang,
            anyway=action == "send-now",
        )
        if scheduled.send_at is not None:
            return RedirectResponse("/console/broadcasts?notice=held", 303)
        start_broadcast(console.application, scheduled.broadcast_id)  # now, not on a tick
        return RedirectResponse("/console/broadcasts?notice=created", 303)

    def only(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        return operators_only(console, handler)

    return [
        Route("/console/broadcasts/new", only(form_page), methods=["GET"]),
        Route("/console/broadcasts/new", only(submit), methods=["POST"]),
    ]
