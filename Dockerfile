# tmall-tp-bot: the Telegram certification assistant.
#   docker build -t tmall-tp-bot .
#   docker run -d --restart unless-stopped -e TELEGRAM_BOT_TOKEN=... -v tpbot-data:/data tmall-tp-bot
# or, with the settings in .env: docker compose up -d --build (compose.yaml)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TPBOT_DB=/data/tpbot.sqlite3 \
    TPBOT_LISTEN=0.0.0.0

# A small CJK font, so the /stats funnel chart can be labelled in Chinese.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The dependencies in a layer of their own: an edit of the code does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt
# The code runs from /app (python -m bot): flows/, locales/ and calendar/ are found beside it.
COPY bot ./bot
COPY flows ./flows
COPY locales ./locales
COPY calendar ./calendar
RUN useradd --create-home --uid 10001 tpbot \
    && mkdir -p /data && chown tpbot:tpbot /data

USER tpbot
VOLUME ["/data"]
# Used only in webhook mode (TPBOT_WEBHOOK_URL set); long polling needs no port. The server
# listens on every interface of the container (TPBOT_LISTEN above): what is reachable from
# outside is decided by publishing the port (docker run -p, compose.yaml's ports:).
EXPOSE 8080
# Alive = updates are being taken in (a heartbeat the running bot keeps beside its database).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s CMD ["python", "-m", "bot", "health"]
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
