"""The evidence pack (``tmall-tp-bot evidence``): the documents, the manifest, the timeline."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.jobs import downloads_of
from bot.services.evidence.pack import safe_entry_name
from bot.storage.documents import NEEDS_REVISION
from tests.helpers.documents import at_licence_step, document
from tests.helpers.harness import EN_USER, BotHarness, FrozenClock

FIRST = b"%PDF-1.4 the first licence"
SECOND = b"%PDF-1.4 a newer licence"


async def company_with_documents(settings: Settings, clock: FrozenClock) -> BotHarness:
    """A company at the licence step: two versions of one licence fetched (the same name, the
    second sent as ``../../licence.pdf``), reviewed once, and a third still to fetch."""
    bot = BotHarness(settings, clock)
    await bot.start()
    await at_licence_step(bot, EN_USER)
    bot.api.stored_files["id-v1"] = FIRST
    bot.api.stored_files["id-v2"] = SECOND
    await bot.feed(document(bot, EN_USER, "licence.pdf", len(FIRST), "v1"))
    await bot.feed(document(bot, EN_USER, "../../licence.pdf", len(SECOND), "v2"))
    assert await downloads_of(bot.application).run_once() == 2
    first_id = bot.db.execute("SELECT id FROM documents WHERE file_unique_id = 'v1'").fetchone()
    assert bot.services.evidence.set_review(first_id[0], NEEDS_REVISION, 4242, "=blurred scan")
    await bot.feed(document(bot, EN_USER, "later.pdf", 99, "v3"))
    await bot.stop()
    return bot


def run_evidence(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("TPBOT_DB", str(settings.db_path))
    return main(["evidence", *args])


async def test_the_pack_holds_the_documents_the_manifest_and_the_timeline(
    settings: Settings,
    clock: FrozenClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await company_with_documents(settings, clock)
    target = tmp_path / "pack.zip"
    assert (
        run_evidence(settings, monkeypatch, "--chat", str(EN_USER["id"]), "--output", str(target))
        == 0
    )
    assert "2 documents, 1 listed but not in it" in capsys.readouterr().out
    with zipfile.ZipFile(target) as pack:
        names = pack.namelist()
        assert names == [
            "documents/taobao_corporate/licence.pdf",
            "documents/taobao_corporate/licence (2).pdf",
            "manifest.json",
            "timeline.csv",
        ]
        assert all(".." not in n and not n.startswith("/") for n in names)
        manifest = json.loads(pack.read("manifest.json"))
        timeline = pack.read("timeline.csv").decode("utf-8-sig")
        files = {n: pack.read(n) for n in names[:2]}
    first, second, later = manifest["documents"]
    assert manifest["chat_id"] == EN_USER["id"]
    assert files[first["file"]] == FIRST and files[second["file"]] == SECOND
    for entry in (first, second):
        assert entry["sha256"] == hashlib.sha256(files[entry["file"]]).hexdigest()
        assert entry["fetched"] == "stored" and entry["step"] == "taobao_corporate"
        assert entry["document_id"] == "business_licence"
    assert first["size"] == len(FIRST) and first["name"] == "licence.pdf"
    assert first["review_state"] == "needs_revision" and first["reviewed_by"] == 4242
    assert first["note"] == "=blurred scan" and first["reviewed_at"]
    assert second["name"] == "../../licence.pdf" and second["review_state"] == "received"
    assert second["reviewed_by"] is None and first["received_at"]
    assert later == {**later, "file": None, "fetched": "not_fetched", "sha256": None}
    rows = list(csv.reader(io.StringIO(timeline)))
    assert rows[0] == [
        "at", "kind", "user_id", "step", "step_name", "answer", "to_step", "to_step_name", "detail"
    ]  # fmt: skip
    kinds = [row[1] for row in rows[1:]]
    assert kinds[0] == "start" and kinds.count("answer") == 3
    last = rows[-1]
    assert last[5] == "yes" and last[6] == "taobao_corporate"
    assert last[7] == "Taobao corporate account"


async def test_the_pack_streams_to_standard_output(
    settings: Settings,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    await company_with_documents(settings, clock)
    assert run_evidence(settings, monkeypatch, "--chat", str(EN_USER["id"]), "--output", "-") == 0
    captured = capsysbinary.readouterr()
    with zipfile.ZipFile(io.BytesIO(captured.out)) as pack:
        assert "manifest.json" in pack.namelist() and pack.testzip() is None
    assert b"the evidence pack of chat" in captured.err


async def test_an_unknown_chat_and_an_existing_file_are_refused(
    settings: Settings,
    clock: FrozenClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await company_with_documents(settings, clock)
    target = tmp_path / "pack.zip"
    assert run_evidence(settings, monkeypatch, "--chat", "777", "--output", str(target)) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"error: no company with chat id 777 in {settings.db_path}"
    assert not target.exists()
    target.write_bytes(b"keep me")
    chat = str(EN_USER["id"])
    assert run_evidence(settings, monkeypatch, "--chat", chat, "--output", str(target)) == 1
    assert "exists" in capsys.readouterr().err and target.read_bytes() == b"keep me"


@pytest.mark.parametrize(
    ("sent", "entry"),
    [
        ("../../etc/passwd", "etc_passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("/abs/olute.pdf", "abs_olute.pdf"),
        ("C:\\x.pdf", "C__x.pdf"),
        ("a\x00b\n.pdf", "ab.pdf"),
        ("...", "document"),
        ("", "document"),
        ("营业执照.pdf", "营业执照.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_a_sent_name_becomes_one_safe_entry_name(sent: str, entry: str) -> None:
    assert safe_entry_name(sent) == entry


def test_compressed_kinds_are_stored_and_others_deflated(tmp_path: Path) -> None:
    """A photo or an archive is copied as it is (deflating it again costs time and saves
    nothing); a PDF or a document is deflated."""
    from bot.services.evidence.pack import _copy_into

    source = tmp_path / "kept"
    source.write_bytes(b"x" * 4096)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as pack:
        for name in ("documents/s/photo.JPG", "documents/s/all.zip", "documents/s/licence.pdf"):
            _copy_into(pack, name, source, (2026, 12, 7, 0, 0, 0))
    with zipfile.ZipFile(out) as pack:
        kinds = {info.filename: info.compress_type for info in pack.infolist()}
        assert pack.testzip() is None
    assert kinds == {
        "documents/s/photo.JPG": zipfile.ZIP_STORED,
        "documents/s/all.zip": zipfile.ZIP_STORED,
        "documents/s/licence.pdf": zipfile.ZIP_DEFLATED,
    }
