#!/usr/bin/env bash
# PostgreSQL 15, Redis 7 and RabbitMQ 3.10 (the Debian 12 packages) as plain local
# processes on 127.0.0.1, with all their data, logs, sockets and pid files under one
# directory: no systemd, no Debian system service, no default node touched.
#
#   servers.sh start                 start the three (those not running), wait until each
#                                    accepts work, print the connection URLs
#   servers.sh stop                  stop the three (and our epmd); tolerates stopped ones
#   servers.sh status                one line per server; exit 0 only if all are up
#   servers.sh env                   print the URLs without starting anything
#   servers.sh start-one NAME        NAME: postgres | redis | rabbitmq
#   servers.sh stop-one NAME [--kill]          --kill: SIGKILL, no clean shutdown
#   servers.sh restart NAME [--wipe] [--kill] [--full]
#                                    stop, start, wait until ready. --kill: SIGKILL instead
#                                    of a clean stop; --wipe: start with empty data (redis:
#                                    always empty; postgres, rabbitmq: data recreated).
#                                    rabbitmq without an option: the broker application
#                                    restarts inside the running VM (~1 s; every client
#                                    connection drops, as at a broker restart); --full: a
#                                    new VM (~5 s)
#   servers.sh pause NAME            SIGSTOP the server's processes: its sockets stay open and
#                                    nothing answers (a hung server, not a dead one)
#   servers.sh resume NAME           SIGCONT them
#   servers.sh ctl ARGS...           rabbitmqctl against our node (e.g. ctl list_queues)
#   servers.sh psql ARGS...          psql as superuser to database paredao
#
# Only KEY=value lines go to standard output (start, env), so callers can
#   eval "$(deploy/local/servers.sh start)"
# Progress, timings and errors go to standard error.
#
# Environment (defaults): PAREDAO_RUN_DIR (<repo>/var/distributed), PG_PORT (55432),
# REDIS_PORT (56379), AMQP_PORT (55672), RABBITMQ_DIST_PORT (55673; rabbitmqctl takes
# the 20 ports above it), EPMD_PORT (54369), PAREDAO_RABBITMQ_NODENAME (paredao@localhost),
# SERVERS_TIMEOUT (60 seconds per wait), PG_MAX_CONNECTIONS (200),
# PAREDAO_RABBITMQ_LOG_LEVEL (info), PAREDAO_RABBITMQ_ALL_PLUGINS (0).
# Everything listens on 127.0.0.1 only; PostgreSQL trusts every local TCP connection
# (role paredao, password paredao, database paredao; superuser postgres).
#
# As root, PostgreSQL (which refuses root) runs as the `postgres` system user and its
# directory is chowned to it; Redis and RabbitMQ run as the invoking user.
#
# The broker gets one policy: the queues of the deployments that tests and benchmarks create
# (t<10 hex digits>, bench<digits>) are deleted 10 minutes after their last use.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUN_DIR=${PAREDAO_RUN_DIR:-$REPO/var/distributed}
PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
AMQP_PORT=${AMQP_PORT:-55672}
RABBITMQ_DIST_PORT=${RABBITMQ_DIST_PORT:-55673}
EPMD_PORT=${EPMD_PORT:-54369}
RMQ_NODE=${PAREDAO_RABBITMQ_NODENAME:-paredao@localhost}
TIMEOUT=${SERVERS_TIMEOUT:-60}

APP_USER=paredao
APP_PASS=paredao
APP_DB=paredao

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
RMQ_BIN=${RMQ_BIN:-/usr/lib/rabbitmq/bin} # the real scripts, not /usr/sbin's wrapper (su rabbitmq)
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
REDIS_CLI=${REDIS_CLI:-/usr/bin/redis-cli}

PG_DIR=$RUN_DIR/postgres   # data/, postgres.log, the unix socket
REDIS_DIR=$RUN_DIR/redis   # redis.pid, redis.log
RMQ_DIR=$RUN_DIR/rabbitmq  # HOME (.erlang.cookie), mnesia/, log/, config, pid file
RMQ_HOME=$RMQ_DIR/home    # a RabbitMQ installation of symlinks: only the apps it runs
PG_DATA=$PG_DIR/data
REDIS_PID=$REDIS_DIR/redis.pid
RMQ_PID=$RMQ_DIR/rabbitmq.pid

log() { printf '%s\n' "servers: $*" >&2; }
die() { printf '%s\n' "servers: error: $*" >&2; exit 1; }

