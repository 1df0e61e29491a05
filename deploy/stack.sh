#!/usr/bin/env bash
# The whole local stack without Docker: Kafka, PostgreSQL, the three services, the flow monitor
# and the operators' console.
#
#   deploy/stack.sh up                 start Kafka + PostgreSQL + gateway, management, notification,
#                                      monitor, console (KAFKA_NODES=3: a 3-broker cluster, see deploy/kafka/kafka.sh)
#   deploy/stack.sh down               stop the services, then PostgreSQL, then Kafka
#   deploy/stack.sh status             what runs, what answers
#   deploy/stack.sh logs [-f] [name]   last lines (or follow) of kafka, postgres and service logs
#
# The services get these variables unless they are already set (docker-compose.yml uses the same
# names; tests/contract/test_compose.py checks that they agree):
#   KAFKA_BOOTSTRAP_SERVERS, GATEWAY_DATABASE_URL, MANAGEMENT_DATABASE_URL,
#   NOTIFICATION_DATABASE_URL, GATEWAY_HTTP_PORT, MANAGEMENT_HTTP_PORT, NOTIFICATION_HTTP_PORT,
#   MONITOR_HTTP_PORT, CONSOLE_HTTP_PORT (the console finds the others by their ports).
# Files: <run dir>/services/<svc>.pid, logs in <run dir>/logs/<svc>.log; run dir = CBEC_RUN_DIR
# or <repo>/.run.
#
# Profiles (CBEC_PROFILE, `make up PROFILE=...`):
#   open    (default) the LOCAL DEMO: Kafka PLAINTEXT, no ACLs, topics auto-created; anyone who
#           reaches the port can read and write every topic. Never expose it.
#   secure  Kafka with SASL/SCRAM-SHA-512 and ACLs (deploy/kafka/secure/): each service connects
#           as its own principal (cbec-<svc>, KAFKA_SASL_USERNAME/PASSWORD given to it alone, the
#           passwords from <run dir>/kafka/secure.env); each enterprise as its DXP id, with the
#           password POST /enterprises answers.
#   The HTTP APIs follow the same profile: open answers without credentials (X-Operator names
#   the actor); secure needs bearer tokens (shared/auth.py, README "Credentials").
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
RUN_DIR=${CBEC_RUN_DIR:-$REPO/.run}
LOG_DIR=$RUN_DIR/logs
SVC_DIR=$RUN_DIR/services
PY=${CBEC_PYTHON:-$REPO/.venv/bin/python}
HEALTH_TIMEOUT=${CBEC_HEALTH_TIMEOUT:-60}
STOP_TIMEOUT=15
SERVICES=(gateway management notification monitor console)

: "${KAFKA_PORT:=9092}"
: "${PGPORT:=5432}"
export KAFKA_PORT PGPORT
: "${CBEC_PROFILE:=open}"
export CBEC_PROFILE

# ---- the services' environment (same names as docker-compose.yml) ----
# Kafka and PostgreSQL named from outside (an existing cluster, a managed database) are used as
# they are: stack.sh starts, stops and checks only the local ones it would otherwise provide.
LOCAL_KAFKA=1
[[ -n ${KAFKA_BOOTSTRAP_SERVERS:-} ]] && LOCAL_KAFKA=0
LOCAL_PG=1
[[ -n ${GATEWAY_DATABASE_URL:-} && -n ${MANAGEMENT_DATABASE_URL:-} && -n ${NOTIFICATION_DATABASE_URL:-} ]] && LOCAL_PG=0
# Every node of the local cluster (one unless KAFKA_NODES or the size started last says more).
: "${KAFKA_BOOTSTRAP_SERVERS:=$("$HERE/kafka/kafka.sh" bootstrap)}"
# The local cluster is reached on its Unix socket: a round trip there costs the services and the
# server less than one through 127.0.0.1's TCP stack (docs/benchmarks.md); TCP when the cluster
# has no socket (its path would be too long for one).
pg_url() { echo "postgresql://$1@127.0.0.1:$PGPORT/cbec"; }
if ((LOCAL_PG)); then
    PG_SOCKET_DIR=$("$HERE/postgres/postgres.sh" socketdir)
    if [[ -n $PG_SOCKET_DIR ]]; then
        pg_url() { echo "postgresql://$1@/cbec?host=$PG_SOCKET_DIR&port=$PGPORT"; }
    fi
fi
: "${GATEWAY_DATABASE_URL:=$(pg_url cbec_gateway)}"
: "${MANAGEMENT_DATABASE_URL:=$(pg_url cbec_management)}"
: "${NOTIFICATION_DATABASE_URL:=$(pg_url cbec_notification)}"
: "${GATEWAY_HTTP_PORT:=8080}"
: "${MANAGEMENT_HTTP_PORT:=8081}"
: "${NOTIFICATION_HTTP_PORT:=8082}"
: "${MONITOR_HTTP_PORT:=8083}"
: "${CONSOLE_HTTP_PORT:=8084}"
# the local demo accepts unsigned declared messages; elsewhere signatures are required
: "${CBEC_SIGNATURE_MODE:=optional}"
export KAFKA_BOOTSTRAP_SERVERS
export GATEWAY_DATABASE_URL MANAGEMENT_DATABASE_URL NOTIFICATION_DATABASE_URL
export GATEWAY_HTTP_PORT MANAGEMENT_HTTP_PORT NOTIFICATION_HTTP_PORT MONITOR_HTTP_PORT CONSOLE_HTTP_PORT CBEC_SIGNATURE_MODE

