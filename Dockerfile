# syntax=docker/dockerfile:1
# One image for the four services; docker-compose.yml picks the process with its command:
#   python -m services.<svc> api --host 0.0.0.0 --port <port>
#   python -m services.<svc> worker
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# A CJK font for dunning's letters (PDF with Chinese text), as scripts/system-deps.sh installs.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first (cached while requirements.lock is unchanged); every pin is hash-checked,
# and only wheels are accepted (the slim image has no compiler).
COPY requirements.lock ./
RUN pip install --require-hashes --only-binary=:all: -r requirements.lock

# The code (.dockerignore keeps tests, docs, deploy, var and caches out).
COPY . .

RUN groupadd --system --gid 10001 ar \
    && useradd --system --uid 10001 --gid ar --home-dir /app --no-create-home ar
USER ar

# APIs: ledger 8101, credit 8102, dunning 8103, reporting 8104; workers' metrics: 9100.
EXPOSE 8101 8102 8103 8104 9100
CMD ["python", "-c", "print('usage: python -m services.<ledger|credit|dunning|reporting> api|worker')"]
