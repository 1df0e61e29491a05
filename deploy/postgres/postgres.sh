#!/usr/bin/env bash
# Local PostgreSQL cluster for development and tests, without Docker.
#
#   deploy/postgres/postgres.sh start     initdb once, start (pg_ctl -w), create db/roles/schemas
#   deploy/postgres/postgres.sh stop      pg_ctl stop -m fast
#   deploy/postgres/postgres.sh status    exit 0 when running and accepting connections
#   deploy/postgres/postgres.sh datadir   print the data directory
#   deploy/postgres/postgres.sh socketdir print the directory of the server's Unix socket (none: TCP only)
#
# Environment: PGPORT (5432), CBEC_RUN_DIR (<repo>/.run), CBEC_PG_DATA (<run dir>/postgres),
# PG_BINDIR (newest /usr/lib/postgresql/*/bin, else `pg_config --bindir`).
#
# Run as root, initdb and the server run as the `postgres` user (runuser), so the data directory
# must be reachable by that user: when it cannot traverse to <run dir> (a checkout under /root, for
# example) the data goes to /var/tmp/cbec-<hash of the repo path>/postgres instead. Authentication
# is `trust` on 127.0.0.1 only: a development cluster, never a production one.
# Roles and schemas come from deploy/postgres/init.sql, the file docker-compose.yml also uses.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUN_DIR=${CBEC_RUN_DIR:-$REPO/.run}
PGPORT=${PGPORT:-5432}
DB_NAME=cbec
SUPERUSER=postgres
START_TIMEOUT=${PG_START_TIMEOUT:-60}

IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

