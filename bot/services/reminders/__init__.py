"""Reminders and nudges: idle companies, audit follow-ups."""
