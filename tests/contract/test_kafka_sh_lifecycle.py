"""deploy/kafka/kafka.sh run for real, in any order, telling the truth: on free ports and a run dir
of its own (the shared broker is never touched)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KAFKA_SH = ROOT / "deploy" / "kafka" / "kafka.sh"

pytestmark = pytest.mark.integration


def free_pair() -> int:
    for _ in range(100):
        with socket.socket() as a, socket.socket() as b:
            try:
                a.bind(("127.0.0.1", 0))
                port = a.getsockname()[1]
                b.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port
    raise RuntimeError("no two free consecutive ports")


@pytest.fixture
def kafka(tmp_path):
    port = free_pair()
    env = {**os.environ, "CBEC_RUN_DIR": str(tmp_path / "run"), "KAFKA_PORT": str(port),
           "KAFKA_CONTROLLER_PORT": str(port + 1), "KAFKA_HEAP_OPTS": "-Xmx256m -Xms256m",
           "KAFKA_PORT_FREE_TIMEOUT": "2"}
    env.pop("KAFKA_NODES", None)

    def sh(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(KAFKA_SH), *args], env=env, capture_output=True, text=True, timeout=180)

    sh.port = port
    sh.pid_file = tmp_path / "run" / "kafka" / "kafka.pid"
    yield sh
    sh("stop")


def test_start_stop_status_in_any_order_tell_the_truth(kafka):
    stopped = kafka("stop")
    assert (stopped.returncode, stopped.stdout.strip()) == (0, "kafka: not running")
    assert kafka("status").returncode == 3

    first = kafka("start")
    assert first.returncode == 0, first.stderr
    pid = int(kafka.pid_file.read_text())
    again = kafka("start")
    assert again.returncode == 0 and f"already running (pid {pid})" in again.stdout, again.stdout + again.stderr
    status = kafka("status")
    assert status.returncode == 0, status.stdout

    # start right after stop: exit 0 and the broker answers
    stop = kafka("stop")
    assert stop.returncode == 0, stop.stdout + stop.stderr
    restarted = kafka("start")
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    status = kafka("status")
    assert "ready on" in restarted.stdout and status.returncode == 0, restarted.stdout + status.stdout

    # a crash leaves a stale pid file: status says so, start starts a new broker
    os.kill(int(kafka.pid_file.read_text()), signal.SIGKILL)
    time.sleep(0.5)
    crashed = kafka("status")
    assert crashed.returncode == 3 and "stale pid file" in crashed.stdout, crashed.stdout
    after_crash, status = kafka("start"), kafka("status")
    assert after_crash.returncode == 0 and status.returncode == 0, after_crash.stdout + after_crash.stderr + status.stdout
    final = kafka("stop")
    assert final.returncode == 0, final.stdout + final.stderr


def test_a_pid_file_naming_another_process_is_stale_and_that_process_is_left_alone(kafka):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        kafka.pid_file.parent.mkdir(parents=True)
        kafka.pid_file.write_text(str(other.pid))
        assert kafka("status").returncode == 3
        assert kafka("stop").stdout.strip() == "kafka: not running"
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_start_on_a_port_held_by_something_else_fails_and_says_so(kafka):
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", kafka.port))
        squatter.listen()
        started = kafka("start")
    assert started.returncode == 1
    assert f"port {kafka.port} is in use by another process" in started.stderr
    assert not kafka.pid_file.exists()


def test_stack_sh_leaves_an_existing_kafka_and_postgresql_alone(tmp_path):
    env = {**os.environ, "CBEC_RUN_DIR": str(tmp_path), "KAFKA_BOOTSTRAP_SERVERS": "kafka-a:9092,kafka-b:9092",
           **{f"{svc}_DATABASE_URL": f"postgresql://cbec_{svc.lower()}@db.example:5432/cbec"
              for svc in ("GATEWAY", "MANAGEMENT", "NOTIFICATION")}}
    for command in ("status", "down"):
        run = subprocess.run([str(ROOT / "deploy" / "stack.sh"), command], env=env, capture_output=True, text=True,
                             timeout=60)
        assert "kafka:" not in run.stdout and "postgres:" not in run.stdout, run.stdout
    assert "gateway: not running" in subprocess.run([str(ROOT / "deploy" / "stack.sh"), "status"], env=env,
                                                    capture_output=True, text=True, timeout=60).stdout
