#!/usr/bin/env bash
# Local single-node Kafka 4.1 (KRaft, broker + controller in one JVM) without Docker.
#
#   deploy/kafka/kafka.sh fetch                  jars into $CBEC_CACHE_DIR/kafka-4.1.2/libs (once)
#   deploy/kafka/kafka.sh start [--no-wait]      fetch, format once, start, wait until it answers
#   deploy/kafka/kafka.sh wait                   wait until the broker answers a metadata request
#   deploy/kafka/kafka.sh stop                   SIGTERM, SIGKILL after 30 s
#   deploy/kafka/kafka.sh status                 exit 0 when running and answering
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), CBEC_RUN_DIR (<repo>/.run),
# CBEC_CACHE_DIR (~/.cache/cbec), KAFKA_HEAP_OPTS (-Xmx512m -Xms512m), KAFKA_START_TIMEOUT (90),
# CBEC_PROFILE (open: PLAINTEXT, no ACLs, the local demo; secure: SASL/SCRAM + ACLs, no topic
# auto-creation — deploy/kafka/secure/).
# Files: <run dir>/kafka/{server.properties,data/,kafka.pid}, log in <run dir>/logs/kafka.log.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

KAFKA_VERSION=4.1.2
: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE_DIR=${CBEC_CACHE_DIR:-$HOME/.cache/cbec}
LIBS=$CACHE_DIR/kafka-$KAFKA_VERSION/libs
RUN_DIR=${CBEC_RUN_DIR:-$REPO/.run}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx512m -Xms512m}
START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
STOP_TIMEOUT=30

KDIR=$RUN_DIR/kafka
DATA_DIR=$KDIR/data
PID_FILE=$KDIR/kafka.pid
LOG_DIR=$RUN_DIR/logs
LOG_FILE=$LOG_DIR/kafka.log
BOOTSTRAP=127.0.0.1:$KAFKA_PORT

if [[ -x $REPO/.venv/bin/python ]]; then PY=$REPO/.venv/bin/python; else PY=python3; fi

say() { echo "kafka: $*"; }
die() { echo "kafka: ERROR: $*" >&2; exit 1; }

# ---- the secure profile (deploy/kafka/secure/profile.sh: secure_* hooks below) ----
CBEC_PROFILE=${CBEC_PROFILE:-open}
FORMAT_ARGS=()
case $CBEC_PROFILE in
    open) ;;
    secure)
        # shellcheck source=secure/profile.sh
        source "$HERE/secure/profile.sh"
        if [[ ${1:-} != fetch ]]; then
            secure_secrets
            mapfile -t FORMAT_ARGS < <(secure_format_args)
        fi ;;
    *) die "CBEC_PROFILE must be open or secure, not '$CBEC_PROFILE'" ;;
esac

log_tail() {
    if [[ -f $LOG_FILE ]]; then
        echo "---- last lines of $LOG_FILE ----" >&2
        tail -n "${1:-40}" "$LOG_FILE" >&2
        echo "----" >&2
    fi
}

# The pid of our broker, when its pid file names a live kafka.Kafka process.
our_pid() {
    [[ -f $PID_FILE ]] || return 1
    local pid
    pid=$(<"$PID_FILE")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
    echo "$pid"
}

answers() { "$PY" "$HERE/wait_ready.py" --bootstrap "$BOOTSTRAP" --timeout 0 >/dev/null 2>&1; }