now() { echo "${EPOCHREALTIME/[.,]/}"; } # microseconds
elapsed() { # elapsed START_US -> "1.23s"
  local d=$(( $(now) - $1 ))
  printf '%d.%02ds' $((d / 1000000)) $((d % 1000000 / 10000))
}

# ---------------------------------------------------------------- helpers

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run as the PostgreSQL owner: `postgres` when we are root, ourselves otherwise.
as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# 0 when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pid_alive PID: the process exists (a zombie does not count).
pid_alive() {
  [ -n "${1:-}" ] && [ -d "/proc/$1" ] || return 1
  local state
  state=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# status_line NAME UP(1|0) ADDRESS PID PORT: the one line `status` prints for a server; fails
# unless it is up.
status_line() {
  local name=$1 up=$2 address=$3 pid=$4 port=$5
  if [ "$up" = 1 ]; then printf '%-9s up    %s  pid %s\n' "$name" "$address" "$pid"; return 0; fi
  if pid_alive "$pid"; then printf '%-9s DOWN  pid %s alive but not answering on 127.0.0.1:%s\n' "$name" "$pid" "$port"
  else printf '%-9s DOWN  not running (127.0.0.1:%s)\n' "$name" "$port"; fi
  return 1
}

read_pid() { if [ -s "$1" ]; then head -n1 "$1" | tr -dc 0-9; fi; }

# wait_gone PID SECONDS: 0 once the process has exited.
wait_gone() {
  local pid=$1 end=$(( $(now) + $2 * 1000000 ))
  while pid_alive "$pid"; do
    [ "$(now)" -lt "$end" ] || return 1
    sleep 0.05
  done
}

# wait_for DESCRIPTION COMMAND...: poll COMMAND until it succeeds, up to $TIMEOUT seconds.
wait_for() {
  local what=$1 end=$(( $(now) + TIMEOUT * 1000000 ))
  shift
  until "$@"; do
    [ "$(now)" -lt "$end" ] || { log "$what: not ready after ${TIMEOUT}s"; return 1; }
    sleep 0.05
  done
}

# ------------------------------------------------------------- PostgreSQL

pg_url() { echo "postgresql://$APP_USER@127.0.0.1:$PG_PORT/$APP_DB"; }

pg_pid() { read_pid "$PG_DATA/postmaster.pid"; }

pg_running() { pid_alive "$(pg_pid)"; }

pg_ready() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U "$APP_USER" -d "$APP_DB" -t 2 &&
    PGCONNECT_TIMEOUT=2 "$PG_BIN/psql" -X -q -w -At -h 127.0.0.1 -p "$PG_PORT" -U "$APP_USER" \
      -d "$APP_DB" -c 'select 1' 2>/dev/null | grep -qx 1
}

pg_su_psql() { # psql as the superuser over TCP (trust on loopback)
  PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
}

