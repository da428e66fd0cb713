"""The canned replies' files: ``check`` reports a broken ``replies.ftl`` with its file and
line, a reply in one language only, a message not named ``reply-…`` and a placeable no reply
is given; the shipped files have the same replies in both languages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fluent.syntax import FluentParser, ast

from bot.cli import main
from bot.config import PROJECT_ROOT
from bot.services.calendar.workdays import Calendar
from bot.services.desk.canned import PREFIX, REPLIES_FILE, CannedReplies, reply_faults
from bot.services.flow.flow_spec import load_flow
from bot.services.i18n import Catalog

LOCALES = PROJECT_ROOT / "locales"


def ftl_ids(path: Path) -> set[str]:
    resource = FluentParser().parse(path.read_text(encoding="utf-8"))
    assert not [e for e in resource.body if isinstance(e, ast.Junk)], path
    return {e.id.name for e in resource.body if isinstance(e, ast.Message)}


def _copy(tmp_path: Path, lang: str, old: str, new: str) -> Path:
    target = tmp_path / "locales"
    shutil.copytree(LOCALES, target)
    path = target / lang / REPLIES_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def test_the_shipped_replies_are_the_same_in_both_languages() -> None:
    en, zh = ftl_ids(LOCALES / "en" / REPLIES_FILE), ftl_ids(LOCALES / "zh" / REPLIES_FILE)
    assert en == zh
    assert all(message_id.startswith(PREFIX) for message_id in en)
    catalog = Catalog(LOCALES)
    assert reply_faults(catalog) == []
    names = {"audit-waiting", "unqualified-store", "deposit", "presentation-missing"}
    spec = load_flow(PROJECT_ROOT / "flows" / "tmall_tp.yaml")
    assert names <= set(CannedReplies(catalog, spec, Calendar()).names())


def test_check_counts_the_replies(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "canned replies (audit-waiting, corporate-alipay, deposit," in capsys.readouterr().out


def test_check_reports_a_broken_replies_file_with_file_and_line(
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    locales = _copy(tmp_path, "zh", "{ $deposit }", "{ $deposit ")
    monkeypatch.setenv("TPBOT_LOCALES", str(locales))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    path = locales / "zh" / REPLIES_FILE
    line = _line_of(path, "reply-deposit =")
    assert any(f"{path}:{n}: E" in err for n in range(line, line + 3)), err
    assert "has no 'zh' text" not in err  # the syntax error, not a reply "missing"


def test_check_reports_a_reply_in_one_language_only(
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    locales = _copy(tmp_path, "en", "reply-deposit =", "reply-deposits =")
    monkeypatch.setenv("TPBOT_LOCALES", str(locales))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    en, zh = locales / "en" / REPLIES_FILE, locales / "zh" / REPLIES_FILE
    assert (
        f"{en}:{_line_of(en, 'reply-deposits =')}: canned reply 'reply-deposits' has no 'zh'" in err
    )
    assert (
        f"{zh}:{_line_of(zh, 'reply-deposit =')}: canned reply 'reply-deposit' has no 'en'" in err
    )


def test_check_reports_a_badly_named_reply_and_an_unknown_placeable(
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    locales = _copy(
        tmp_path, "en", "{ $company }, about the deposit", "{ $name }, about the deposit"
    )
    path = locales / "zh" / REPLIES_FILE
    path.write_text(path.read_text(encoding="utf-8") + "\ndeposit-extra = 附加\n", "utf-8")
    monkeypatch.setenv("TPBOT_LOCALES", str(locales))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    en = locales / "en" / REPLIES_FILE
    assert f"{en}:{_line_of(en, 'reply-deposit =')}: canned reply 'reply-deposit' uses $name" in err
    assert f"{path}:{_line_of(path, 'deposit-extra =')}: message 'deposit-extra'" in err
    assert "must be named 'reply-<name>'" in err
