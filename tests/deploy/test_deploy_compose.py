"""docker-compose.yml and what it mounts: structure checks (no Docker engine needed)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from deploy_helpers import (  # noqa: E402
    API_PORTS,
    DEPLOY,
    REPO,
    SERVICES,
    compose_default,
    kafka_version,
    load_compose,
)

COMPOSE = load_compose()
SVCS = COMPOSE["services"]


def _env(name: str) -> dict:
    return {k: str(v) for k, v in (SVCS[name].get("environment") or {}).items()}


def _mounts(name: str) -> dict[str, str]:
    """container path -> host path (relative, as written)."""
    out = {}
    for volume in SVCS[name].get("volumes", []):
        host, container = volume.split(":")[:2]
        out[container] = host
    return out


def test_every_service_is_present():
    expected = {"kafka", "kafka-init", "postgres", "gateway", "prometheus", "grafana", "mailpit"}
    expected |= {f"{svc}-{role}" for svc in SERVICES for role in ("api", "worker")}
    assert expected <= set(SVCS), f"missing: {sorted(expected - set(SVCS))}"


def test_kafka_image_matches_deploy_kafka_version():
    version = kafka_version()
    assert re.fullmatch(r"4\.\d+\.\d+", version), version
    assert SVCS["kafka"]["image"] == f"apache/kafka:{version}"
    assert SVCS["kafka-init"]["image"] == f"apache/kafka:{version}"


def test_kafka_runs_in_kraft_mode():
    env = _env("kafka")
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093"
    assert "CONTROLLER" in env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert not any("ZOOKEEPER" in key for key in env)
    cluster_id = compose_default(env["CLUSTER_ID"])
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16, "CLUSTER_ID must be a base64 UUID"
    assert not cluster_id.startswith("-"), "the storage tool would read it as an option"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "1"
    assert "healthcheck" in SVCS["kafka"]


def test_kafka_init_creates_topics_from_the_mounted_topics_file():
    init = SVCS["kafka-init"]
    mounts = _mounts("kafka-init")
    topics_target = _env("kafka-init")["TOPICS_FILE"]
    assert mounts[topics_target] == "./shared/events/topics.txt"
    script_target = next(c for c, h in mounts.items() if h == "./deploy/kafka/init-topics.sh")
    assert script_target in " ".join(init["entrypoint"])
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
    script = (DEPLOY / "kafka" / "init-topics.sh").read_text()
    assert "/opt/kafka/bin" in script and "kafka-topics.sh" in script and "--if-not-exists" in script


def test_postgres_16_with_one_database_per_service():
    assert SVCS["postgres"]["image"].startswith("postgres:16")
    assert _mounts("postgres")["/docker-entrypoint-initdb.d"] == "./deploy/postgres/init"
    sql = "\n".join(p.read_text() for p in sorted((DEPLOY / "postgres" / "init").glob("*.sql")))
    created = set(re.findall(r"CREATE DATABASE (\w+);", sql))
    assert created == {f"ar_{svc}" for svc in SERVICES}
    assert "healthcheck" in SVCS["postgres"]


def test_each_service_has_an_api_and_a_worker_from_the_one_image():
    images = {SVCS[f"{s}-{r}"]["image"] for s in SERVICES for r in ("api", "worker")}
    assert len(images) == 1
    for svc in SERVICES:
        api, worker = SVCS[f"{svc}-api"], SVCS[f"{svc}-worker"]
        assert api["build"]["dockerfile"] == "Dockerfile"
        assert api["command"][:4] == ["python", "-m", f"services.{svc}", "api"]
        assert api["command"][api["command"].index("--port") + 1] == str(API_PORTS[svc])
        assert worker["command"] == ["python", "-m", f"services.{svc}", "worker"]


def test_each_api_has_a_healthcheck_on_its_prefix():
    for svc in SERVICES:
        check = SVCS[f"{svc}-api"]["healthcheck"]
        test = " ".join(check["test"])
        assert f"http://127.0.0.1:{API_PORTS[svc]}/{svc}/healthz" in test, test


def test_each_service_has_its_own_database_url_and_kafka_settings():
    urls = {}
    for svc in SERVICES:
        for role in ("api", "worker"):
            env = _env(f"{svc}-{role}")
            db_keys = [k for k in env if k.endswith("_DATABASE_URL")]
            assert db_keys == [f"AR_{svc.upper()}_DATABASE_URL"], (svc, role, db_keys)
            url = env[db_keys[0]]
            assert url.startswith("postgresql+asyncpg://") and url.endswith(f"@postgres:5432/ar_{svc}")
            urls.setdefault(svc, set()).add(url)
            assert env["AR_TRANSPORT"] == "kafka"
            assert env["AR_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
            assert "AR_BOOTSTRAP_ADMIN_KEY" in env
        assert _env(f"{svc}-worker")["AR_METRICS_PORT"] == "9100"
    assert all(len(u) == 1 for u in urls.values())  # api and worker share their service's db
    assert len({next(iter(u)) for u in urls.values()}) == len(SERVICES)


def test_dependencies_wait_for_health():
    for svc in SERVICES:
        deps = SVCS[f"{svc}-api"]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy"
        assert deps["kafka-init"]["condition"] == "service_completed_successfully"
        assert SVCS[f"{svc}-worker"]["depends_on"][f"{svc}-api"]["condition"] == "service_healthy"
        assert SVCS["gateway"]["depends_on"][f"{svc}-api"]["condition"] == "service_healthy"


def test_dunning_gets_the_mail_catcher():
    for role in ("api", "worker"):
        env = _env(f"dunning-{role}")
        assert compose_default(env["AR_DUNNING_SMTP_HOST"]) == "mailpit"
        assert compose_default(env["AR_DUNNING_SMTP_PORT"]) == "1025"
    assert "mailpit" in SVCS["mailpit"]["image"]


def test_gateway_serves_the_four_prefixes_on_8000():
    gateway = SVCS["gateway"]
    assert any(str(p).endswith(":8000") for p in gateway["ports"])
    assert _mounts("gateway")["/etc/nginx/templates/default.conf.template"] == "./deploy/nginx/gateway.conf.template"
    env = _env("gateway")
    assert env["AR_GATEWAY_PORT"] == "8000"
    for svc in SERVICES:
        assert env[f"AR_{svc.upper()}_UPSTREAM"] == f"{svc}-api:{API_PORTS[svc]}"
    template = (DEPLOY / "nginx" / "gateway.conf.template").read_text()
    for svc in SERVICES:
        assert f"upstream ar_{svc}" in template and f"${{AR_{svc.upper()}_UPSTREAM}}" in template
        # proxy_pass without a URI part: the prefix is NOT stripped.
        assert re.search(rf"location \^~ /{svc}/\s*\{{\s*proxy_pass http://ar_{svc};", template), svc
    assert "location = /healthz" in template
    for header in ("X-Request-ID", "X-Correlation-ID", "Authorization"):
        assert f"proxy_set_header {header}" in template


def test_prometheus_scrapes_the_four_services():
    assert _mounts("prometheus")["/etc/prometheus/prometheus.yml"] == "./deploy/prometheus/prometheus.yml"
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    jobs = config["scrape_configs"]
    worker_names = set()
    for svc in SERVICES:
        api_jobs = [
            j for j in jobs
            if j.get("metrics_path") == f"/{svc}/metrics"
            and any(f"{svc}-api" in sd["names"] and sd["port"] == API_PORTS[svc] for sd in j.get("dns_sd_configs", []))
        ]
        assert api_jobs, f"no scrape job for {svc}-api /{svc}/metrics"
    for job in jobs:
        for sd in job.get("dns_sd_configs", []):
            if sd["port"] == 9100:
                worker_names |= set(sd["names"])
    assert worker_names >= {f"{svc}-worker" for svc in SERVICES}


def test_grafana_is_provisioned_with_prometheus_and_the_dashboard():
    mounts = _mounts("grafana")
    assert mounts["/etc/grafana/provisioning"] == "./deploy/grafana/provisioning"
    datasources = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text())
    (ds,) = datasources["datasources"]
    assert ds["type"] == "prometheus" and ds["url"] == "http://prometheus:9090"
    providers = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/receivables.yml").read_text())
    dash_dir = providers["providers"][0]["options"]["path"]
    assert mounts[dash_dir] == "./deploy/grafana/dashboards"
    dashboard = json.loads((DEPLOY / "grafana/dashboards/receivables.json").read_text())
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p.get("targets", []))
    for metric in (
        "ar_http_requests_total", "ar_http_request_duration_seconds_bucket", "ar_events_published_total",
        "ar_events_consumed_total", "ar_events_failed_total", "ar_events_dead_lettered_total",
        "ar_outbox_backlog", "ar_consumer_lag", "ar_events_duplicate_total", "ar_consumer_batch_size_bucket",
        "ar_db_listening", "ar_cache_lookups_total",
    ):
        assert metric in exprs, metric
    uids = {t["datasource"]["uid"] for p in dashboard["panels"] for t in p.get("targets", [])}
    assert uids == {ds["uid"]}


def test_secret_defaults_are_marked_dev_only():
    text = (REPO / "docker-compose.yml").read_text()
    for name, sep, default in re.findall(r"\$\{(\w+)(:-|:\?)([^}]*)\}", text):
        if re.search(r"PASSWORD|SECRET|KEY|TOKEN", name) and sep == ":-":
            assert default.startswith("dev-only-"), f"{name} default {default!r} is not marked dev-only"
    for url in re.findall(r"postgresql\+asyncpg://[^\s]+", text):
        assert "${POSTGRES_PASSWORD" in url


def test_dockerfile_installs_the_lock_with_hashes():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r"pip install [^\n]*--require-hashes[^\n]*-r requirements.lock", dockerfile)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M), "the image must not run as root"
    ignored = {line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()}
    assert {".git", ".venv", "var", ".cache"} <= ignored


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} not installed")
    return found


def test_compose_file_is_valid_for_docker_compose():
    """`docker-compose config` parses without an engine (skipped when it is not installed)."""
    result = subprocess.run([_tool("docker-compose"), "config", "-q"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_prometheus_config_passes_promtool():
    result = subprocess.run(
        [_tool("promtool"), "check", "config", "--syntax-only", str(DEPLOY / "prometheus" / "prometheus.yml")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
