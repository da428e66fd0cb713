"""Support code the tests share (as python-telegram-bot's ``tests/auxil``).

Test modules import from here, never from one another or from ``conftest``; ``conftest.py``
holds only fixtures, built from these helpers (``tests/test_architecture.py`` checks both).

- ``harness``: the real ``Application`` on an offline Bot API (``BotHarness``), a clock, users.
- ``paths``: answer sequences through the flow and walking them.
- ``console``: the console's web app over a test bot, and signing in through ``/console``.
- ``support``: a bot with a support group, and the Bot API answers it needs.
- ``groups``: chat-member updates as Telegram sends them.
- ``broadcasts``: seeded chats, test delivery limits, the ``broadcasts`` command's arguments.
- ``flows``: changed copies of the flow file.
- ``reminders``: one round of the periodic job.
- ``process``: the real ``tmall-tp-bot`` process, its environment, updates posted to it.
- ``fake_bot_server``: a fake Bot API server on 127.0.0.1 for that process.
- ``fuzz_updates``: seeded forged updates (also used by ``benchmarks/fuzz.py``).
"""
