# Private PostgreSQL and Redis servers for tests, benchmarks and `scripts/serve --cluster`:
# never a system service. Sourced by scripts/lib.sh; `scripts/services` runs these
# functions from other languages (the Python cluster test).
#
#   pg_start DIR PORT      initdb in DIR/pg (once; as the postgres user when root), then
#                          start on 127.0.0.1:PORT (socket in DIR), trust authentication,
#                          no fsync (test data), and create the database warden
#   pg_stop DIR            stop it (fast; immediate, then kill, if it does not stop)
#   redis_start DIR PORT   start redis-server on 127.0.0.1:PORT without persistence
#   redis_stop DIR         stop it (kill, wait)
#   free_port              print a free TCP port of 127.0.0.1
#   service_dir            print a new temporary folder the postgres user can enter
#                          (DIR must be one, or inside one: initdb runs as postgres)
#
# And for the servers a script starts itself (reference_site, DRF, the benchmarks' peers):
#   PIDS+=($!)                  each one started, for stop_servers
#   wait_until PID WHAT CMD...  poll CMD every 0.1 s for up to 60 s while PID lives
#   http_up PORT [PATH]         true when 127.0.0.1:PORT answers PATH (default /)
#   obtain_token PORT           the demo user alice's token from a reference_site
#   stop_pid PID                SIGTERM, then SIGKILL if it still runs after 5 s
#   stop_server PID             stop_pid, reap it, and drop it from PIDS
#   stop_servers                stop every one of PIDS (all signalled at once)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
WARDEN_SERVICE_PACKAGES=(postgresql-15 redis-server)

# Runs a command as the owner of the PostgreSQL data (postgres when we are root: initdb
# and the server refuse to run as root).
_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

service_dir() {
    local d
    d=$(mktemp -d "${TMPDIR:-/tmp}/warden-services.XXXXXX")
    chmod 755 "$d"
    echo "$d"
}

pg_start() {   # pg_start DIR PORT
    local dir=$1 port=$2
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    if [ ! -f "$dir/pg/PG_VERSION" ]; then
        _pg_as_owner "$PGBIN/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
            { echo "warden: initdb failed (see $dir/initdb.log)" >&2; return 1; }
    fi
    _pg_as_owner "$PGBIN/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { echo "warden: PostgreSQL did not start (see $dir/pg.log)" >&2; return 1; }
    "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAtc \
        "SELECT 1 FROM pg_database WHERE datname = 'warden'" | grep -q 1 ||
        "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE warden" >/dev/null
}

pg_stop() {   # pg_stop DIR
    local dir=$1
    [ -f "$dir/pg/postmaster.pid" ] || return 0
    _pg_as_owner "$PGBIN/pg_ctl" -D "$dir/pg" -m fast -w -t 20 stop >/dev/null 2>&1 ||
        _pg_as_owner "$PGBIN/pg_ctl" -D "$dir/pg" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    if [ -f "$dir/pg/postmaster.pid" ]; then   # still there: kill what is left
        kill -KILL "$(head -1 "$dir/pg/postmaster.pid")" 2>/dev/null || true
        rm -f "$dir/pg/postmaster.pid"
    fi
}

redis_start() {   # redis_start DIR PORT
    local dir=$1 port=$2
    mkdir -p "$dir"
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" ||
        { echo "warden: redis-server did not start (see $dir/redis.log)" >&2; return 1; }
    for _ in $(seq 100); do
        redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && return 0
        sleep 0.1
    done
    echo "warden: redis-server did not answer on port $port (see $dir/redis.log)" >&2
    return 1
}

redis_stop() {   # redis_stop DIR
    local dir=$1 pid
    [ -f "$dir/redis.pid" ] || return 0
    pid=$(cat "$dir/redis.pid")
    stop_pid "$pid"
    rm -f "$dir/redis.pid"
}

PIDS=()

wait_until() {   # wait_until PID WHAT COMMAND...
    local pid=$1 what=$2
    shift 2
    for _ in $(seq 600); do
        "$@" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { echo "$(basename "$0"): $what: the server exited" >&2; return 1; }
        sleep 0.1
    done
    echo "$(basename "$0"): $what: not ready after 60 s" >&2
    return 1
}

http_up() { curl -s -o /dev/null "http://127.0.0.1:$1${2:-/}"; }

obtain_token() {   # obtain_token PORT
    curl -s -X POST "http://127.0.0.1:$1/api/token-auth/" -H 'Content-Type: application/json' \
        -d '{"username":"alice","password":"alice-pass"}' |
        /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

_kill_after_grace() {   # SIGKILL for PID once it has had 5 s to end
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
}

stop_pid() {   # stop_pid PID
    kill -TERM "$1" 2>/dev/null || true
    _kill_after_grace "$1"
}

stop_server() {   # stop_server PID
    local keep=() p
    stop_pid "$1"
    wait "$1" 2>/dev/null || true
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

stop_servers() {
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do _kill_after_grace "$pid"; wait "$pid" 2>/dev/null || true; done
    PIDS=()
}
