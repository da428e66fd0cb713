"""Telegram presentation: turning service values into what Telegram shows (texts, HTML,
keyboards). It may import telegram and services; services never import it."""