say() { echo "stack: $*"; }

# Keys and the bootstrap admin token of this machine's stack: made once, kept out of git in the
# run dir (mode 600); variables already set win. `cbec` sends CBEC_TOKEN, and for the registry and
# credential commands (an admin's) CBEC_ADMIN_TOKEN when CBEC_TOKEN is not set.
load_secrets() {
    local f=$RUN_DIR/secrets.env
    if [[ ! -f $f ]]; then
        mkdir -p "$RUN_DIR"
        (umask 077; "$PY" - >"$f" <<'EOF'
import secrets
from cryptography.fernet import Fernet
print(f"CBEC_AUTH_KEY={secrets.token_urlsafe(32)}")
print(f"CBEC_ADMIN_TOKEN={secrets.token_urlsafe(32)}")
print(f"CBEC_DATA_KEY={Fernet.generate_key().decode()}")
print(f"MANAGEMENT_RISK_KEY={secrets.token_urlsafe(24)}")
EOF
        )
    fi
    local line name
    # split at the first '=' only: values such as a Fernet key end in '=' padding
    while IFS= read -r line; do
        name=${line%%=*}
        [[ -n $name && $name != "$line" && -z ${!name:-} ]] && export "$name=${line#*=}"
    done <"$f"
}
die() { echo "stack: ERROR: $*" >&2; exit 1; }

http_port() {
    case $1 in
        gateway) echo "$GATEWAY_HTTP_PORT" ;;
        management) echo "$MANAGEMENT_HTTP_PORT" ;;
        notification) echo "$NOTIFICATION_HTTP_PORT" ;;
        monitor) echo "$MONITOR_HTTP_PORT" ;;
        console) echo "$CONSOLE_HTTP_PORT" ;;
    esac
}

# The pid of a service we started, when its pid file names a live `-m services.<svc>` process.
svc_pid() {
    local f=$SVC_DIR/$1.pid pid
    [[ -f $f ]] || return 1
    pid=$(<"$f")
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-m services\.$1\( \|$\)" || return 1
    # An exited child not yet reaped by anyone is not running.
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
    echo "$pid"
}

healthy() {
    "$PY" - "$1" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health", timeout=2) as r:
    sys.exit(0 if r.status == 200 else 1)
EOF
}

tail_log() {
    local f=$LOG_DIR/$1.log
    if [[ -e $f ]]; then
        echo "---- last lines of $f ----" >&2
        tail -n "${2:-40}" "$f" >&2
        echo "----" >&2
    else
        echo "(no log at $f)" >&2
    fi
}

# The secure profile: this service's principal only (no other service's password, not the admin's).
secure_env_of() {
    local secrets=$RUN_DIR/kafka/secure.env name=${1^^}_KAFKA_SASL_PASSWORD password
    [[ -r $secrets ]] || die "no $secrets: deploy/kafka/kafka.sh start (CBEC_PROFILE=secure) writes it"
    password=$(sed -n "s/^$name=//p" "$secrets")
    [[ -n $password ]] || die "$name missing in $secrets"
    export KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT KAFKA_SASL_MECHANISM=SCRAM-SHA-512
    export KAFKA_SASL_USERNAME=cbec-$1 KAFKA_SASL_PASSWORD=$password
}

start_service() {
    local svc=$1 pid
    if pid=$(svc_pid "$svc"); then
        say "$svc already running (pid $pid)"
        return 0
    fi
    mkdir -p "$SVC_DIR" "$LOG_DIR"
    printf '\n==== %s stack.sh up: %s on port %s ====\n' "$(date '+%F %T')" "$svc" "$(http_port "$svc")" \
        >>"$LOG_DIR/$svc.log"
    (
        cd "$REPO"
        if [[ $CBEC_PROFILE == secure ]]; then secure_env_of "$svc"; fi
        exec setsid "$PY" -m "services.$svc" </dev/null >>"$LOG_DIR/$svc.log" 2>&1
    ) &
    echo $! >"$SVC_DIR/$svc.pid"
    say "$svc started (pid $!), log $LOG_DIR/$svc.log"
}