# A unix socket path is limited to 107 bytes: no unix socket when the path is too long.
pg_sockdir() { if [ ${#PG_DIR} -le 90 ]; then echo "$PG_DIR"; fi; }

# Processes working in our data directory (every PostgreSQL process chdirs there),
# zombies excepted: the postmaster and its children, even orphaned ones.
pg_procs() {
  local real d pid
  real=$(cd -P "$PG_DATA" 2>/dev/null && pwd) || return 0
  # One find, not a readlink per process (a fork costs milliseconds here).
  while read -r d; do
    pid=${d#/proc/}
    pid=${pid%/cwd}
    if pid_alive "$pid"; then echo "$pid"; fi
  done < <(find /proc/[0-9]*/cwd -maxdepth 0 -lname "$real" 2>/dev/null)
  return 0
}

# After a SIGKILL the lock files stay, naming a dead postmaster. While that one is an
# unreaped zombie (init may take a while), a new postmaster takes it for a live one and
# refuses to start; once no process works in the data directory, they are stale.
pg_clear_stale_locks() {
  local pid p sockdir end=$(( $(now) + 10000000 ))
  pid=$(pg_pid)
  [ -n "$pid" ] && ! pid_alive "$pid" || return 0
  # Orphaned backends leave by themselves soon after their postmaster.
  while p=$(pg_procs) && [ -n "$p" ]; do
    if [ "$(now)" -ge "$end" ]; then
      # shellcheck disable=SC2086
      kill -KILL $p 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.05
  done
  sockdir=$(pg_sockdir)
  rm -f "$PG_DATA/postmaster.pid"
  if [ -n "$sockdir" ] && [ "$(read_pid "$sockdir/.s.PGSQL.$PG_PORT.lock")" = "$pid" ]; then
    rm -f "$sockdir/.s.PGSQL.$PG_PORT.lock" "$sockdir/.s.PGSQL.$PG_PORT"
  fi
}

pg_prepare() {
  mkdir -p "$PG_DIR"
  if is_root; then
    id postgres >/dev/null 2>&1 || die "postgres: running as root needs the 'postgres' system user (package postgresql-15)"
    chown -R postgres: "$PG_DIR"
    runuser -u postgres -- test -w "$PG_DIR" ||
      die "postgres: user 'postgres' cannot reach $PG_DIR (a parent directory is not traversable)"
  fi
  chmod 700 "$PG_DIR"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "postgres: initdb $PG_DATA"
    rm -rf "$PG_DATA"
    (cd "$PG_DIR" && as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      --no-sync --no-instructions >"$PG_DIR/initdb.log" 2>&1) 9>&- ||
      { cat "$PG_DIR/initdb.log" >&2; die "postgres: initdb failed"; }
    as_pg sh -c "echo \"include 'paredao.conf'\" >> '$PG_DATA/postgresql.conf'"
  fi
  # Rewritten at every start, so a changed port or directory takes effect.
  local sockdir
  sockdir=$(pg_sockdir)
  as_pg tee "$PG_DATA/paredao.conf" >/dev/null <<EOF
# Written by deploy/local/servers.sh at each start.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '${sockdir//\'/\'\'}'
max_connections = ${PG_MAX_CONNECTIONS:-200}
shared_buffers = 64MB
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_min_messages = warning
# After a crash (SIGKILL), one syncfs() instead of an fsync() of every file: seconds less.
recovery_init_sync_method = syncfs
EOF
}

pg_start() {
  if pg_running; then
    wait_for postgres pg_ready_or_init
    return
  fi
  port_open "$PG_PORT" && die "postgres: port $PG_PORT is in use by another process"
  pg_clear_stale_locks
  pg_prepare
  (cd "$PG_DIR" && as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_DIR/postgres.log" -w \
    -t "$TIMEOUT" -s >/dev/null) 9>&- ||
    { tail -n 20 "$PG_DIR/postgres.log" >&2; die "postgres: pg_ctl start failed (log $PG_DIR/postgres.log)"; }
  wait_for postgres pg_ready_or_init
}

# Ready as the application: create role and database when missing.
pg_ready_or_init() {
  pg_ready && return 0
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 || return 1
  pg_su_psql -d postgres >/dev/null <<EOF || return 1
SELECT 'CREATE ROLE $APP_USER LOGIN CREATEDB PASSWORD ''$APP_PASS'''
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_USER') \gexec
SELECT 'CREATE DATABASE $APP_DB OWNER $APP_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$APP_DB') \gexec
EOF
  pg_ready
}

pg_stop() { # pg_stop [--kill]
  local pid
  pid=$(pg_pid)
  if ! pid_alive "$pid"; then return 0; fi
  if [ "${1:-}" = --kill ]; then
    pg_kill "$pid"
  else
    kill -CONT "$pid" 2>/dev/null || true
    as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 20 -s >/dev/null 2>&1 ||
      as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 10 -s >/dev/null 2>&1 ||
      pg_kill "$pid"
  fi
  wait_gone "$pid" 10 || die "postgres: pid $pid does not exit"
  pg_clear_stale_locks
}

# SIGKILL to the postmaster first (a dead one forks no more), then to every process
# still working in the data directory (its children, orphaned by then).
pg_kill() {
  local p
  kill -KILL "$1" 2>/dev/null || true
  wait_gone "$1" 10 || true
  p=$(pg_procs)
  # shellcheck disable=SC2086
  [ -z "$p" ] || kill -KILL $p 2>/dev/null || true
}

pg_status() {
  local up=0
  pg_ready && up=1
  status_line postgres "$up" "$(pg_url)" "$(pg_pid)" "$PG_PORT"
}

pg_wipe() { rm -rf "$PG_DATA"; }

# ------------------------------------------------------------------ Redis

redis_url() { echo "redis://127.0.0.1:$REDIS_PORT"; }

redis_pid() {
  local pid
  pid=$(read_pid "$REDIS_PID")
  # Our pid file, but is it still a redis-server (pids are reused)?
  if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "redis-server.*:$REDIS_PORT"; then
    echo "$pid"
  fi
}

redis_ready() {
  [ "$(timeout 3 "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

redis_start() {
  if [ -n "$(redis_pid)" ]; then
    wait_for redis redis_ready
    return
  fi
  port_open "$REDIS_PORT" && die "redis: port $REDIS_PORT is in use by another process"
  mkdir -p "$REDIS_DIR"
  # No persistence: a start is always empty, even if someone ran SAVE by hand.
  rm -rf "$REDIS_DIR/dump.rdb" "$REDIS_DIR/appendonlydir" "$REDIS_DIR/appendonly.aof" "$REDIS_PID"
  (cd "$REDIS_DIR" && "$REDIS_SERVER" --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --save '' --appendonly no --daemonize yes --supervised no \
    --pidfile "$REDIS_PID" --logfile "$REDIS_DIR/redis.log" --dir "$REDIS_DIR" \
    </dev/null >/dev/null 2>>"$REDIS_DIR/startup.log") 9>&- ||
    { tail -n 20 "$REDIS_DIR/startup.log" "$REDIS_DIR/redis.log" >&2; die "redis: start failed (log $REDIS_DIR/redis.log)"; }
  wait_for redis redis_ready ||
    { tail -n 20 "$REDIS_DIR/redis.log" >&2; die "redis: not answering (log $REDIS_DIR/redis.log)"; }
}

redis_stop() { # redis_stop [--kill]
  local pid
  pid=$(redis_pid)
  [ -n "$pid" ] || { rm -f "$REDIS_PID"; return 0; }
  if [ "${1:-}" = --kill ]; then
    kill -KILL "$pid" 2>/dev/null || true
  else
    kill -CONT "$pid" 2>/dev/null || true
    timeout 5 "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait_gone "$pid" 10 || die "redis: pid $pid does not exit"
  rm -f "$REDIS_PID"
}

redis_status() {
  local up=0
  redis_ready && up=1
  status_line redis "$up" "$(redis_url)" "$(redis_pid)" "$REDIS_PORT"
}

redis_wipe() { :; } # nothing persists: every start is empty

# --------------------------------------------------------------- RabbitMQ

amqp_url() { echo "amqp://$APP_USER:$APP_PASS@127.0.0.1:$AMQP_PORT/"; }

# The environment of every RabbitMQ command: nothing inherited that could point it at
# another node (RABBITMQ_*, ERL_*), HOME in our directory for the Erlang cookie.
rmq_env_vars() {
  RMQ_ENV=(
    PATH="/usr/sbin:/usr/bin:/sbin:/bin" LANG=C.UTF-8 LC_ALL=C.UTF-8
    HOME="$RMQ_DIR"
    ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1
    ERL_CRASH_DUMP="$RMQ_DIR/log/erl_crash.dump" ERL_CRASH_DUMP_BYTES=20000000
    RABBITMQ_NODENAME="$RMQ_NODE"
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$AMQP_PORT"
    RABBITMQ_DIST_PORT="$RABBITMQ_DIST_PORT"
    RABBITMQ_CTL_DIST_PORT_MIN=$((RABBITMQ_DIST_PORT + 1))
    RABBITMQ_CTL_DIST_PORT_MAX=$((RABBITMQ_DIST_PORT + 20))
    RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
    RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
    RABBITMQ_SCRIPTS_DIR="$RMQ_HOME/sbin"
    RABBITMQ_PLUGINS_DIR="$RMQ_HOME/plugins"
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
    RABBITMQ_MNESIA_DIR="$RMQ_DIR/mnesia/node"
    RABBITMQ_PLUGINS_EXPAND_DIR="$RMQ_DIR/mnesia/plugins-expand"
    RABBITMQ_FEATURE_FLAGS_FILE="$RMQ_DIR/mnesia/feature_flags"
    RABBITMQ_LOG_BASE="$RMQ_DIR/log"
    RABBITMQ_LOGS="$RMQ_DIR/log/rabbit.log"
    RABBITMQ_PID_FILE="$RMQ_PID"
    # The marker lets rmq_pid tell our VM from any other beam.smp.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} -paredao_run_dir $RMQ_DIR"
  )
}

rmq_env() { rmq_env_vars; env -i "${RMQ_ENV[@]}" "$@"; }

rmqctl() { (cd "$RMQ_DIR" && rmq_env "$RMQ_HOME/sbin/rabbitmqctl" -n "$RMQ_NODE" "$@") 9>&-; }

rmq_pid() {
  local pid
  pid=$(read_pid "$RMQ_PID")
  if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-paredao_run_dir $RMQ_DIR"; then
    echo "$pid"
  fi
}

# $RMQ_HOME: the package's scripts and escripts, and of its 70 plugin applications only
# the 20 the broker needs (the dependency closure of `rabbit`). The VM searches every
# directory of its code path for each of the ~1000 modules it loads at boot, and the
# configuration schemas of all plugins are compiled: 1.5-2.5 s of a 5-6 s boot. With
# PAREDAO_RABBITMQ_ALL_PLUGINS=1, the package's own plugin directory instead.
rmq_home_prepare() {
  local pkg plugins app f d deps need seen i
  pkg=$(readlink -f "$RMQ_BIN/rabbitmq-server") || die "rabbitmq: $RMQ_BIN/rabbitmq-server not found"
  pkg=$(dirname "$(dirname "$pkg")") # .../rabbitmq_server-3.10.8
  plugins=$pkg/plugins
  { [ -d "$plugins" ] && [ -d "$pkg/sbin" ]; } || die "rabbitmq: unexpected installation layout under $pkg"
  if [ -f "$RMQ_HOME/.source" ] && [ "$(cat "$RMQ_HOME/.source")" = "$pkg ${PAREDAO_RABBITMQ_ALL_PLUGINS:-0}" ]; then
    return 0
  fi
  rm -rf "$RMQ_HOME"
  mkdir -p "$RMQ_HOME/sbin" "$RMQ_HOME/plugins"
  for f in "$pkg"/sbin/*; do ln -s "$f" "$RMQ_HOME/sbin/"; done
  ln -s "$pkg/escript" "$RMQ_HOME/escript"
  if [ "${PAREDAO_RABBITMQ_ALL_PLUGINS:-0}" = 1 ]; then
    rmdir "$RMQ_HOME/plugins"
    ln -s "$plugins" "$RMQ_HOME/plugins"
  else
    need=(rabbit)
    seen=" rabbit "
    i=0
    while [ "$i" -lt "${#need[@]}" ]; do
      app=${need[$i]}
      i=$((i + 1))
      for d in "$plugins/$app"-[0-9]*; do
        [ -d "$d" ] || die "rabbitmq: application $app not found in $plugins"
        ln -s "$d" "$RMQ_HOME/plugins/"
        # {applications, [...]} and {included_applications, [...]} of its .app file
        deps=$(tr -d ' \t\n' <"$d/ebin/$app.app" | grep -oE '\{(included_)?applications,\[[^]]*\]' |
          sed -E 's/.*\[//; s/\]//' | tr ',' ' ')
        for f in $deps; do
          case "$seen" in *" $f "*) continue ;; esac
          seen+="$f "
          # OTP's own applications (kernel, ssl, mnesia...) are not in the plugin directory.
          if compgen -G "$plugins/$f-[0-9]*" >/dev/null; then need+=("$f"); fi
        done
        break
      done
    done
  fi
  echo "$pkg ${PAREDAO_RABBITMQ_ALL_PLUGINS:-0}" >"$RMQ_HOME/.source"
}

rmq_prepare() {
  mkdir -p "$RMQ_DIR/log" "$RMQ_DIR/mnesia"
  rmq_home_prepare
  chmod 700 "$RMQ_DIR"
  if [ ! -s "$RMQ_DIR/.erlang.cookie" ]; then
    (umask 077 && head -c 30 /dev/urandom | od -An -tx1 | tr -dc 0-9a-f | tr a-f A-F >"$RMQ_DIR/.erlang.cookie")
  fi
  chmod 400 "$RMQ_DIR/.erlang.cookie"
  : >"$RMQ_DIR/rabbitmq-env.conf"           # instead of /etc/rabbitmq/rabbitmq-env.conf
  echo '[].' >"$RMQ_DIR/enabled_plugins"     # no plugin (no management): faster boot
  cat >"$RMQ_DIR/rabbitmq.conf" <<EOF
# Written by deploy/local/servers.sh at each start.
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
distribution.listener.interface = 127.0.0.1
distribution.listener.port_range.min = $RABBITMQ_DIST_PORT
distribution.listener.port_range.max = $RABBITMQ_DIST_PORT
# Created on the first boot of an empty node (instead of guest).
default_vhost = /
default_user = $APP_USER
default_pass = $APP_PASS
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
default_user_tags.administrator = true
# A developer machine or CI may have little free disk: do not block publishers.
disk_free_limit.absolute = 50MB
log.console = false
log.file.level = ${PAREDAO_RABBITMQ_LOG_LEVEL:-info}
EOF
}

# AMQP 0-9-1 handshake up to Connection.Tune: the broker listens, and accepts our
# user's PLAIN login. Pure bash (no client library, no Erlang CLI start-up: fast).
amqp_ready() {
  # shellcheck disable=SC2016 # a script of its own, with its own arguments
  timeout 5 bash -c '
    set -e
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    user=$2 pass=$3
    hex() { od -An -tx1 -v | tr -d " \n"; }
    frame() { # read one frame; print the hex of its first 4 payload bytes (class, method)
      local h n
      h=$(dd bs=1 count=7 status=none <&3 | hex)
      [ ${#h} -eq 14 ] && [ "${h:0:2}" = 01 ] || return 1
      n=$((16#${h:6:8}))
      dd bs=1 count=$((n + 1)) status=none <&3 | hex | cut -c1-8
    }
    b32() { printf "\\x%02x\\x%02x\\x%02x\\x%02x" $(($1>>24&255)) $(($1>>16&255)) $(($1>>8&255)) $(($1&255)); }
    printf "AMQP\x00\x00\x09\x01" >&3
    [ "$(frame)" = 000a000a ]                       # Connection.Start
    rlen=$((2 + ${#user} + ${#pass}))
    size=$((4 + 4 + 6 + 4 + rlen + 6))
    { printf "\x01\x00\x00"; printf "$(b32 $size)"
      printf "\x00\x0a\x00\x0b\x00\x00\x00\x00\x05PLAIN"; printf "$(b32 $rlen)"
      printf "\x00%s\x00%s" "$user" "$pass"; printf "\x05en_US\xce"; } >&3
    [ "$(frame)" = 000a001e ]                       # Connection.Tune (a refusal is Close)
  ' amqp_ready "$AMQP_PORT" "$APP_USER" "$APP_PASS" 2>/dev/null
}

# The launcher (the rabbitmq-server shell script) lives as long as the VM; it is the
# only trace of a node that has not written its pid file yet.
rmq_launcher_alive() {
  local pid
  pid=$(read_pid "$RMQ_DIR/launcher.pid")
  pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q rabbitmq-server
}

rmq_running() { [ -n "$(rmq_pid)" ] || rmq_launcher_alive; }

# Start the VM in the background, without waiting.
rmq_launch() {
  port_open "$AMQP_PORT" && die "rabbitmq: port $AMQP_PORT is in use by another process"
  port_open "$RABBITMQ_DIST_PORT" && die "rabbitmq: distribution port $RABBITMQ_DIST_PORT is in use by another process"
  rmq_prepare
  rm -f "$RMQ_PID" "$RMQ_DIR/launcher.pid"
  rmq_env_vars
  # exec: the background job's pid is the launcher's (setsid: its own session).
  (cd "$RMQ_DIR" && exec env -i "${RMQ_ENV[@]}" setsid "$RMQ_HOME/sbin/rabbitmq-server" \
    </dev/null >>"$RMQ_DIR/log/startup.log" 2>&1) 9>&- &
  echo $! >"$RMQ_DIR/launcher.pid"
}

rmq_wait() {
  local end=$(( $(now) + TIMEOUT * 1000000 ))
  until amqp_ready; do
    if [ "$(now)" -ge "$end" ] || ! rmq_running; then
      tail -n 30 "$RMQ_DIR/log/startup.log" >&2
      die "rabbitmq: not ready (logs in $RMQ_DIR/log)"
    fi
    sleep 0.05
  done
}

rmq_start() {
  rmq_running || rmq_launch
  rmq_revive_app
  rmq_wait
  rmq_policies
}

# The test suites and benchmarks give every run a deployment of its own (t + 10 hex digits,
# bench + a timestamp): a long-lived development broker would keep their quorum queues for ever,
# each costing the broker a little CPU, taken from the next benchmark. They go 10 minutes after
# their last consumer left. Set once per broker data directory (a wipe sets it again).
rmq_policies() {
  local marker="$RMQ_DIR/mnesia/.paredao-policies-v1"
  [ -f "$marker" ] && return 0
  rmqctl set_policy --apply-to queues paredao-test-deployments \
    '^(t[0-9a-f]{10}|bench[0-9]+)\.votes(\.dead)?$' '{"expires":600000}' >/dev/null ||
    die "rabbitmq: could not set the policy for test deployments"
  : >"$marker"
}

# A VM left with its broker application stopped (`ctl stop_app`, a failed restart):
# start the application. Only for a VM past its boot (whose first second has no state).
rmq_revive_app() {
  local pid age
  pid=$(rmq_pid)
  [ -n "$pid" ] && ! amqp_ready || return 0
  age=$(ps -o etimes= -p "$pid" 2>/dev/null | tr -d ' ')
  [ "${age:-0}" -ge 20 ] || return 0
  if [ "$(rmq_call 'rabbit is_booting')" = false ] && [ "$(rmq_call 'rabbit is_running')" = false ]; then
    log "rabbitmq: VM up, broker application stopped: starting it"
    rmq_call 'rabbit start' "$TIMEOUT" >/dev/null || true
  fi
}

# erl_call (erl_interface, part of erlang-base): a C client of the Erlang distribution
# that calls a function on our node in milliseconds, where an Erlang CLI needs ~0.7 s.
erl_call_bin() {
  local f
  for f in /usr/lib/erlang/erts-*/bin/erl_call /usr/lib/erlang/lib/erl_interface-*/bin/erl_call; do
    [ -x "$f" ] && { echo "$f"; return 0; }
  done
  return 1
}

rmq_call() { # rmq_call 'Module Function [Args]' [TIMEOUT]: prints the result term
  local bin
  bin=$(erl_call_bin) || return 1
  rmq_env_vars
  (cd "$RMQ_DIR" && timeout "$((${2:-10} + 2))" env -i "${RMQ_ENV[@]}" "$bin" -sname "$RMQ_NODE" \
    -timeout "${2:-10}" -a "$1") 9>&- 2>&1
}

# Restart of the broker inside the running VM (what `rabbitmqctl stop_app; start_app`
# does): the listener closes, every connection and channel drops, non-durable queues
# go, durable ones are recovered; the VM, its loaded code and epmd stay, so it takes
# about 1 s where a new VM takes ~5 s (it loads and JIT-compiles ~1000 modules).
rmq_restart_app() {
  local pid
  pid=$(rmq_pid)
  [ -n "$pid" ] || return 1
  kill -CONT "$pid" 2>/dev/null || true # a paused VM (fault test) would never answer
  [ "$(rmq_call 'rabbit stop' 30)" = ok ] || return 1
  [ "$(rmq_call 'rabbit start' "$TIMEOUT")" = ok ] || return 1
  wait_for rabbitmq amqp_ready
}

rmq_stop() { # rmq_stop [--kill]
  local pid launcher
  pid=$(rmq_pid)
  launcher=$(read_pid "$RMQ_DIR/launcher.pid")
  if [ -z "$pid" ]; then
    # Still booting (no pid file yet): the launcher passes SIGTERM on to the VM.
    if rmq_launcher_alive; then
      kill -TERM "$launcher" 2>/dev/null || true
      wait_gone "$launcher" 30 || { pkill -KILL -P "$launcher"; kill -KILL "$launcher"; } 2>/dev/null || true
    fi
    rm -f "$RMQ_PID" "$RMQ_DIR/launcher.pid"
    return 0
  fi
  if [ "${1:-}" = --kill ]; then
    kill -KILL "$pid" 2>/dev/null || true
  else
    # SIGTERM makes RabbitMQ 3.10 stop gracefully (as `rabbitmqctl stop` does),
    # without the start-up time of an Erlang CLI.
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 30 || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait_gone "$pid" 10 || die "rabbitmq: pid $pid does not exit"
  # The launcher leaves with the VM.
  [ -z "$launcher" ] || wait_gone "$launcher" 5 || true
  rm -f "$RMQ_PID" "$RMQ_DIR/launcher.pid"
}

epmd_stop() { # our epmd only (its own port), once no node uses it
  port_open "$EPMD_PORT" || return 0
  rmq_env epmd -kill >/dev/null 2>&1 || true
}

rmq_status() {
  local up=0
  amqp_ready && up=1
  status_line rabbitmq "$up" "$(amqp_url)  node $RMQ_NODE" "$(rmq_pid)" "$AMQP_PORT"
}

rmq_wipe() { rm -rf "$RMQ_DIR/mnesia"; }

# ------------------------------------------------------------------ main

print_env() {
  echo "PAREDAO_POSTGRES_URL=$(pg_url)"
  echo "PAREDAO_REDIS_URL=$(redis_url)"
  echo "PAREDAO_AMQP_URL=$(amqp_url)"
}

fn_prefix() {
  case "${1:-}" in
    postgres|postgresql|pg) echo pg ;;
    redis) echo redis ;;
    rabbitmq|rabbit|amqp) echo rmq ;;
    *) die "unknown server '${1:-}' (postgres | redis | rabbitmq)" ;;
  esac
}

name_of() { case $1 in pg) echo postgres ;; redis) echo redis ;; rmq) echo rabbitmq ;; esac; }

