"""The scripts under deploy/: syntax, conventions, the topics parser, and the gateway config
run in a real nginx (when nginx is installed) against stub upstreams."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from deploy_helpers import DEPLOY, REPO, SERVICES, TOPICS_FILE, kafka_version, load_create_topics  # noqa: E402

SCRIPTS = sorted(DEPLOY.rglob("*.sh"))
ENTRY_POINTS = [
    "kafka/fetch.sh", "kafka/start.sh", "kafka/stop.sh", "kafka/create-topics.sh", "kafka/init-topics.sh",
    "postgres/start.sh", "postgres/stop.sh", "nginx/render.sh", "local-cluster.sh", "test-infra.sh",
]


def _shell_of(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    return "sh" if first in ("#!/bin/sh", "#!/usr/bin/env sh") else "bash"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(DEPLOY)))
def test_script_syntax(script: Path):
    result = subprocess.run([_shell_of(script), "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_entry_points_are_strict_and_executable(name: str):
    path = DEPLOY / name
    assert os.access(path, os.X_OK), f"{name} is not executable"
    text = path.read_text()
    if _shell_of(path) == "bash":
        assert "set -euo pipefail" in text
    else:
        assert "set -eu" in text


def test_kafka_version_lives_in_one_place():
    pom = (DEPLOY / "kafka" / "pom.xml").read_text()
    assert "<version>${kafka.version}</version>" in pom
    assert kafka_version() not in pom
    assert "kafka_2.13" in pom and "log4j-slf4j-impl" in pom


def test_topics_file_parses():
    topics = load_create_topics().parse_topics(TOPICS_FILE)
    names = [n for n, _ in topics]
    assert {"invoice-issued", "payment-received", "overdue-threshold"} <= set(names)
    assert {f"{svc}.dead-letter" for svc in SERVICES} <= set(names)
    assert all(p >= 1 for _, p in topics)


def test_topics_parser_rejects_bad_lines(tmp_path: Path):
    module = load_create_topics()
    bad = tmp_path / "topics.txt"
    for content in ("# only a comment\n", "a-topic\n", "a-topic six\n", "a 1\na 2\n", "a 0\n"):
        bad.write_text(content)
        with pytest.raises(module.TopicsFileError):
            module.parse_topics(bad)
    bad.write_text("# c\n\n  a 1  \nb 6")
    assert module.parse_topics(bad) == [("a", 1), ("b", 6)]


def test_postgres_start_creates_the_service_databases_and_no_test_database_by_default():
    """Issue 11: restarting the local cluster's server with start.sh must not add ar_test to it;
    the test harness asks for ar_test itself."""
    start = (DEPLOY / "postgres" / "start.sh").read_text()
    default = re.search(r'PG_DATABASES="\$\{PG_DATABASES:-([^}]*)\}"', start).group(1).split()
    assert set(default) == {f"ar_{svc}" for svc in SERVICES}
    for harness in (REPO / "scripts" / "test.sh", DEPLOY / "test-infra.sh"):
        assert re.search(r'PG_DATABASES="[^"]*ar_test[^"]*"[^\n]*postgres/start.sh', harness.read_text()), harness


def test_stop_scripts_are_quiet_no_ops_when_nothing_runs(tmp_path: Path):
    env = {**os.environ, "KAFKA_DIR": str(tmp_path / "k"), "PG_DIR": str(tmp_path / "p")}
    for script in ("kafka/stop.sh", "postgres/stop.sh"):
        result = subprocess.run([str(DEPLOY / script)], env=env, capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        assert "not running" in result.stdout or "no cluster" in result.stdout


def test_local_cluster_rejects_unknown_commands():
    result = subprocess.run([str(DEPLOY / "local-cluster.sh"), "sideways"], capture_output=True, text=True)
    assert result.returncode != 0 and "usage" in result.stderr


# ---- the gateway in a real nginx ----

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not found:
        pytest.skip("nginx not installed (Debian: apt-get install -y nginx)")
    return found


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def test_gateway_config_passes_nginx_t(tmp_path: Path):
    nginx = _nginx()
    subprocess.run([str(DEPLOY / "nginx" / "render.sh"), str(tmp_path)], check=True, capture_output=True)
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr


def test_gateway_proxies_each_prefix_unchanged_with_headers(tmp_path: Path):
    nginx = _nginx()
    servers, env = [], dict(os.environ)
    for svc in SERVICES:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        env[f"AR_{svc.upper()}_UPSTREAM"] = f"127.0.0.1:{server.server_address[1]}"
    env["AR_GATEWAY_PORT"] = str(port := _free_port())
    subprocess.run([str(DEPLOY / "nginx" / "render.sh"), str(tmp_path)], check=True, env=env, capture_output=True)
    args = [nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")]
    subprocess.run(args, check=True, capture_output=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                status, _, body = _get(port, "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert status == 200 and json.loads(body)["status"] == "ok"

        for svc in SERVICES:
            status, headers, body = _get(
                port, f"/{svc}/v1/things?x=1",
                {"Authorization": "Bearer t0k", "X-Request-ID": f"rid-{svc}", "X-Correlation-ID": "corr-1"},
            )
            assert status == 200
            seen = json.loads(body)
            assert seen["path"] == f"/{svc}/v1/things?x=1"  # prefix kept
            assert seen["headers"]["authorization"] == "Bearer t0k"
            assert seen["headers"]["x-request-id"] == f"rid-{svc}"
            assert seen["headers"]["x-correlation-id"] == "corr-1"
            assert headers["x-request-id"] == f"rid-{svc}"

        _, headers, body = _get(port, "/ledger/healthz")
        generated = json.loads(body)["headers"]["x-request-id"]
        assert generated and headers["x-request-id"] == generated
        assert json.loads(body)["headers"]["x-correlation-id"] == generated

        status, headers, body = _get(port, "/elsewhere")
        assert status == 404 and headers["content-type"] == "application/problem+json"
        assert json.loads(body)["status"] == 404
        status, _, _ = _get(port, "/ledgerx/healthz")
        assert status == 404

        servers[0].shutdown()
        servers[0].server_close()
        status, headers, body = _get(port, "/ledger/healthz")
        assert status == 503 and json.loads(body)["status"] == 503
    finally:
        subprocess.run(args + ["-s", "stop"], capture_output=True)
        for server in servers[1:]:
            server.shutdown()
            server.server_close()


# ---- issue 11: operating the local cluster ----

def test_kafka_stop_names_a_running_broker_of_the_repository_instead_of_not_running(tmp_path: Path):
    """Without KAFKA_DIR, stop.sh used to say "not running" and exit 0 while the local
    cluster's broker ran. A stand-in process with a broker's command line plays that broker
    (REPO points the script at a scratch repository, so nothing real is touched)."""
    props = tmp_path / "var" / "cluster" / "kafka" / "server.properties"
    props.parent.mkdir(parents=True)
    props.write_text("# stand-in\n")
    fake = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "kafka.Kafka", str(props)])
    try:
        env = {k: v for k, v in os.environ.items() if k != "KAFKA_DIR"}
        env["REPO"] = str(tmp_path)
        result = subprocess.run([str(DEPLOY / "kafka" / "stop.sh")], env=env, capture_output=True, text=True,
                                timeout=30)
        assert result.returncode != 0, result.stdout
        assert "var/cluster/kafka" in result.stderr and "local-cluster.sh stop kafka" in result.stderr
        assert fake.poll() is None  # and it was not signalled
    finally:
        fake.kill()


def test_local_cluster_component_commands_refuse_unknown_names():
    result = subprocess.run([str(DEPLOY / "local-cluster.sh"), "restart", "ledger-thing"], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode != 0 and "unknown component" in result.stderr


def test_the_supervisor_restarts_with_backoff_rotates_its_log_and_stops_on_sigterm(tmp_path: Path):
    log = tmp_path / "svc.log"
    env = {**os.environ, "AR_LOG_MAX_BYTES": "2000", "AR_LOG_BACKUPS": "2"}
    noisy = "import sys; [print('x' * 99) for _ in range(30)]; sys.exit(3)"  # ~3 kB, then dies
    proc = subprocess.Popen([sys.executable, str(DEPLOY / "lib" / "supervise.py"), "--name", "svc", "--log", str(log),
                             "--", sys.executable, "-c", noisy], env=env)
    try:
        deadline = time.monotonic() + 20
        restarts = tmp_path / "svc.restarts"
        while time.monotonic() < deadline and not (restarts.exists() and int(restarts.read_text()) >= 2):
            time.sleep(0.1)
        assert int(restarts.read_text()) >= 2  # died, restarted after 1 s, died, restarted after 2 s
        assert (tmp_path / "svc.log.1").exists() and not (tmp_path / "svc.log.3").exists()
        assert log.stat().st_size < 4000
        text = "".join(p.read_text() for p in tmp_path.glob("svc.log*"))
        assert "exited with 3" in text and "restarting in 1s" in text
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    assert not (tmp_path / "svc.child.pid").exists()


def _gateway(tmp_path: Path, **env_extra) -> tuple[list[str], int, list]:
    nginx = _nginx()
    servers, env = [], {**os.environ, **env_extra}
    for svc in SERVICES:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        env[f"AR_{svc.upper()}_UPSTREAM"] = f"127.0.0.1:{server.server_address[1]}"
    env["AR_GATEWAY_PORT"] = str(port := _free_port())
    subprocess.run([str(DEPLOY / "nginx" / "render.sh"), str(tmp_path)], check=True, env=env, capture_output=True)
    args = [nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(tmp_path / "nginx.conf")]
    subprocess.run(args, check=True, capture_output=True)
    deadline = time.monotonic() + 10
    while True:
        try:
            _get(port, "/healthz")
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return args, port, servers


def _stop_gateway(args, servers) -> None:
    subprocess.run(args + ["-s", "stop"], capture_output=True)
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_gateway_listens_on_loopback_and_hides_metrics_and_docs_by_default(tmp_path: Path):
    args, port, servers = _gateway(tmp_path)
    try:
        assert "listen 127.0.0.1:" in (tmp_path / "gateway.conf").read_text()
        for path in ("/ledger/metrics", "/credit/docs", "/dunning/redoc", "/reporting/openapi.json",
                     "/ledger/docs-assets/swagger-ui.css", "/ledger/docs/oauth2-redirect"):
            status, headers, body = _get(port, path)
            assert status == 404 and headers["content-type"] == "application/problem+json", path
            assert "AR_GATEWAY_EXPOSE_INTERNALS" in json.loads(body)["detail"]
        status, _, body = _get(port, "/ledger/v1/docs-of-mine", {"X-Correlation-ID": "keep-me"})
        assert status == 200 and json.loads(body)["headers"]["x-correlation-id"] == "keep-me"
    finally:
        _stop_gateway(args, servers)


def test_the_gateway_serves_metrics_and_docs_when_told(tmp_path: Path):
    args, port, servers = _gateway(tmp_path, AR_GATEWAY_EXPOSE_INTERNALS="1")
    try:
        status, _, body = _get(port, "/ledger/metrics")
        assert status == 200 and json.loads(body)["path"] == "/ledger/metrics"
        assert _get(port, "/credit/docs")[0] == 200
    finally:
        _stop_gateway(args, servers)
