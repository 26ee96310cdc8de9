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
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$dir/redis.pid"
}