# The processes of a server: PostgreSQL's postmaster and backends, Redis, the broker's VM and
# its port programs.
server_procs() {
  local pid
  case $1 in
    pg) pg_procs ;;
    redis) redis_pid ;;
    rmq)
      pid=$(rmq_pid)
      [ -n "$pid" ] || return 0
      echo "$pid"
      pgrep -P "$pid" || true
      ;;
  esac
}

signal_server() { # signal_server PREFIX SIGNAL
  local pids
  pids=$(server_procs "$1")
  [ -n "$pids" ] || die "$(name_of "$1") is not running"
  # shellcheck disable=SC2086
  kill -s "$2" $pids
}

start_one() {
  local p=$1 t
  t=$(now)
  if "${p}_status" >/dev/null 2>&1; then
    log "$(name_of "$p"): already running"
    return 0
  fi
  "${p}_start"
  log "$(name_of "$p"): ready in $(elapsed "$t")"
}

stop_one() {
  local p=$1 t
  t=$(now)
  "${p}_stop" "${2:-}"
  log "$(name_of "$p"): stopped in $(elapsed "$t")"
}

# Serialise concurrent invocations on the same directory (fd 9; closed for the servers).
lock() {
  mkdir -p "$RUN_DIR"
  chmod 755 "$RUN_DIR" 2>/dev/null || true
  exec 9>>"$RUN_DIR/.lock"
  flock -w "$((TIMEOUT * 3))" 9 || die "another servers.sh holds $RUN_DIR/.lock"
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  start)
    lock
    t0=$(now)
    # RabbitMQ is the slowest to boot: launched first, awaited last.
    rmq_up=''
    if rmq_status >/dev/null 2>&1; then rmq_up=1; elif ! rmq_running; then rmq_launch; else rmq_revive_app; fi
    start_one pg
    start_one redis
    if [ -n "$rmq_up" ]; then
      log "rabbitmq: already running"
    else
      rmq_wait
      log "rabbitmq: ready in $(elapsed "$t0")"
    fi
    rmq_policies
    log "all ready in $(elapsed "$t0")"
    print_env
    ;;
  stop)
    lock
    stop_one rmq &
    rmq_job=$!
    stop_one redis
    stop_one pg
    wait "$rmq_job"
    epmd_stop
    ;;
  status)
    rc=0
    pg_status || rc=1
    redis_status || rc=1
    rmq_status || rc=1
    exit "$rc"
    ;;
  env)
    print_env
    ;;
  start-one)
    p=$(fn_prefix "${1:-}")
    lock
    start_one "$p"
    ;;
  stop-one)
    p=$(fn_prefix "${1:-}")
    kill=''
    [ "${2:-}" = --kill ] && kill=--kill
    [ $# -le 1 ] || [ -n "$kill" ] || die "stop-one: unknown option '$2'"
    lock
    stop_one "$p" "$kill"
    ;;
  restart)
    p=$(fn_prefix "${1:-}")
    shift
    wipe='' kill='' full=''
    for a in "$@"; do
      case "$a" in
        --wipe) wipe=1 ;;
        --kill) kill=--kill ;;
        --full) full=1 ;;
        *) die "restart: unknown option '$a'" ;;
      esac
    done
    lock
    t0=$(now)
    if [ "$p" = rmq ] && [ -z "$wipe$kill$full" ]; then
      if rmq_restart_app; then
        log "rabbitmq: restarted (application, VM kept) in $(elapsed "$t0")"
        exit 0
      fi
      log "rabbitmq: restart inside the VM failed: restarting the VM"
    fi
    "${p}_stop" "$kill"
    [ -z "$wipe" ] || "${p}_wipe"
    "${p}_start"
    log "$(name_of "$p"): restarted in $(elapsed "$t0")"
    ;;
  pause)
    signal_server "$(fn_prefix "${1:-}")" STOP
    ;;
  resume)
    signal_server "$(fn_prefix "${1:-}")" CONT
    ;;
  ctl)
    rmq_running || die "rabbitmq is not running"
    rmqctl "$@"
    ;;
  psql)
    "$PG_BIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$APP_DB" "$@"
    ;;
  -h|--help|help) usage ;;
  *) usage ;;
esac