say() { echo "postgres: $*"; }
die() { echo "postgres: ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- binaries

find_bindir() {
    local d
    if [[ -n ${PG_BINDIR:-} ]]; then
        [[ -x $PG_BINDIR/initdb ]] && { echo "$PG_BINDIR"; return 0; }
        return 1
    fi
    d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
    if [[ -n $d && -x $d/initdb ]]; then echo "$d"; return 0; fi
    if command -v pg_config >/dev/null 2>&1; then
        d=$(pg_config --bindir 2>/dev/null || true)
        if [[ -n $d && -x $d/initdb ]]; then echo "$d"; return 0; fi
    fi
    d=$(command -v initdb 2>/dev/null || true)
    if [[ -n $d ]]; then d=$(dirname "$(readlink -f "$d")"); echo "$d"; return 0; fi
    return 1
}

install_postgres() {
    ((IS_ROOT)) || die "PostgreSQL server binaries not found; install Debian's 'postgresql' package (as root) or set PG_BINDIR"
    command -v apt-get >/dev/null 2>&1 || die "PostgreSQL server binaries not found and no apt-get to install them"
    say "server binaries not found: installing Debian's postgresql package (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    # The package creates and may start a "main" cluster on 5432: stop it, ours takes the port.
    if command -v pg_lsclusters >/dev/null 2>&1; then
        pg_lsclusters -h 2>/dev/null | while read -r ver name port status _; do
            if [[ $status == online* ]]; then
                say "stopping the package's cluster $ver/$name (port $port)"
                pg_ctlcluster "$ver" "$name" stop || true
            fi
        done
    fi
}

BINDIR=
need_bindir() {
    [[ -n $BINDIR ]] && return 0
    if ! BINDIR=$(find_bindir); then
        [[ -n ${PG_BINDIR:-} ]] && die "PG_BINDIR=$PG_BINDIR has no initdb"
        install_postgres
        BINDIR=$(find_bindir) || die "PostgreSQL binaries still not found after installing"
    fi
    if ((IS_ROOT)) && ! id -u postgres >/dev/null 2>&1; then
        say "creating the system user postgres"
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    resolve_paths  # the postgres user may be new: where can it keep its data?
}

# Binaries if present (never installs): for stop and status.
have_bindir() {
    [[ -n $BINDIR ]] && return 0
    BINDIR=$(find_bindir 2>/dev/null) || { BINDIR=; return 1; }
}

# ---------------------------------------------------------------- where the data lives

short_hash() { printf '%s' "$REPO" | sha1sum | cut -c1-10; }

# Can the postgres user reach (traverse to) directory $1?
postgres_can_reach() { (cd / && runuser -u postgres -- test -x "$1") 2>/dev/null; }

resolve_paths() {
    FALLBACK=0
    if [[ -n ${CBEC_PG_DATA:-} ]]; then
        PGDATA=$CBEC_PG_DATA
    else
        PGDATA=$RUN_DIR/postgres
        if ((IS_ROOT)) && id -u postgres >/dev/null 2>&1; then
            mkdir -p "$RUN_DIR"
            if ! postgres_can_reach "$RUN_DIR"; then
                PGDATA=/var/tmp/cbec-$(short_hash)/postgres
                FALLBACK=1
            fi
        fi
    fi
    PG_BASE=$(dirname "$PGDATA")
    SOCKET_DIR=$PG_BASE/pgsocket
    PG_LOG=$PG_BASE/logs/postgres.log
}
FALLBACK=0
resolve_paths

# Run a server program: as `postgres` when we are root (PostgreSQL refuses to run as root).
as_pg() {
    if ((IS_ROOT)); then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

own() { ((IS_ROOT)) && chown postgres:postgres "$@"; return 0; }

psql_su() {
    "$BINDIR/psql" -X -q -w -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U "$SUPERUSER" "$@"
}

# ---------------------------------------------------------------- state

running() {
    [[ -f $PGDATA/postmaster.pid ]] || return 1
    have_bindir || return 1
    as_pg "$BINDIR/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1
}

accepting() {
    have_bindir || return 1
    "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -U "$SUPERUSER" -d postgres -t 3
}

# ---------------------------------------------------------------- commands

init_cluster() {
    [[ -f $PGDATA/PG_VERSION ]] && return 0
    if [[ -d $PGDATA ]] && [[ -n $(ls -A "$PGDATA" 2>/dev/null) ]]; then
        die "$PGDATA exists, is not empty and holds no cluster; remove it or set CBEC_PG_DATA"
    fi
    ((FALLBACK)) && say "the postgres user cannot reach $RUN_DIR: data goes to $PGDATA"
    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA"
    own "$PGDATA"
    local locale_opt=(--no-locale)
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale_opt=(--locale=C.UTF-8); fi
    say "initdb $PGDATA ($("$BINDIR/postgres" --version))"
    as_pg "$BINDIR/initdb" -D "$PGDATA" --auth=trust -U "$SUPERUSER" --encoding=UTF8 \
        "${locale_opt[@]}" >"$PG_BASE/logs/initdb.log" 2>&1 \
        || { cat "$PG_BASE/logs/initdb.log" >&2; die "initdb failed"; }
    echo "include_if_exists = 'cbec.conf'" >>"$PGDATA/postgresql.conf"
}

# A unix socket path is at most 107 bytes; a deep checkout gets TCP only.
socket_fits() { ((${#SOCKET_DIR} + 16 <= 107)); }

write_conf() {
    local sockets="'$SOCKET_DIR'"
    if ! socket_fits; then
        say "socket directory path too long for a unix socket; TCP (127.0.0.1:$PGPORT) only"
        sockets="''"
    fi
    cat >"$PGDATA/cbec.conf" <<EOF
# Written by deploy/postgres/postgres.sh at every start; edits are lost.
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = $sockets
max_connections = 200
shared_buffers = 1GB
max_parallel_workers_per_gather = 0
# a write-heavy pipeline (inbox, outbox, history on every message): checkpoints by time, not every
# gigabyte of WAL, so fewer full-page images follow them; crash safety is unchanged
max_wal_size = 8GB
min_wal_size = 1GB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
wal_buffers = 16MB
# the queue-like tables (outbox, inbox) churn all the time and a fresh database's tables grow from
# empty: vacuum and analyze look every 10 s, not every minute (prepared statements planned while
# a table was empty would otherwise keep scanning it whole until the first ANALYZE)
autovacuum_naptime = 10s
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
    own "$PGDATA/cbec.conf"
}

provision() {
    local exists
    exists=$(psql_su -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") \
        || die "cannot connect as $SUPERUSER to 127.0.0.1:$PGPORT"
    if [[ $exists != 1 ]]; then
        psql_su -d postgres -c "CREATE DATABASE $DB_NAME"
        say "created database $DB_NAME"
    fi
    psql_su -d "$DB_NAME" -f "$HERE/init.sql" >/dev/null
}

cmd_start() {
    need_bindir
    if running; then
        provision
        say "already running on 127.0.0.1:$PGPORT (data $PGDATA)"
        return 0
    fi
    if accepting; then
        say "a server not started from $PGDATA already accepts connections on 127.0.0.1:$PGPORT; using it"
        provision
        return 0
    fi
    local started=$SECONDS
    mkdir -p "$PG_BASE" "$PG_BASE/logs" "$SOCKET_DIR"
    own "$SOCKET_DIR"
    touch "$PG_LOG"
    own "$PG_LOG"
    if [[ $PG_LOG != "$RUN_DIR/logs/postgres.log" ]]; then
        # Data elsewhere: keep the log findable next to the others (deploy/stack.sh logs).
        mkdir -p "$RUN_DIR/logs"
        ln -sfn "$PG_LOG" "$RUN_DIR/logs/postgres.log"
    fi
    init_cluster
    write_conf
    printf '\n==== %s postgres.sh start: 127.0.0.1:%s ====\n' "$(date '+%F %T')" "$PGPORT" >>"$PG_LOG"
    if ! as_pg "$BINDIR/pg_ctl" start -D "$PGDATA" -l "$PG_LOG" -w -t "$START_TIMEOUT" >/dev/null; then
        echo "---- last lines of $PG_LOG ----" >&2
        tail -n 30 "$PG_LOG" >&2
        die "the server did not start"
    fi
    provision
    say "ready on 127.0.0.1:$PGPORT in $((SECONDS - started)) s (data $PGDATA, log $PG_LOG)"
}

cmd_stop() {
    if ! running; then
        say "not running"
        return 0
    fi
    as_pg "$BINDIR/pg_ctl" stop -D "$PGDATA" -m fast -w -t 60 >/dev/null
    say "stopped"
}

cmd_status() {
    if running; then
        if accepting; then
            say "running on 127.0.0.1:$PGPORT, accepting connections (data $PGDATA, log $PG_LOG)"
            return 0
        fi
        say "running but NOT accepting connections on 127.0.0.1:$PGPORT (data $PGDATA)"
        return 1
    fi
    if accepting; then
        say "not started from $PGDATA, but a server accepts connections on 127.0.0.1:$PGPORT"
        return 0
    fi
    say "not running (data $PGDATA)"
    return 3
}

case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    datadir) echo "$PGDATA" ;;
    socketdir) if socket_fits; then echo "$SOCKET_DIR"; fi ;;
    *) echo "usage: $0 start|stop|status|datadir|socketdir" >&2; exit 2 ;;
esac
