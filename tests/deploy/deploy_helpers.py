"""Helpers shared by the tests of deploy/ and docker-compose.yml (not a test module)."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
TOPICS_FILE = REPO / "shared" / "events" / "topics.txt"
SERVICES = ("ledger", "credit", "dunning", "reporting")
API_PORTS = {"ledger": 8101, "credit": 8102, "dunning": 8103, "reporting": 8104}


def load_compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def kafka_version() -> str:
    return (DEPLOY / "kafka" / "VERSION").read_text(encoding="utf-8").strip()


def load_create_topics():
    """deploy/kafka/create_topics.py as a module (deploy/ is not a package)."""
    path = DEPLOY / "kafka" / "create_topics.py"
    spec = importlib.util.spec_from_file_location("ar_deploy_create_topics", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def listed_topics() -> list[tuple[str, int]]:
    return load_create_topics().parse_topics(TOPICS_FILE)


def compose_default(value: str) -> str:
    """The default of a `${VAR:-default}` reference (or the value itself)."""
    match = re.fullmatch(r"\$\{\w+:-(.*)\}", value)
    return match.group(1) if match else value


def require_env(name: str, what: str) -> str:
    """The value of env `name`; skip without it, but fail when CI=true (nothing may be skipped there)."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is not set but CI=true: {what} must run in CI")
    pytest.skip(f"{name} not set ({what})")
