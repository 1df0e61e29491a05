#!/usr/bin/env bash
# Local Kafka 4.1 in KRaft mode without Docker: one node (broker + controller in one JVM), or a
# cluster of N such nodes (`--nodes 3`: replication factor 3, min.insync.replicas 2).
#
#   deploy/kafka/kafka.sh fetch                          jars into $CBEC_CACHE_DIR/kafka-4.1.2/libs (once)
#   deploy/kafka/kafka.sh start [--nodes N] [--no-wait]  fetch, format once, start the nodes not
#                                                        running, wait until every node answers
#   deploy/kafka/kafka.sh start --node I [--no-wait]     start node I only (after a crash, say)
#   deploy/kafka/kafka.sh wait [--nodes N]               wait until every node answers
#   deploy/kafka/kafka.sh stop [--node I]                SIGTERM (all nodes, or node I), SIGKILL after 30 s
#   deploy/kafka/kafka.sh status [--nodes N]             exit 0 all running and answering, 1 some not, 3 none
#   deploy/kafka/kafka.sh nodes [--nodes N]              one line per node: id, host:port, pid or "-"
#   deploy/kafka/kafka.sh bootstrap [--nodes N]          the bootstrap list (for KAFKA_BOOTSTRAP_SERVERS)
#
# Environment: KAFKA_NODES (the size last started, else 1), KAFKA_PORT (9092),
# KAFKA_CONTROLLER_PORT (9093), KAFKA_PROFILE (plaintext), CBEC_RUN_DIR (<repo>/.run),
# CBEC_CACHE_DIR (~/.cache/cbec), KAFKA_HEAP_OPTS (-Xmx512m -Xms512m), KAFKA_START_TIMEOUT (90),
# KAFKA_PORT_FREE_TIMEOUT (15: how long start waits for a port still held by a stopped broker).
# Node I of N listens on KAFKA_PORT + 2(I-1), its controller on KAFKA_CONTROLLER_PORT + 2(I-1)
# (3 nodes: 9092/9093, 9094/9095, 9096/9097).
# Files: one node: <run dir>/kafka/{server.properties,data/,kafka.pid}, log <run dir>/logs/kafka.log;
# N > 1: <run dir>/kafka/node<I>/{...}, logs <run dir>/logs/kafka-<I>.log; <run dir>/kafka/nodes
# remembers the size started last (so `stop` and `status` need no flag).
# A profile (KAFKA_PROFILE=name) appends deploy/kafka/server.<name>.properties to every node's
# configuration (later keys win); "plaintext" is the base file alone.
# CBEC_PROFILE (open: PLAINTEXT, no ACLs, the local demo; secure: SASL/SCRAM + ACLs, no topic
# auto-creation — deploy/kafka/secure/; one node for now).
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
PROFILE=${KAFKA_PROFILE:-plaintext}
HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx512m -Xms512m}
START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
STOP_TIMEOUT=30
PORT_FREE_TIMEOUT=${KAFKA_PORT_FREE_TIMEOUT:-15}

KDIR=$RUN_DIR/kafka
LOG_DIR=$RUN_DIR/logs
SIZE_FILE=$KDIR/nodes
DATA_NAME=data  # each node's log directory under its own directory (the secure profile has its own)

if [[ -x $REPO/.venv/bin/python ]]; then PY=$REPO/.venv/bin/python; else PY=python3; fi