ensure_java_and_maven() {
    local missing=()
    command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
    ((${#missing[@]} == 0)) && return 0
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "installing ${missing[*]} with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        die "java 17+ and maven are needed (missing: ${missing[*]})"
    fi
}

fetch() {
    if [[ -f $LIBS/.complete ]]; then
        return 0
    fi
    ensure_java_and_maven
    mkdir -p "$CACHE_DIR"
    # One fetch at a time (make -j, two checkouts sharing the cache).
    exec 9>"$CACHE_DIR/kafka-$KAFKA_VERSION.lock"
    flock 9
    if [[ -f $LIBS/.complete ]]; then
        exec 9>&-
        return 0
    fi
    say "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS"
    local tmp=$LIBS.tmp.$$ started=$SECONDS
    rm -rf "$tmp"
    if ! mvn -B -q -Dstyle.color=never -f "$HERE/pom.xml" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" >"$CACHE_DIR/fetch.log" 2>&1; then
        cat "$CACHE_DIR/fetch.log" >&2
        rm -rf "$tmp"
        die "maven could not fetch the Kafka jars"
    fi
    [[ -f $tmp/kafka_2.13-$KAFKA_VERSION.jar ]] || { rm -rf "$tmp"; die "kafka_2.13-$KAFKA_VERSION.jar missing after fetch"; }
    rm -rf "$LIBS"
    mv "$tmp" "$LIBS"
    touch "$LIBS/.complete"
    exec 9>&-
    say "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars in $((SECONDS - started)) s"
}

render_config() {
    mkdir -p "$KDIR" "$DATA_DIR" "$LOG_DIR"
    sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
        -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
        -e "s|@LOG_DIR@|$DATA_DIR|g" \
        "$HERE/server.properties" >"$KDIR/server.properties"
    if [[ $CBEC_PROFILE == secure ]]; then secure_render; fi
}

# shellcheck disable=SC2206  # KAFKA_HEAP_OPTS is a list of options
JAVA=(java $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExplicitGCInvokesConcurrent
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$HERE/log4j2.yaml" "-Dkafka.logs.dir=$LOG_DIR"
    -cp "$LIBS/*")

format_once() {
    [[ -f $DATA_DIR/meta.properties ]] && return 0
    local cluster_id
    if [[ -s $KDIR/cluster.id ]]; then
        cluster_id=$(<"$KDIR/cluster.id")
    else
        cluster_id=$("${JAVA[@]}" kafka.tools.StorageTool random-uuid 2>>"$LOG_FILE" | tail -n 1)
        [[ -n $cluster_id ]] || { log_tail; die "StorageTool random-uuid failed"; }
        echo "$cluster_id" >"$KDIR/cluster.id"
    fi
    say "formatting $DATA_DIR (cluster id $cluster_id)"
    "${JAVA[@]}" kafka.tools.StorageTool format -t "$cluster_id" \
        -c "$KDIR/server.properties" "${FORMAT_ARGS[@]}" >>"$LOG_FILE" 2>&1 \
        || { log_tail; die "StorageTool format failed"; }
}

cmd_wait() {
    local pid rc=0 started=$SECONDS
    if ! pid=$(our_pid); then
        answers && return 0
        die "not running (no live process in $PID_FILE) and nothing answers on $BOOTSTRAP"
    fi
    "$PY" "$HERE/wait_ready.py" --bootstrap "$BOOTSTRAP" --timeout "$START_TIMEOUT" --pid "$pid" || rc=$?
    case $rc in
        0) say "ready on $BOOTSTRAP (pid $pid, waited $((SECONDS - started)) s)"
           if [[ $CBEC_PROFILE == secure ]]; then secure_provision; fi ;;
        2) log_tail; rm -f "$PID_FILE"; die "the broker exited during startup (see $LOG_FILE)" ;;
        *) log_tail; die "no answer on $BOOTSTRAP after ${START_TIMEOUT} s (pid $pid still running; 'kafka.sh stop' stops it)" ;;
    esac
}

cmd_start() {
    local wait=1 pid
    [[ ${1:-} == --no-wait ]] && wait=0
    if pid=$(our_pid); then
        if answers; then
            say "already running (pid $pid) on $BOOTSTRAP"
            return 0
        fi
        say "already started (pid $pid), not answering yet"
        ((wait)) && cmd_wait
        return 0
    fi
    rm -f "$PID_FILE"
    if answers; then
        say "a broker not started from $RUN_DIR already answers on $BOOTSTRAP; using it"
        return 0
    fi
    fetch
    render_config
    format_once
    {
        echo
        echo "==== $(date '+%F %T') kafka.sh start: $BOOTSTRAP, controller 127.0.0.1:$KAFKA_CONTROLLER_PORT ===="
    } >>"$LOG_FILE"
    (
        cd "$KDIR"
        exec setsid "${JAVA[@]}" kafka.Kafka "$KDIR/server.properties" \
            </dev/null >>"$LOG_FILE" 2>&1
    ) &
    echo $! >"$PID_FILE"
    # until the subshell has exec'd java its cmdline is bash's and our_pid would not know it
    local tries
    for ((tries = 0; tries < 100; tries++)); do our_pid >/dev/null && break; sleep 0.05; done
    say "started (pid $!), log $LOG_FILE"
    ((wait)) && cmd_wait
    return 0
}

cmd_stop() {
    local pid waited=0
    if ! pid=$(our_pid); then
        rm -f "$PID_FILE"
        say "not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
        if ((waited >= STOP_TIMEOUT * 10)); then
            say "still running after ${STOP_TIMEOUT} s, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$PID_FILE"
    say "stopped (pid $pid, $((waited / 10)) s)"
}

cmd_status() {
    local pid
    if pid=$(our_pid); then
        if answers; then
            say "running (pid $pid), answering on $BOOTSTRAP"
            return 0
        fi
        say "running (pid $pid), NOT answering on $BOOTSTRAP"
        return 1
    fi
    if answers; then
        say "not started from $RUN_DIR, but a broker answers on $BOOTSTRAP"
        return 0
    fi
    say "not running"
    return 3
}

case ${1:-} in
    fetch) fetch; say "jars in $LIBS" ;;
    start) shift; cmd_start "$@" ;;
    wait) cmd_wait ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) echo "usage: $0 fetch|start [--no-wait]|wait|stop|status" >&2; exit 2 ;;
esac
