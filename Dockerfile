# alliance-bot as a container: `docker compose up -d` (see README, "Run as a service").
# The token comes from the environment at run time (compose's env_file), never from the image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ALLIANCE_DATA_DIR=/data \
    ALLIANCE_CORPUS_DIR=/app/corpus

WORKDIR /app

# Dependencies and code first (cached across corpus-only changes), installed as root into the
# system site-packages; the bot itself runs as an unprivileged user.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY index ./index
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin alliance \
    && mkdir -p /data \
    && chown alliance:alliance /data

COPY --chown=alliance:alliance corpus ./corpus

USER alliance

# The database, index and trash live in /data; the documents (seed, uploads/, web/) in
# /app/corpus. A named volume starts as a copy of the image's corpus.
VOLUME ["/data", "/app/corpus"]

# Healthy: the bot holds the data dir's lock, the database passes quick_check, an index serves.
HEALTHCHECK --interval=60s --timeout=15s --start-period=180s --retries=3 \
    CMD ["alliance-bot", "health"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["alliance-bot"]
CMD ["run"]