say() { echo "kafka: $*"; }
die() { echo "kafka: ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- the nodes

NODES=
set_nodes() {  # --nodes N, else KAFKA_NODES, else the size started last, else 1
    local n=${1:-${KAFKA_NODES:-}}
    if [[ -z $n && -s $SIZE_FILE ]]; then n=$(<"$SIZE_FILE"); fi
    n=${n:-1}
    [[ $n =~ ^[1-9]$ ]] || die "--nodes must be 1..9 (got '$n')"
    NODES=$n
}

node_dir() { if ((NODES == 1)); then echo "$KDIR"; else echo "$KDIR/node$1"; fi; }
node_log() { if ((NODES == 1)); then echo "$LOG_DIR/kafka.log"; else echo "$LOG_DIR/kafka-$1.log"; fi; }
node_port() { echo $((KAFKA_PORT + 2 * ($1 - 1))); }
node_controller_port() { echo $((KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }
node_bootstrap() { echo "127.0.0.1:$(node_port "$1")"; }
all_nodes() { seq 1 "$NODES"; }

bootstrap() {
    local i out=()
    for i in $(all_nodes); do out+=("$(node_bootstrap "$i")"); done
    local IFS=,
    echo "${out[*]}"
}

# Replication the cluster's size allows: 1 node -> 1/1, 2 -> 2/1, 3 or more -> 3/2.
replication() { if ((NODES >= 3)); then echo 3; else echo "$NODES"; fi; }
min_isr() { if ((NODES >= 3)); then echo 2; else echo 1; fi; }

quorum_voters() {
    local i out=()
    for i in $(all_nodes); do out+=("$i@127.0.0.1:$(node_controller_port "$i")"); done
    local IFS=,
    echo "${out[*]}"
}

log_tail() {
    local f
    f=$(node_log "$1")
    if [[ -f $f ]]; then
        echo "---- last lines of $f ----" >&2
        tail -n "${2:-40}" "$f" >&2
        echo "----" >&2
    fi
}

# The pid of node $1, when its pid file names a live (not zombie) kafka.Kafka process started
# with this node's server.properties: a reused pid or another checkout's broker never counts.
node_pid() {
    local dir pid
    dir=$(node_dir "$1")
    [[ -f $dir/kafka.pid ]] || return 1
    pid=$(<"$dir/kafka.pid")
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $dir/server.properties" || return 1
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
    echo "$pid"
}

answers() { "$PY" "$HERE/wait_ready.py" --bootstrap "$(node_bootstrap "$1")" --timeout 0 >/dev/null 2>&1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Wait (a little) until the node's ports are free: a broker stopped a moment ago may still hold them.
ports_free() {
    local port deadline=$((SECONDS + PORT_FREE_TIMEOUT))
    for port in "$(node_port "$1")" "$(node_controller_port "$1")"; do
        while port_open "$port"; do
            if ((SECONDS >= deadline)); then
                local who
                who=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 || true)
                die "node $1: port $port is in use by another process${who:+ ($who)}; set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
            fi
            sleep 0.2
        done
    done
}

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
    local i=$1 dir data overlay=
    dir=$(node_dir "$i")
    data=$dir/$DATA_NAME
    mkdir -p "$dir" "$data" "$LOG_DIR"
    if [[ $PROFILE != plaintext ]]; then
        overlay=$HERE/server.$PROFILE.properties
        [[ -f $overlay ]] || die "unknown KAFKA_PROFILE '$PROFILE' (no $overlay)"
    fi
    {
        sed -e "s|@KAFKA_PORT@|$(node_port "$i")|g" \
            -e "s|@KAFKA_CONTROLLER_PORT@|$(node_controller_port "$i")|g" \
            -e "s|@NODE_ID@|$i|g" \
            -e "s|@QUORUM_VOTERS@|$(quorum_voters)|g" \
            -e "s|@REPLICATION@|$(replication)|g" \
            -e "s|@MIN_ISR@|$(min_isr)|g" \
            -e "s|@LOG_DIR@|$data|g" \
            "$HERE/server.properties"
        if [[ -n $overlay ]]; then
            echo
            echo "# ---- profile $PROFILE: $overlay"
            cat "$overlay"
        fi
    } >"$dir/server.properties"
    if [[ $CBEC_PROFILE == secure ]]; then secure_render; fi
}

# shellcheck disable=SC2206  # KAFKA_HEAP_OPTS is a list of options
JAVA=(java $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExplicitGCInvokesConcurrent
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$HERE/log4j2.yaml" "-Dkafka.logs.dir=$LOG_DIR"
    -cp "$LIBS/*")

# One cluster id for all the nodes of a size, kept next to them.
cluster_id() {
    local f=$KDIR/cluster.id id
    ((NODES == 1)) || f=$KDIR/cluster-$NODES.id
    if [[ -s $f ]]; then cat "$f"; return 0; fi
    mkdir -p "$KDIR"
    id=$("${JAVA[@]}" kafka.tools.StorageTool random-uuid 2>>"$(node_log 1)" | tail -n 1)
    [[ -n $id ]] || { log_tail 1; die "StorageTool random-uuid failed"; }
    echo "$id" >"$f"
    echo "$id"
}

format_once() {
    local i=$1 dir id
    dir=$(node_dir "$i")
    [[ -f $dir/$DATA_NAME/meta.properties ]] && return 0
    id=$(cluster_id)
    say "formatting $dir/$DATA_NAME (node $i of $NODES, cluster id $id)"
    "${JAVA[@]}" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" \
        "${FORMAT_ARGS[@]}" >>"$(node_log "$i")" 2>&1 || { log_tail "$i"; die "StorageTool format failed for node $i"; }
}

start_node() {
    local i=$1 dir log pid
    dir=$(node_dir "$i")
    log=$(node_log "$i")
    if pid=$(node_pid "$i"); then
        say "node $i already running (pid $pid) on $(node_bootstrap "$i")"
        return 0
    fi
    rm -f "$dir/kafka.pid"  # stale: that process is gone
    ports_free "$i"
    render_config "$i"
    format_once "$i"
    printf '\n==== %s kafka.sh start: node %s of %s, %s, controller 127.0.0.1:%s ====\n' \
        "$(date '+%F %T')" "$i" "$NODES" "$(node_bootstrap "$i")" "$(node_controller_port "$i")" >>"$log"
    (
        cd "$dir"
        exec setsid "${JAVA[@]}" kafka.Kafka "$dir/server.properties" </dev/null >>"$log" 2>&1
    ) &
    echo $! >"$dir/kafka.pid"
    pid=$!
    # until the subshell has exec'd java its cmdline is bash's and node_pid would not know it
    local tries
    for ((tries = 0; tries < 100; tries++)); do node_pid "$i" >/dev/null && break; sleep 0.05; done
    say "node $i started (pid $pid), log $log"
}

wait_node() {
    local i=$1 pid rc=0 started=$SECONDS
    pid=$(node_pid "$i") || die "node $i is not running (no live process in $(node_dir "$i")/kafka.pid)"
    "$PY" "$HERE/wait_ready.py" --bootstrap "$(node_bootstrap "$i")" --timeout "$START_TIMEOUT" --pid "$pid" \
        --brokers "$NODES" || rc=$?
    case $rc in
        0) say "node $i ready on $(node_bootstrap "$i") (pid $pid, waited $((SECONDS - started)) s)"
           if [[ $CBEC_PROFILE == secure ]]; then secure_provision; fi ;;
        2) log_tail "$i"; rm -f "$(node_dir "$i")/kafka.pid"; die "node $i exited during startup (see $(node_log "$i"))" ;;
        *) log_tail "$i"; die "node $i: no answer on $(node_bootstrap "$i") listing $NODES broker(s) after ${START_TIMEOUT} s (pid $pid still running; 'kafka.sh stop' stops it)" ;;
    esac
}

