# tmall-tp-bot: the Telegram certification assistant.
#   docker build -t tmall-tp-bot .
#   docker run -e TELEGRAM_BOT_TOKEN=... -v tpbot-data:/data tmall-tp-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TPBOT_DB=/data/tpbot.sqlite3

# A small CJK font, so the /stats funnel chart can be labelled in Chinese.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY locales ./locales
COPY calendar ./calendar
RUN pip install -e . \
    && useradd --create-home --uid 10001 tpbot \
    && mkdir -p /data && chown tpbot:tpbot /data

USER tpbot
VOLUME ["/data"]
# Used only in webhook mode (TPBOT_WEBHOOK_URL set); long polling needs no port.
EXPOSE 8080
HEALTHCHECK CMD ["tmall-tp-bot", "check"]
ENTRYPOINT ["tmall-tp-bot"]
CMD ["run"]
