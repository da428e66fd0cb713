"""The command line: check, diagram, demo, and run (polling and webhook) for real."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import PROJECT_ROOT
from tests.helpers.fake_bot_server import FakeBotServer
from tests.helpers.process import (
    cli_argv,
    console_command,
    free_port,
    port_open,
    post_update,
    press_update,
    running_bot,
    start_update,
    taken_port,
    wait_for,
)


def test_check_passes_on_the_real_flow(env: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "tmall_tp.yaml: OK — 23 steps in 4 stages" in out and "en, zh" in out


def test_check_warns_when_the_calendar_runs_out_soon(
    env: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    import bot.cli

    monkeypatch.setattr(bot.cli, "_today", lambda: dt.date(2026, 12, 1))
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "warning: official Chinese working days are known up to 2026-12-31" in out
    monkeypatch.setattr(bot.cli, "_today", lambda: dt.date(2026, 6, 1))
    assert main(["check"]) == 0
    assert "calendar: official working days known up to 2026-12-31" in capsys.readouterr().out


def test_check_names_file_step_and_fault(
    env: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "flow.yaml"
    text = (PROJECT_ROOT / "flows" / "tmall_tp.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("next: op_deposit\n", "next: op_depost\n"), encoding="utf-8")
    monkeypatch.setenv("TPBOT_FLOW", str(broken))
    assert main(["check"]) == 2
    err = capsys.readouterr().err
    assert f"error: {broken}" in err
    assert "step 'op_audit', answer 'passed': unknown target state 'op_depost'" in err


def test_diagram_is_mermaid_from_the_yaml(env: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram"]) == 0
    out = capsys.readouterr().out
    assert "stateDiagram-v2" in out
    assert "op_assessment --> op_apply: unqualified" in out
    assert "[*] --> welcome" in out
    assert out.startswith("---\ntitle: tmall_tp\n---")  # Mermaid's front matter
    assert main(["diagram", "--language", "zh"]) == 0
    zh = capsys.readouterr().out
    assert 'state "报价及二审" as op_audit' in zh
    assert "op_assessment --> op_apply: unqualified" not in zh  # edges in Chinese too


def test_run_without_a_token_is_one_clear_line(
    env: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith("error: TELEGRAM_BOT_TOKEN is not set")


def test_bad_operator_setting(
    env: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TPBOT_OPERATORS", "12,abc")
    assert main(["check"]) == 2
    assert "TPBOT_OPERATORS must be comma-separated Telegram user ids" in capsys.readouterr().err


def test_every_faulty_setting_is_one_line_before_anything_runs(
    env: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TPBOT_WEBHOOK_SECRET", "(unset: generated once)")
    monkeypatch.setenv("TPBOT_IDLE_DAYS", "0")
    assert main(["run"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["error:", "TPBOT_WEBHOOK_SECRET"],
        ["error:", "TPBOT_IDLE_DAYS"],
    ]
    assert not Path(env["TPBOT_DB"]).exists()  # refused before the database was touched


def test_demo_in_the_terminal(env: dict) -> None:
    env = {**env, "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        cli_argv("demo"),
        input="1\n1\nhello\n/status\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=env.get("PWD"),
    )
    assert result.returncode == 0, result.stderr
    assert "1) Let's start ▶️" in result.stdout
    assert "Is the store owner (the brand) a different company" in result.stdout
    assert "Please answer with the buttons below" in result.stdout
    assert "2 of 21 steps done" in result.stdout
    # a second session continues where the first one stopped
    again = subprocess.run(
        cli_argv("demo", "--language", "zh"),
        input="/status\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    # ... in the language asked for now (#12: an earlier demo's saved language used to win)
    assert "欢迎回来" in again.stdout and "已完成 2 / 21 步" in again.stdout, again.stdout
    # and in a database of its own: the bot's (TPBOT_DB) holds no demo chat
    assert not Path(env["TPBOT_DB"]).exists()


def test_run_long_polling_against_a_local_bot_api(env: dict) -> None:
    assert main(["health"]) == 1  # no bot has run on this database yet
    with FakeBotServer() as server:
        env = {
            **env,
            "TELEGRAM_BOT_TOKEN": "123456:SECRET-TOKEN-abcdefghijklmnopqrstuvw",
            "TELEGRAM_API_BASE_URL": server.base_url,
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        process = subprocess.Popen(
            cli_argv("run"), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            server.updates.append(start_update(50))
            wait_for(lambda: bool(server.sent("sendMessage")))
            wait_for(lambda: len(server.sent("setMyCommands")) == 2)
            server.updates.append(press_update(51, "a|0|welcome|begin"))
            wait_for(lambda: bool(server.sent("editMessageText")))
            assert main(["health"]) == 0  # the running bot takes updates in
        finally:
            process.send_signal(signal.SIGINT)
            output, _ = process.communicate(timeout=30)
    assert "欢迎" in server.sent("sendMessage")[0].text
    commands = {
        c.params.get("language_code"): c.params["commands"] for c in server.sent("setMyCommands")
    }
    assert set(commands) == {None, "zh"}
    assert [c["command"] for c in commands[None]] == [
        "start",
        "status",
        "back",
        "language",
        "reset",
        "ask",
        "mute",
        "unmute",
        "documents",
        "id",
        "help",
    ]
    assert commands["zh"][0]["description"] == "开始或继续认证"
    assert "SECRET-TOKEN" not in output  # the token never reaches the log
    # the start says which bot runs, how, and what is configured (a newcomer's first check)
    assert "long polling as @TmallTPBot" in output
    assert "operators: none listed" in output and "support group: not set" in output
    assert "transitions" not in output  # no log lines per press


def test_run_webhook_checks_the_secret(env: dict) -> None:
    port = free_port()
    with (
        FakeBotServer() as server,
        running_bot(
            env,
            server,
            TPBOT_WEBHOOK_URL="https://bot.example.test/tg-hook",
            TPBOT_WEBHOOK_SECRET="s3cret",
            TPBOT_LISTEN="127.0.0.1",
            TPBOT_PORT=str(port),
        ),
    ):
        wait_for(lambda: bool(server.sent("setWebhook")))
        webhook = server.sent("setWebhook")[0].params
        assert webhook["url"] == "https://bot.example.test/tg-hook"
        assert webhook["secret_token"] == "s3cret"

        def post(secret: str | None) -> int:
            return post_update(port, secret)

        wait_for(lambda: port_open(port))
        assert post("wrong") == 403
        assert post(None) == 403
        assert not server.sent("sendMessage")
        assert post("s3cret") == 200
        wait_for(lambda: bool(server.sent("sendMessage")))


def test_a_webhook_without_a_configured_secret_gets_a_generated_one(env: dict) -> None:
    """Forged updates posted to the port must not pass for Telegram's: with no
    TPBOT_WEBHOOK_SECRET set, the bot makes one, registers it and keeps it across restarts."""
    port = free_port()
    with FakeBotServer() as server:
        env = {
            **env,
            "TELEGRAM_BOT_TOKEN": "123456:TOKEN-abcdefghijklmnopqrstuvwxyz01",
            "TELEGRAM_API_BASE_URL": server.base_url,
            "TPBOT_WEBHOOK_URL": "https://bot.example.test/tg-hook",
            "TPBOT_LISTEN": "127.0.0.1",
            "TPBOT_PORT": str(port),
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        secrets = []
        for attempt in range(2):
            process = subprocess.Popen(
                cli_argv("run"),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            try:
                wait_for(lambda n=attempt: len(server.sent("setWebhook")) > n)
                secret = server.sent("setWebhook")[attempt].params.get("secret_token")
                assert secret and len(secret) >= 32
                secrets.append(secret)
                wait_for(lambda: port_open(port))
                assert post_update(port, None, 100 + attempt) == 403
                assert post_update(port, "guess", 100 + attempt) == 403
                assert post_update(port, secret, 100 + attempt) == 200
            finally:
                process.send_signal(signal.SIGINT)
                output, _ = process.communicate(timeout=30)
            assert secret not in output  # never logged
        assert secrets[0] == secrets[1]
        assert len(server.sent("sendMessage")) == 2  # the two genuine updates, nothing forged


def test_run_with_a_rejected_token_is_one_line(env: dict) -> None:
    with FakeBotServer(reject_token=True) as server:
        env = {
            **env,
            "TELEGRAM_BOT_TOKEN": "123456:WRONG-TOKEN-abcdefghijklmnopqrstuv",
            "TELEGRAM_API_BASE_URL": server.base_url,
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        result = subprocess.run(
            cli_argv("run"), env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "the token was rejected by Telegram" in output
    assert "Traceback" not in output and "WRONG-TOKEN" not in output


@pytest.mark.parametrize(
    ("base_url", "because"),
    [
        # nobody listens on that port
        ("http://127.0.0.1:{port}/bot", "127.0.0.1:{port} refused the connection"),
        # .invalid never resolves (RFC 2606): what a machine without DNS sees for any name
        ("http://api.telegram.invalid/bot", "the name api.telegram.invalid does not resolve ("),
    ],
)
def test_run_retries_while_the_bot_api_is_unreachable_saying_why_and_how_long(
    env: dict, base_url: str, because: str
) -> None:
    port = free_port()
    base_url, because = base_url.format(port=port), because.format(port=port)
    env = {
        **env,
        "TELEGRAM_BOT_TOKEN": "123456:SOME-TOKEN-abcdefghijklmnopqrstuvw",
        "TELEGRAM_API_BASE_URL": base_url,
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    process = subprocess.Popen(
        cli_argv("run"), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + 60  # a loaded machine starts slowly; two tries are enough
    while time.monotonic() < deadline and sum("cannot reach" in x for x in seen) < 2:
        seen.append(process.stdout.readline())
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=30)
    output = "".join(seen) + rest
    assert process.returncode == 0
    tries = [line for line in output.splitlines() if "cannot reach the Bot API at" in line]
    assert len(tries) >= 2, output  # retried, not fatal
    assert all(f"cannot reach the Bot API at {base_url}: {because}" in line for line in tries)
    assert "first try failed, next try in 1 s" in tries[0]
    assert re.search(r"; trying for [1-4] s, next try in \d+ s", tries[-1]), tries[-1]
    assert "Traceback" not in output and "SOME-TOKEN" not in output


def test_run_serves_the_console_in_polling_mode(env: dict) -> None:
    """The real process: /console from an operator gives a one-time link to the console that
    the same process serves on 127.0.0.1; without a session it shows nothing."""
    import http.cookiejar
    import urllib.parse

    port = free_port()
    with (
        FakeBotServer() as server,
        running_bot(env, server, TPBOT_OPERATORS="777", TPBOT_PORT=str(port)) as bot,
    ):
        server.updates.append(start_update(60))  # a company: Zhang
        server.updates.append(console_command(61, 777))
        wait_for(lambda: any("/console/login/" in c.text for c in server.sent()))
        wait_for(lambda: port_open(port))
        base = f"http://127.0.0.1:{port}"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/console/", timeout=5)
        assert refused.value.code == 401 and b"Zhang" not in refused.value.read()
        text = next(c.text for c in server.sent() if "/console/login/" in c.text)
        link = re.search(r"/console/login/([\w-]+)", text)
        assert link and text.count(base) == 1  # the link names this machine's port
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = urllib.parse.urlencode({"token": link.group(1)}).encode()
        board = browser.open(base + "/console/login", data=form, timeout=10).read().decode()
        assert "Zhang" in board and "1 company" in board
    output = bot["output"]
    assert f"operators' console: http://127.0.0.1:{port}/console/" in output
    assert link.group(1) not in output  # sign-in secrets are not logged


def test_run_gives_operators_the_console_as_their_menu_button_over_https(env: dict) -> None:
    port = free_port()
    with (
        FakeBotServer() as server,
        running_bot(
            env,
            server,
            TPBOT_WEBHOOK_URL="https://bot.example.test/tg-hook",
            TPBOT_OPERATORS="777",
            TPBOT_LISTEN="127.0.0.1",
            TPBOT_PORT=str(port),
        ),
    ):
        wait_for(lambda: bool(server.sent("setChatMenuButton")))
        wait_for(lambda: port_open(port))
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/console/", timeout=5)
        assert refused.value.code == 401
    (call,) = server.sent("setChatMenuButton")
    assert int(call.params["chat_id"]) == 777
    button = call.params["menu_button"]
    button = json.loads(button) if isinstance(button, str) else button
    assert button["type"] == "web_app"
    assert button["web_app"]["url"] == "https://bot.example.test/console/app?lang=en"


def test_demo_serves_the_console_over_its_sample_companies(env: dict) -> None:
    """A newcomer's first minute: the demo's console, no token, sample companies in it."""
    import http.cookiejar
    import urllib.parse

    port = free_port()
    process = subprocess.Popen(
        cli_argv("demo", "--console", "--sample", "6", "--port", str(port)),
        env={**env, "PYTHONPATH": str(PROJECT_ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("/console/login/" in x for x in lines):
            lines.append(process.stdout.readline())
        printed = "".join(lines)
        assert "6 sample companies added" in printed
        link = re.search(rf"http://127\.0\.0\.1:{port}/console/login/([\w-]+)", printed)
        assert link, printed
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = urllib.parse.urlencode({"token": link.group(1)}).encode()
        board = (
            browser.open(f"http://127.0.0.1:{port}/console/login", data=form, timeout=10)
            .read()
            .decode()
        )
        assert "7 companies" in board  # the six samples and the demo's own chat
        process.stdin.write("1\n")  # the terminal chat goes on beside it
        process.stdin.flush()
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C, with the terminal still open
        output, _ = process.communicate(timeout=30)
    assert "bye" in output and "Traceback" not in output
    assert process.returncode == 0


def test_run_on_a_taken_port_is_one_line_and_asks_telegram_nothing(env: dict) -> None:
    with taken_port() as port, FakeBotServer() as server:
        full = {
            **env,
            "TELEGRAM_BOT_TOKEN": "123456:TOKEN-abcdefghijklmnopqrstuvwxyz01",
            "TELEGRAM_API_BASE_URL": server.base_url,
            "TPBOT_PORT": str(port),
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        result = subprocess.run(
            cli_argv("run"), env=full, capture_output=True, text=True, timeout=60
        )
        assert not server.sent()  # no getUpdates: a second copy must not poll beside the first
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"error: the operators' console and /healthz cannot listen on 127.0.0.1:{port}: port "
        f"{port} is already in use on 127.0.0.1 (another program, or the bot already "
        "running?): choose another with TPBOT_PORT, or stop that program"
    )
    assert "operators' console: http" not in result.stderr


def test_demo_console_on_a_taken_port_exits_cleanly(env: dict) -> None:
    with taken_port() as port:
        result = subprocess.run(
            cli_argv("demo", "--console", "--port", str(port)),
            env={**env, "PYTHONPATH": str(PROJECT_ROOT)},
            input="",
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines() == [
        f"error: the operators' console and /healthz cannot listen on 127.0.0.1:{port}: port "
        f"{port} is already in use on 127.0.0.1 (another program, or the bot already "
        "running?): choose another with --port, or stop that program"
    ]


def test_run_follows_the_operators_in_env_and_reads_them_at_once_on_sighup(
    env: dict, tmp_path: Path
) -> None:
    """The real process: TPBOT_OPERATORS in ./.env, edited while it runs; SIGHUP applies the
    edit at once and the removed operator's /console is refused."""
    env_file = tmp_path / ".env"
    env_file.write_text("TPBOT_OPERATORS=777\n", encoding="utf-8")
    with FakeBotServer() as server:
        full = {
            **env,
            "TELEGRAM_BOT_TOKEN": "123456:TOKEN-abcdefghijklmnopqrstuvwxyz01",
            "TELEGRAM_API_BASE_URL": server.base_url,
            "TPBOT_PORT": str(free_port()),
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        process = subprocess.Popen(
            cli_argv("run"), env=full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            server.updates.append(console_command(70, 777))
            wait_for(lambda: any("/console/login/" in c.text for c in server.sent()))
            env_file.write_text("TPBOT_OPERATORS=778\n", encoding="utf-8")
            process.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            before = len(server.sent("sendMessage"))
            server.updates.append(console_command(71, 777))
            wait_for(lambda: len(server.sent("sendMessage")) > before)
        finally:
            process.send_signal(signal.SIGINT)
            output, _ = process.communicate(timeout=30)
    refusal = server.sent("sendMessage")[-1].text
    assert "for operators only" in refusal and "/console/login/" not in refusal
    assert f"operators: 1 listed in TPBOT_OPERATORS (changes to {env_file} apply" in output
    assert "TPBOT_OPERATORS changed in" in output and "added 778, removed 777" in output