cmd_wait() {
    local i
    if ! node_pid 1 >/dev/null && ((NODES == 1)); then
        answers 1 && return 0
        die "not running (no live process in $(node_dir 1)/kafka.pid) and nothing answers on $(node_bootstrap 1)"
    fi
    for i in $(all_nodes); do wait_node "$i"; done
    ((NODES == 1)) || say "cluster of $NODES ready: $(bootstrap)"
}

cmd_start() {
    local wait=$1 i
    mkdir -p "$KDIR" "$LOG_DIR"
    if ((NODES == 1)) && ! node_pid 1 >/dev/null && answers 1; then
        rm -f "$(node_dir 1)/kafka.pid"
        say "a broker not started from $RUN_DIR already answers on $(node_bootstrap 1); using it"
        return 0
    fi
    fetch
    echo "$NODES" >"$SIZE_FILE"
    for i in $(all_nodes); do start_node "$i"; done
    ((wait)) && cmd_wait
    return 0
}

# SIGTERM the given nodes together (a KRaft cluster shuts down best as a whole), SIGKILL
# whatever still runs after STOP_TIMEOUT, and return once every one of them has exited.
cmd_stop() {
    local i pid waited=0 pids=() stopped=() left
    for i in "$@"; do
        if pid=$(node_pid "$i"); then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
            stopped+=("$i")
        else
            rm -f "$(node_dir "$i")/kafka.pid"
        fi
    done
    if ((${#pids[@]} == 0)); then
        say "not running"
        return 0
    fi
    while :; do
        left=()
        for pid in "${pids[@]}"; do
            if kill -0 "$pid" 2>/dev/null && [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]; then
                left+=("$pid")
            fi
        done
        ((${#left[@]})) || break
        if ((waited == STOP_TIMEOUT * 10)); then
            say "still running after ${STOP_TIMEOUT} s (pid ${left[*]}), sending SIGKILL"
            kill -KILL "${left[@]}" 2>/dev/null || true
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    for i in "${stopped[@]}"; do rm -f "$(node_dir "$i")/kafka.pid"; done
    if ((NODES == 1)); then
        say "stopped (pid ${pids[*]}, $((waited / 10)) s)"
    else
        say "stopped node(s) ${stopped[*]} (pid ${pids[*]}, $((waited / 10)) s)"
    fi
}

cmd_status() {
    local i pid up=0 answering=0
    for i in $(all_nodes); do
        if pid=$(node_pid "$i"); then
            up=$((up + 1))
            if answers "$i"; then
                answering=$((answering + 1))
                say "node $i running (pid $pid), answering on $(node_bootstrap "$i")"
            else
                say "node $i running (pid $pid), NOT answering on $(node_bootstrap "$i")"
            fi
        elif ((NODES == 1)) && answers 1; then
            say "not started from $RUN_DIR, but a broker answers on $(node_bootstrap 1)"
            return 0
        else
            say "node $i not running$( [[ -f $(node_dir "$i")/kafka.pid ]] && echo ' (stale pid file)')"
        fi
    done
    ((answering == NODES)) && return 0
    ((up == 0)) && return 3
    return 1
}

cmd_nodes() {
    local i pid
    for i in $(all_nodes); do
        pid=$(node_pid "$i") || pid=-
        echo "$i $(node_bootstrap "$i") $pid"
    done
}

usage() {
    echo "usage: $0 fetch | start [--nodes N] [--node I] [--no-wait] | wait [--nodes N] | stop [--node I] | status [--nodes N] | nodes | bootstrap" >&2
    exit 2
}

cmd=${1:-}
(($#)) && shift
wait=1 nodes_opt= node_opt=
while (($#)); do
    case $1 in
        --no-wait) wait=0 ;;
        --nodes) nodes_opt=${2:-}; shift ;;
        --nodes=*) nodes_opt=${1#--nodes=} ;;
        --node) node_opt=${2:-}; shift ;;
        --node=*) node_opt=${1#--node=} ;;
        *) usage ;;
    esac
    shift
done
set_nodes "$nodes_opt"

# ---- the secure profile (deploy/kafka/secure/profile.sh: secure_* hooks above) ----
CBEC_PROFILE=${CBEC_PROFILE:-open}
FORMAT_ARGS=()
case $CBEC_PROFILE in
    open) ;;
    secure)
        ((NODES == 1)) || die "the secure profile runs one node for now (got --nodes $NODES)"
        # shellcheck source=secure/profile.sh
        source "$HERE/secure/profile.sh"
        if [[ $cmd != fetch ]]; then
            secure_secrets
            mapfile -t FORMAT_ARGS < <(secure_format_args)
        fi ;;
    *) die "CBEC_PROFILE must be open or secure, not '$CBEC_PROFILE'" ;;
esac
if [[ -n $node_opt ]]; then
    [[ $node_opt =~ ^[1-9]$ ]] && ((node_opt <= NODES)) || die "--node must be 1..$NODES"
fi

case $cmd in
    fetch) fetch; say "jars in $LIBS" ;;
    start)
        if [[ -n $node_opt ]]; then fetch; start_node "$node_opt"; ((wait)) && wait_node "$node_opt"; exit 0; fi
        cmd_start "$wait" ;;
    wait) cmd_wait ;;
    stop) if [[ -n $node_opt ]]; then cmd_stop "$node_opt"; else cmd_stop $(all_nodes); fi ;;
    status) cmd_status ;;
    nodes) cmd_nodes ;;
    bootstrap) bootstrap ;;
    *) usage ;;
esac
