"""The native deploy scripts stay consistent with each other (parsed, never run: no services needed)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCRIPTS = [DEPLOY / "kafka" / "kafka.sh", DEPLOY / "postgres" / "postgres.sh", DEPLOY / "stack.sh", ROOT / ".ci" / "run",
           DEPLOY / "kafka" / "secure" / "secrets.sh"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shell_scripts_parse(script):
    bash = shutil.which("bash")
    assert bash
    subprocess.run([bash, "-n", str(script)], check=True)
    assert script.read_text().startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script.read_text()


def test_kafka_version_is_the_same_in_pom_and_script():
    pom = (DEPLOY / "kafka" / "pom.xml").read_text()
    script = (DEPLOY / "kafka" / "kafka.sh").read_text()
    pom_version = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", pom).group(1)
    script_version = re.search(r"^KAFKA_VERSION=(\S+)$", script, re.M).group(1)
    assert pom_version == script_version
    assert pom_version.startswith("4.1.")


def test_every_server_properties_placeholder_is_rendered():
    props = (DEPLOY / "kafka" / "server.properties").read_text()
    script = (DEPLOY / "kafka" / "kafka.sh").read_text()
    placeholders = set(re.findall(r"@[A-Z_]+@", props))
    assert placeholders == {"@KAFKA_PORT@", "@KAFKA_CONTROLLER_PORT@", "@LOG_DIR@", "@NODE_ID@", "@QUORUM_VOTERS@",
                            "@REPLICATION@", "@MIN_ISR@"}
    for placeholder in placeholders:
        assert f"s|{placeholder}|" in script


def test_server_properties_is_kraft_replicated_as_the_cluster_allows():
    props = dict(
        line.split("=", 1)
        for line in (DEPLOY / "kafka" / "server.properties").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert set(props["process.roles"].split(",")) == {"broker", "controller"}
    assert props["node.id"] == "@NODE_ID@" and props["controller.quorum.voters"] == "@QUORUM_VOTERS@"
    for key in ("default.replication.factor", "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor", "share.coordinator.state.topic.replication.factor"):
        assert props[key] == "@REPLICATION@", key
    for key in ("min.insync.replicas", "transaction.state.log.min.isr", "share.coordinator.state.topic.min.isr"):
        assert props[key] == "@MIN_ISR@", key
    assert props["unclean.leader.election.enable"] == "false"
    assert "zookeeper.connect" not in props


def test_kafka_sh_replication_is_3_and_2_from_three_nodes():
    script = (DEPLOY / "kafka" / "kafka.sh").read_text()
    assert "replication() { if ((NODES >= 3)); then echo 3; else echo \"$NODES\"; fi; }" in script
    assert "min_isr() { if ((NODES >= 3)); then echo 2; else echo 1; fi; }" in script


def test_soak_is_a_make_target_on_infra_of_its_own():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^soak: setup\n\t\$\(PY\) scripts/soak.py --journeys \$\(JOURNEYS\)", makefile, re.M)
    soak = (ROOT / "scripts" / "soak.py").read_text()
    # its own Kafka and PostgreSQL: run dir and ports of its own, never the developer's
    for name in ("CBEC_RUN_DIR", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "PGPORT", "CBEC_PG_DATA"):
        assert f'"{name}":' in soak, name


def test_postgres_sh_and_compose_share_init_sql():
    assert '"$HERE/init.sql"' in (DEPLOY / "postgres" / "postgres.sh").read_text()
    assert "./deploy/postgres/init.sql:" in (ROOT / "docker-compose.yml").read_text()


def test_makefile_targets_are_phony():
    makefile = (ROOT / "Makefile").read_text()
    phony = set(re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split())
    wanted = {"setup", "up", "demo", "down", "status", "logs", "test", "infra", "infra-down", "soak"}
    assert wanted <= phony
    for target in wanted:
        assert re.search(rf"^{re.escape(target)}:", makefile, re.M), target


def test_ci_runs_make_test():
    run = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", run, re.M)
    assert "docker" not in run.lower().replace("no docker engine", "")


def test_stack_keeps_a_secret_that_ends_in_padding_whole(tmp_path):
    """Fernet keys end in '=': the run dir's secrets.env must be read up to the first '=' only."""
    import subprocess
    from pathlib import Path

    stack = Path(__file__).resolve().parents[2] / "deploy" / "stack.sh"
    (tmp_path / "secrets.env").write_text("CBEC_DATA_KEY=abc=\nCBEC_AUTH_KEY=x==y=\n")
    load = subprocess.run(["sed", "-n", "/^load_secrets() {/,/^}/p", str(stack)], capture_output=True, text=True,
                          check=True).stdout
    assert load.startswith("load_secrets()")
    out = subprocess.run(["bash", "-c", f'{load}\nRUN_DIR="$1"; load_secrets; echo "$CBEC_DATA_KEY|$CBEC_AUTH_KEY"',
                          "bash", str(tmp_path)], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "abc=|x==y="
