"""The web side of the bot: the webhook endpoint and a health URL (Starlette, on uvicorn)."""
