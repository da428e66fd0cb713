# tmall-tp-bot: the Telegram certification assistant.
#   docker build -t tmall-tp-bot .
#   docker run -d --restart unless-stopped -e TELEGRAM_BOT_TOKEN=... -v tpbot-data:/data tmall-tp-bot
#   docker run --rm -v tpbot-data:/data tmall-tp-bot tmall-tp-bot backup
# or, with the settings in .env: docker compose up -d --build (compose.yaml)
# Every dependency is installed at the version constraints.txt pins (see the README).

# The package as a wheel, built from the source with the pinned setuptools.
FROM python:3.11-slim AS wheel
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY constraints.txt ./
RUN pip install -c constraints.txt setuptools wheel
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY locales ./locales
COPY calendar ./calendar
RUN pip wheel --no-deps --no-build-isolation -w /dist .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TPBOT_DB=/data/tpbot.sqlite3 \
    TPBOT_LISTEN=0.0.0.0

# A small CJK font, so the /stats funnel chart can be labelled in Chinese.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

# The dependencies in a layer of their own: an edit of the code does not reinstall them.
COPY pyproject.toml constraints.txt /tmp/deps/
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/deps/pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/deps/requirements.txt \
    && pip install -c /tmp/deps/constraints.txt -r /tmp/deps/requirements.txt \
    && rm -rf /tmp/deps
# The package itself (flows/, locales/ and calendar/ inside it): `tmall-tp-bot` on PATH.
COPY --from=wheel /dist /tmp/dist
RUN pip install --no-deps /tmp/dist/tmall_tp_bot-*.whl && rm -rf /tmp/dist
RUN useradd --create-home --uid 10001 tpbot \
    && mkdir -p /data && chown tpbot:tpbot /data

USER tpbot
WORKDIR /data
VOLUME ["/data"]
# The operators' console and /healthz (and, with TPBOT_WEBHOOK_URL set, the webhook). The
# server listens on every interface of the container (TPBOT_LISTEN above): what is reachable
# from outside is decided by publishing the port (docker run -p, compose.yaml's ports:).
EXPOSE 8080
# Alive = updates are being taken in (a heartbeat the running bot keeps beside its database).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s CMD ["tmall-tp-bot", "health"]
# No entrypoint: the command is the README's, e.g. `docker run ... tmall-tp-bot tmall-tp-bot backup`.
CMD ["tmall-tp-bot", "run"]
