# Samenspraak: a small image that runs the Telegram bot as a non-root user, with the database on a volume.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY locales ./locales
RUN pip install --no-cache-dir --prefix=/install . \
 && PYTHONPATH=/install/lib/python3.11/site-packages python -m babel.messages.frontend compile -d locales -D samenspraak \
 && PYTHONPATH=/install/lib/python3.11/site-packages python -m babel.messages.frontend compile -d locales -D organiser

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin samenspraak \
 && mkdir -p /data && chown samenspraak:samenspraak /data && chmod 700 /data
WORKDIR /app
COPY --from=build /install /usr/local
COPY --from=build /src/locales ./locales
COPY conversations ./conversations
ENV SAMENSPRAAK_DB=/data/samenspraak.sqlite3 \
    SAMENSPRAAK_LOCALES=/app/locales \
    SAMENSPRAAK_CONVERSATIONS=/app/conversations \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
USER samenspraak
# The token comes from the environment (SAMENSPRAAK_TOKEN) or a mounted secret (SAMENSPRAAK_TOKEN_FILE).
CMD ["samenspraak", "run"]
