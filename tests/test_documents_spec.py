"""``documents:`` on a step: parsed from the flow file, and every fault named by ``check``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.services.flow.flow_spec import load_flow
from tests.helpers.documents import at_licence_step, document
from tests.helpers.flows import FLOW, new_flow, step
from tests.helpers.harness import EN_USER, BotHarness, FrozenClock, bot_settings


def test_the_real_flow_seeds_the_articles_documents() -> None:
    spec = load_flow(FLOW)
    documents = spec.documents
    assert [d.id for d in documents.of("taobao_corporate")] == ["business_licence"]
    assert [d.id for d in documents.of("op_nickname")] == ["shop_contract"]
    assert [d.id for d in documents.of("intl_presentation")] == [
        "company_presentation",
        "company_introduction",
    ]
    licence = documents.of("taobao_corporate")[0]
    assert licence.required and licence.max_bytes == 10_000_000
    assert licence.accepts("application/pdf", None) and licence.accepts(None, "scan.PNG")
    assert not licence.accepts("application/zip", "licence.zip")
    assert documents.of("welcome") == ()


def _with_documents(documents: Any, **extra: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        step(data, "op_nickname")["documents"] = documents
        for reason in step(data, "op_audit")["rejection_reasons"]:
            reason.pop("documents", None)  # they name the step's documents this replaces
        data.update(extra)

    return change


@pytest.mark.parametrize(
    ("documents", "fault"),
    [
        (
            [{"id": "contract", "title": "doc-shop-contract", "types": ["exe"], "max_mb": 5}],
            "step 'op_nickname', document 'contract': unknown type 'exe'",
        ),
        (
            [{"id": "contract", "types": ["pdf"], "max_mb": 5}],
            "step 'op_nickname', document 'contract': missing 'title'",
        ),
        (
            [{"id": "contract", "title": "doc-shop-contract", "types": ["pdf"], "max_mb": 0}],
            "step 'op_nickname', document 'contract': 'max_mb' must be a positive number",
        ),
        (
            [
                {"id": "contract", "title": "doc-shop-contract", "types": ["pdf"], "max_mb": 5},
                {"id": "contract", "title": "doc-shop-contract", "types": ["pdf"], "max_mb": 5},
            ],
            "step 'op_nickname', document 'contract': defined twice",
        ),
        (
            [{"id": "contract", "title": "doc-nowhere", "types": ["pdf"], "max_mb": 5}],
            "step 'op_nickname', document 'contract': text 'doc-nowhere' missing in locale 'en'",
        ),
    ],
)
def test_check_names_the_file_the_step_and_the_fault(
    env: dict,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    documents: Any,
    fault: str,
) -> None:
    path = new_flow(tmp_path, _with_documents(documents), version=1)
    monkeypatch.setenv("TPBOT_FLOW", str(path))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and fault in err


def test_a_migration_may_rename_a_document(tmp_path: Path) -> None:
    contract = {"id": "contract", "title": "doc-shop-contract", "types": ["pdf"], "max_mb": 5}
    migrations = [
        {
            "version": 2,
            "moves": {},
            "documents": {"op_nickname.shop_contract": "op_nickname.contract"},
        }
    ]
    path = new_flow(tmp_path, _with_documents([contract], migrations=migrations), version=2)
    spec = load_flow(path)
    assert spec.documents.current("op_nickname", "shop_contract", 1) == ("op_nickname", "contract")
    assert spec.documents.current("op_nickname", "shop_contract", 2) == (
        "op_nickname",
        "shop_contract",
    )
    bad = [
        {"version": 2, "moves": {}, "documents": {"op_nickname.shop_contract": "op_nickname.gone"}}
    ]
    with pytest.raises(ValueError, match="no such document in this flow"):
        load_flow(new_flow(tmp_path, _with_documents([contract], migrations=bad), version=2))


async def test_check_db_warns_of_files_for_a_document_the_flow_dropped(
    env: dict,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = bot_settings(tmp_path)
    bot = BotHarness(settings, FrozenClock())
    await bot.start()
    await at_licence_step(bot, EN_USER)
    await bot.feed(document(bot, EN_USER, "licence.pdf", 1000, "dropped"))
    await bot.stop()

    def drop_licence(data: dict[str, Any]) -> None:
        del step(data, "taobao_corporate")["documents"]

    monkeypatch.setenv("TPBOT_FLOW", str(new_flow(tmp_path, drop_licence, version=1)))
    assert main(["check", "--db", str(settings.db_path)]) == 0
    out = capsys.readouterr().out
    assert "1 file(s) kept for 'taobao_corporate.business_licence'" in out
