"""Changed copies of the real flow file, for tests of flow versions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

FLOW = PROJECT_ROOT / "flows" / "tmall_tp.yaml"


def step(data: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in data["steps"] if s["id"] == step_id)


def new_flow(tmp_path: Path, change: Any, version: int = 2, **moves: str) -> Path:
    data = yaml.safe_load(FLOW.read_text(encoding="utf-8"))
    change(data)
    data["version"] = version
    if moves:
        data["migrations"] = [{"version": version, "moves": moves}]
    path = tmp_path / f"flow-v{version}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def reopen_instead(data: dict[str, Any], old: str, new: str) -> None:
    """The audits' rejection reasons that reopen step ``old`` reopen ``new`` instead."""
    for item in data["steps"]:
        for reason in item.get("rejection_reasons", ()):
            reason["reopen"] = [new if s == old else s for s in reason["reopen"]]


def rename_nickname(data: dict[str, Any]) -> None:
    step(data, "op_nickname")["id"] = "op_shop_name"
    step(data, "op_apply")["answers"][0]["next"] = "op_shop_name"
    reopen_instead(data, "op_nickname", "op_shop_name")