wait_healthy() {
    local deadline=$((SECONDS + HEALTH_TIMEOUT)) pending=("${SERVICES[@]}") failed=() svc still
    while ((${#pending[@]})); do
        still=()
        for svc in "${pending[@]}"; do
            if healthy "$(http_port "$svc")"; then
                say "$svc healthy on http://127.0.0.1:$(http_port "$svc")/health"
            elif ! svc_pid "$svc" >/dev/null; then
                echo "stack: $svc exited before answering /health" >&2
                tail_log "$svc"
                failed+=("$svc")
            else
                still+=("$svc")
            fi
        done
        pending=("${still[@]+"${still[@]}"}")
        ((${#pending[@]})) || break
        if ((SECONDS >= deadline)); then
            for svc in "${pending[@]}"; do
                echo "stack: $svc did not answer GET /health with 200 within ${HEALTH_TIMEOUT} s" >&2
                tail_log "$svc"
                failed+=("$svc")
            done
            break
        fi
        sleep 0.5
    done
    if ((${#failed[@]})); then
        die "not up: ${failed[*]} ('deploy/stack.sh down' stops everything)"
    fi
}

stop_service() {
    local svc=$1 pid waited=0
    if ! pid=$(svc_pid "$svc"); then
        rm -f "$SVC_DIR/$svc.pid"
        return 0
    fi
    # setsid made the service a process group leader: signal the group (workers included).
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && svc_pid "$svc" >/dev/null; do
        if ((waited >= STOP_TIMEOUT * 10)); then
            say "$svc still running after ${STOP_TIMEOUT} s, sending SIGKILL"
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -f "$SVC_DIR/$svc.pid"
    say "$svc stopped"
}

cmd_up() {
    [[ -x $PY ]] || die "no Python at $PY: run 'make setup' first (or set CBEC_PYTHON)"
    # Kafka boots in the background while PostgreSQL starts.
    if ((LOCAL_KAFKA)); then "$HERE/kafka/kafka.sh" start --no-wait; else say "Kafka: $KAFKA_BOOTSTRAP_SERVERS (not started here)"; fi
    if ((LOCAL_PG)); then "$HERE/postgres/postgres.sh" start; else say "PostgreSQL: the *_DATABASE_URL given (not started here)"; fi
    if ((LOCAL_KAFKA)); then "$HERE/kafka/kafka.sh" wait; fi
    load_secrets
    for svc in "${SERVICES[@]}"; do start_service "$svc"; done
    wait_healthy
    say "up ($CBEC_PROFILE profile): gateway :$GATEWAY_HTTP_PORT, management :$MANAGEMENT_HTTP_PORT," \
        "notification :$NOTIFICATION_HTTP_PORT, flow monitor :$MONITOR_HTTP_PORT/flows/, console http://127.0.0.1:$CONSOLE_HTTP_PORT/, Kafka $KAFKA_BOOTSTRAP_SERVERS, PostgreSQL 127.0.0.1:$PGPORT"
    say "HTTP APIs: CBEC_PROFILE=$CBEC_PROFILE$([[ $CBEC_PROFILE == open ]] && echo ' (OPEN: local demo only, no credentials needed)');" \
        "admin token in $RUN_DIR/secrets.env (CBEC_ADMIN_TOKEN)"
}

cmd_down() {
    local svc
    for svc in "${SERVICES[@]}"; do stop_service "$svc" & done
    wait
    if ((LOCAL_PG)); then "$HERE/postgres/postgres.sh" stop; fi
    if ((LOCAL_KAFKA)); then "$HERE/kafka/kafka.sh" stop; fi
}

cmd_status() {
    local rc=0 svc pid port
    if ((LOCAL_KAFKA)); then "$HERE/kafka/kafka.sh" status || rc=1; fi
    if ((LOCAL_PG)); then "$HERE/postgres/postgres.sh" status || rc=1; fi
    for svc in "${SERVICES[@]}"; do
        port=$(http_port "$svc")
        if pid=$(svc_pid "$svc"); then
            if healthy "$port"; then
                echo "$svc: running (pid $pid), healthy on :$port"
            else
                echo "$svc: running (pid $pid), NOT healthy on :$port"
                rc=1
            fi
        else
            echo "$svc: not running"
            rc=1
        fi
    done
    return $rc
}

cmd_logs() {
    local follow=0 names=() files=() n
    while (($#)); do
        case $1 in
            -f | --follow) follow=1 ;;
            *) names+=("$1") ;;
        esac
        shift
    done
    ((${#names[@]})) || names=(kafka postgres "${SERVICES[@]}")
    for n in "${names[@]}"; do
        [[ -e $LOG_DIR/$n.log ]] && files+=("$LOG_DIR/$n.log")
    done
    ((${#files[@]})) || die "no logs in $LOG_DIR"
    if ((follow)); then
        exec tail -n 20 -F "${files[@]}"
    fi
    for n in "${files[@]}"; do
        echo "==> $n <=="
        tail -n "${CBEC_LOG_LINES:-50}" "$n"
        echo
    done
}

case ${1:-} in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    logs) shift; cmd_logs "$@" ;;
    *) echo "usage: $0 up|down|status|logs [-f] [kafka|postgres|gateway|management|notification|monitor|console]" >&2; exit 2 ;;
esac
