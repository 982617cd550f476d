# Samenspraak: a small image that runs the Telegram bot as a non-root user, with the database on a volume.
# Dependencies come from the lock file, so the image runs what CI tested; building the wheel compiles the catalogs.
FROM python:3.11-slim AS build
WORKDIR /src
COPY requirements.txt ./
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir --require-hashes -r requirements.txt
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
COPY locales ./locales
RUN /venv/bin/pip install --no-cache-dir --no-deps --no-build-isolation .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin samenspraak \
 && mkdir -p /data && chown samenspraak:samenspraak /data && chmod 700 /data
WORKDIR /app
COPY --from=build /venv /venv
COPY conversations ./conversations
ENV PATH=/venv/bin:$PATH \
    SAMENSPRAAK_DB=/data/samenspraak.sqlite3 \
    SAMENSPRAAK_CONVERSATIONS=/app/conversations \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
USER samenspraak
# The token comes from the environment (SAMENSPRAAK_TOKEN) or a mounted secret (SAMENSPRAAK_TOKEN_FILE).
CMD ["samenspraak", "run"]
