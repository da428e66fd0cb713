"""Operators' broadcasts: one composer (validate, draft, schedule or cancel), audiences,
delivery within Telegram's limits."""
