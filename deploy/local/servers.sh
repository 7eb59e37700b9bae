#!/usr/bin/env bash
# PostgreSQL, Redis and RabbitMQ (the Debian 12 packages) as local processes on 127.0.0.1 for the
# tests and `make run-distributed`, run by a supervisord (Debian's `supervisor`) of their own in
# the run directory. Their configuration is deploy/local/conf/, rendered into the run directory
# at each start (envsubst fills in the ports and paths); data, logs and sockets are there too.
# No systemd, no system service, nothing under /etc. This script only orchestrates.
#
#   servers.sh start                 start the three (those not running), wait until each
#                                    accepts work, print the connection URLs
#   servers.sh stop                  stop the three, their epmd and supervisord
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
#                                    new VM
#   servers.sh pause NAME            SIGSTOP every process of the server: its sockets stay
#                                    open and nothing answers (a hung server, not a dead one)
#   servers.sh resume NAME           SIGCONT them
#   servers.sh ctl ARGS...           rabbitmqctl against our node (e.g. ctl list_queues)
#   servers.sh psql ARGS...          psql as superuser to database paredao
#
# Only KEY=value lines go to standard output (start, env), so callers can
#   eval "$(deploy/local/servers.sh env | sed 's/^/export /')"
# Progress, timings and errors go to standard error.
#
# Ports: a block of 20 on 127.0.0.1, below Linux's ephemeral range (32768-60999, where any
# outgoing connection may hold a port), at 20000 + 20 × (checksum of the run directory mod 500):
# two checkouts on one machine get two blocks. PAREDAO_PORT_BASE sets the block's first port.
#   base+0  PostgreSQL      base+3  the broker's Erlang distribution
#   base+1  Redis           base+4  epmd, the broker's port mapper
#   base+2  AMQP            base+5  RabbitMQ's Prometheus metrics (/metrics)
#   base+10..base+19        the Erlang distribution of rabbitmqctl and the other CLI tools
#
# Environment (defaults): PAREDAO_RUN_DIR (<repo>/var/distributed), PAREDAO_PORT_BASE (above),
# SERVERS_TIMEOUT (60 seconds per wait), PG_MAX_CONNECTIONS (200), PAREDAO_RABBITMQ_LOG_LEVEL
# (info). PostgreSQL trusts every local connection (role paredao, password paredao, database
# paredao; superuser postgres). As root, PostgreSQL (which refuses root) runs as the `postgres`
# system user; the others run as the invoking user.
#
# The broker imports conf/definitions.json at each boot: the user paredao and a policy that
# deletes the queues of test and benchmark deployments (t<10 hex digits>, bench<digits>) 10
# minutes after their last use.
#
# Run directory: conf/ (rendered), log/ (one log per server, supervisord's), postgres/data,
# redis/, rabbitmq/ (HOME with the Erlang cookie, mnesia/), supervisor.sock.
set -euo pipefail

log() { printf '%s\n' "servers: $*" >&2; }
die() { printf '%s\n' "servers: error: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
RUN_DIR=${PAREDAO_RUN_DIR:-$REPO/var/distributed}
[[ $RUN_DIR == /* ]] || RUN_DIR=$PWD/$RUN_DIR
TIMEOUT=${SERVERS_TIMEOUT:-60}
SERVERS=(postgres redis rabbitmq)

if [ -n "${PAREDAO_PORT_BASE:-}" ]; then
  PORT_BASE=$PAREDAO_PORT_BASE
  if ! [[ $PORT_BASE =~ ^[1-9][0-9]{3,4}$ ]] || [ "$PORT_BASE" -lt 1024 ] || [ "$PORT_BASE" -gt 65516 ]; then
    die "PAREDAO_PORT_BASE must be a port number from 1024 to 65516 (the block has 20 ports)"
  fi
else
  PORT_BASE=$((20000 + $(printf '%s' "$RUN_DIR" | cksum | cut -d' ' -f1) % 500 * 20))
fi

# Everything the files of conf/ refer to as ${NAME}.
export RUN_DIR
export PG_PORT=$PORT_BASE REDIS_PORT=$((PORT_BASE + 1)) AMQP_PORT=$((PORT_BASE + 2))
export RABBITMQ_DIST_PORT=$((PORT_BASE + 3)) EPMD_PORT=$((PORT_BASE + 4))
export RABBITMQ_PROMETHEUS_PORT=$((PORT_BASE + 5))
export RABBITMQ_CTL_DIST_PORT_MIN=$((PORT_BASE + 10)) RABBITMQ_CTL_DIST_PORT_MAX=$((PORT_BASE + 19))
export RABBITMQ_NODENAME=paredao@localhost
export RABBITMQ_BIN=/usr/lib/rabbitmq/bin # the package's scripts (/usr/sbin's su to user rabbitmq)
export RABBITMQ_LOG_LEVEL=${PAREDAO_RABBITMQ_LOG_LEVEL:-info}
export PG_MAX_CONNECTIONS=${PG_MAX_CONNECTIONS:-200}
# A unix socket's path has at most 107 bytes: elsewhere when the run directory is too deep.
export SUPERVISOR_SOCK=$RUN_DIR/supervisor.sock PG_SOCKET_DIR=$RUN_DIR/postgres
[ ${#SUPERVISOR_SOCK} -le 100 ] || SUPERVISOR_SOCK=/tmp/paredao-supervisor-$PORT_BASE.sock
[ ${#PG_SOCKET_DIR} -le 90 ] || PG_SOCKET_DIR='' # TCP only
IS_ROOT=''
if [ "$(id -u)" -eq 0 ]; then IS_ROOT=1; fi
export PG_USER PG_BIN
if [ -n "$IS_ROOT" ]; then PG_USER=postgres; else PG_USER=$(id -un); fi
# shellcheck disable=SC2016 # envsubst's list: only these are replaced
CONF_VARS='${RUN_DIR} ${PG_PORT} ${REDIS_PORT} ${AMQP_PORT} ${RABBITMQ_DIST_PORT} ${EPMD_PORT}
  ${RABBITMQ_PROMETHEUS_PORT} ${RABBITMQ_CTL_DIST_PORT_MIN} ${RABBITMQ_CTL_DIST_PORT_MAX}
  ${RABBITMQ_NODENAME} ${RABBITMQ_BIN} ${RABBITMQ_LOG_LEVEL} ${PG_MAX_CONNECTIONS}
  ${SUPERVISOR_SOCK} ${PG_SOCKET_DIR} ${PG_USER} ${PG_BIN}'

now_ms() { echo $((${EPOCHREALTIME/[.,]/} / 1000)); }
took() { # took START_MS -> "1.23s"
  local ms=$(($(now_ms) - $1))
  printf '%d.%02ds' $((ms / 1000)) $((ms % 1000 / 10))
}

# PostgreSQL's programs: the newest installed server, without naming its version.
find_pg_bin() {
  PG_BIN=$(pg_config --bindir 2>/dev/null) || true
  [ -x "$PG_BIN/postgres" ] || PG_BIN=$(find /usr/lib/postgresql/*/bin -maxdepth 0 2>/dev/null | sort -V | tail -n1)
  [ -x "$PG_BIN/postgres" ] || die "postgres: no PostgreSQL server installed (package postgresql)"
}

as_pg() { if [ -n "$IS_ROOT" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Which process listens on PORT, as ss (iproute2) tells when it is there: ("name",pid=N,fd=N).
port_owner() {
  local out
  out=$(ss -Hltnp "sport = :$1" 2>/dev/null) || true
  if [[ $out =~ users:\(\(([^\)]*)\) ]]; then echo " (${BASH_REMATCH[1]})"; fi
}

# A process that exists and is not a zombie (the state follows the name, which may hold spaces).
pid_alive() {
  local stat
  [ -n "${1:-}" ] && [ "$1" != 0 ] || return 1
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# The process PID and all its descendants (PostgreSQL's backends, the broker's VM under the
# rabbitmq-server script and its port programs).
process_tree() {
  ps -e -o pid= -o ppid= | awk -v root="$1" '
    { kids[$2] = kids[$2] " " $1 }
    END { todo = root; while (todo != "") { n = split(todo, p, " "); todo = "";
          for (i = 1; i <= n; i++) { print p[i]; todo = todo kids[p[i]] } } }'
}

signal_tree() { # signal_tree PID SIGNAL
  local pids
  pids=$(process_tree "$1")
  # shellcheck disable=SC2086
  kill -s "$2" $pids 2>/dev/null || true
}

# ------------------------------------------------------------------- supervisord

sv() { supervisorctl -c "$RUN_DIR/conf/supervisord.conf" "$@"; }

# STATE[name] and PID[name] of every program; fails when supervisord does not answer.
declare -A STATE PID
sv_status() {
  local name state rest
  STATE=() PID=()
  [ -f "$RUN_DIR/conf/supervisord.conf" ] || return 1
  while read -r name state rest; do
    STATE[$name]=$state
    PID[$name]=0
    if [[ $rest =~ ^pid\ ([0-9]+) ]]; then PID[$name]=${BASH_REMATCH[1]}; fi
  done < <(sv status 2>/dev/null || true)
  [ -n "${STATE[epmd]:-}" ]
}

running() { [ "${STATE[$1]:-}" = RUNNING ]; }

render_conf() {
  local f
  mkdir -p "$RUN_DIR/conf" "$RUN_DIR/log" "$RUN_DIR/redis" "$RUN_DIR/rabbitmq" "$RUN_DIR/postgres"
  chmod 755 "$RUN_DIR" "$RUN_DIR/conf" # PostgreSQL reads its files as `postgres`
  for f in "$HERE"/conf/*; do
    envsubst "$CONF_VARS" <"$f" >"$RUN_DIR/conf/${f##*/}.new"
    mv -f "$RUN_DIR/conf/${f##*/}.new" "$RUN_DIR/conf/${f##*/}"
  done
}

# supervisord running with the current configuration (its programs are started separately).
supervisord_start() {
  local old
  old=$(cat "$RUN_DIR/conf/supervisord.conf" 2>/dev/null) || true
  render_conf
  if sv_status; then
    [ "$old" = "$(cat "$RUN_DIR/conf/supervisord.conf")" ] ||
      log "supervisord.conf changed: 'servers.sh stop' then 'start' applies it"
    return 0
  fi
  rm -f "$SUPERVISOR_SOCK" # left by a supervisord that was killed
  # A clean environment: nothing inherited (RABBITMQ_*, ERL_*, PG*) reaches the servers.
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    supervisord -c "$RUN_DIR/conf/supervisord.conf" 9>&- ||
    die "supervisord did not start (log $RUN_DIR/log/supervisord.log)"
  sv_status || die "supervisord does not answer on $SUPERVISOR_SOCK (log $RUN_DIR/log/supervisord.log)"
}

# --------------------------------------------------------------------- the servers

pg_url() { echo "postgresql://paredao@127.0.0.1:$PG_PORT/paredao"; }
redis_url() { echo "redis://127.0.0.1:$REDIS_PORT"; }
amqp_url() { echo "amqp://paredao:paredao@127.0.0.1:$AMQP_PORT/"; }

ports_of() {
  case $1 in
    postgres) echo "$PG_PORT" ;;
    redis) echo "$REDIS_PORT" ;;
    rabbitmq) echo "$AMQP_PORT $RABBITMQ_DIST_PORT $RABBITMQ_PROMETHEUS_PORT" ;;
    epmd) echo "$EPMD_PORT" ;;
  esac
}

# rabbitmq_cli SECONDS TOOL ARGS...: rabbitmqctl, rabbitmq-diagnostics… against our node, as
# rabbitmq-env.conf says, nothing inherited; killed after SECONDS (0: no limit).
rabbitmq_cli() {
  local seconds=$1 tool=$2
  shift 2
  (cd "$RUN_DIR/rabbitmq" && exec timeout "$seconds" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME="$RUN_DIR/rabbitmq" \
    RABBITMQ_CONF_ENV_FILE="$RUN_DIR/conf/rabbitmq-env.conf" "$RABBITMQ_BIN/$tool" "$@") 9>&-
}

# RabbitMQ 3.10's stop waits 5 s for a call that cannot succeed during a shutdown, in the
# management agent's event handler (the Prometheus plugin needs the agent; fixed upstream in
# 3.13, rabbitmq-server#11070). Removed first, a stop takes ~1 s.
rabbitmq_unhook_mgmt() {
  rabbitmq_cli 20 rabbitmqctl eval \
    'gen_event:delete_handler(rabbit_event, rabbit_mgmt_db_handler, []).' >/dev/null 2>&1 || true
}

# prepare NAME: what a server needs before it starts.
prepare() {
  case $1 in
    postgres) prepare_postgres ;;
    # Nothing persists (redis.conf): a SAVE by hand must not come back either.
    redis) rm -rf "$RUN_DIR/redis" && mkdir -p "$RUN_DIR/redis" ;;
  esac
}

prepare_postgres() {
  local data=$RUN_DIR/postgres/data
  if [ -n "$IS_ROOT" ]; then
    id postgres >/dev/null 2>&1 || die "postgres: as root, PostgreSQL needs the 'postgres' system user (package postgresql)"
    chown -R postgres: "$RUN_DIR/postgres"
    runuser -u postgres -- test -r "$RUN_DIR/conf/postgresql.conf" ||
      die "postgres: user 'postgres' cannot read $RUN_DIR/conf (a parent directory is not traversable)"
  fi
  chmod 700 "$RUN_DIR/postgres"
  if [ ! -s "$data/PG_VERSION" ]; then
    log "postgres: initdb $data"
    rm -rf "$data"
    (cd "$RUN_DIR/postgres" && as_pg "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 --no-sync --no-instructions) >"$RUN_DIR/log/initdb.log" 2>&1 ||
      { cat "$RUN_DIR/log/initdb.log" >&2; die "postgres: initdb failed"; }
  fi
}

wipe() {
  case $1 in
    postgres) rm -rf "$RUN_DIR/postgres/data" ;;
    rabbitmq) rm -rf "$RUN_DIR/rabbitmq/mnesia" ;;
    redis) ;; # always empty
  esac
}

ready_epmd() { epmd -port "$EPMD_PORT" -names >/dev/null 2>&1; }
ready_postgres() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 2; }
ready_redis() { [ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }
# Once the VM has registered with epmd, await_startup waits for the end of its boot, listeners
# included (up to SECONDS: a VM whose broker application was stopped never gets there).
ready_rabbitmq() { # ready_rabbitmq [SECONDS]
  [[ $(epmd -port "$EPMD_PORT" -names 2>/dev/null) == *"name ${RABBITMQ_NODENAME%@*} at"* ]] &&
    rabbitmq_cli $((${1:-5} + 5)) rabbitmqctl await_startup --timeout "${1:-5}" >/dev/null 2>&1
}

# After each start: the application's role and database, when missing.
init_postgres() {
  PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -w -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" \
    -U postgres -d postgres -f "$RUN_DIR/conf/postgres-bootstrap.sql" >/dev/null ||
    die "postgres: could not create role and database paredao"
}

# wait_ready NAME: until the server accepts work, it exits, or $TIMEOUT passes.
wait_ready() {
  local name=$1 begin deadline left
  begin=$(now_ms)
  deadline=$((begin + TIMEOUT * 1000))
  while :; do
    left=$(((deadline - $(now_ms)) / 1000))
    "ready_$name" "$((left > 1 ? left : 1))" && break
    # Its pid asked of supervisord only after a second: most servers are ready sooner.
    if [ -z "${PID[$name]:-}" ] && [ $(($(now_ms) - begin)) -ge 1000 ]; then sv_status || true; fi
    [ -z "${PID[$name]:-}" ] || pid_alive "${PID[$name]}" || fail "$name" "exited while starting"
    [ "$left" -gt 0 ] || fail "$name" "not ready after ${TIMEOUT}s"
    sleep 0.1
  done
  if [ "$name" = postgres ]; then init_postgres; fi
  [ "$name" = epmd ] || log "$name: ready in $(took "$T0")"
}

fail() {
  tail -n 25 "$RUN_DIR/log/$1.log" >&2 2>/dev/null || true
  die "$1: $2 (log $RUN_DIR/log/$1.log)"
}

# start_servers NAME...: those not running, prepared, started by supervisord, awaited.
start_servers() {
  local name port todo=() out
  if [[ " $* " == *" rabbitmq "* ]] && ! running epmd; then todo=(epmd); fi
  # The broker, the slowest to boot, first.
  for name in rabbitmq postgres redis; do
    if [[ " $* " == *" $name "* ]] && ! running "$name"; then todo+=("$name"); fi
  done
  for name in "${todo[@]}"; do
    for port in $(ports_of "$name"); do
      ! port_open "$port" || die "$name: port $port is in use by another process$(port_owner "$port"):" \
        "a server left by a supervisord that was killed, or another program (PAREDAO_PORT_BASE moves the block)"
    done
    prepare "$name"
  done
  if [ "${todo[0]:-}" = epmd ]; then
    # The broker's VM must find our epmd, or it would start one of its own, unsupervised.
    sv start epmd >/dev/null
    PID[epmd]=''
    wait_ready epmd
    todo=("${todo[@]:1}")
  fi
  if [ ${#todo[@]} -gt 0 ]; then
    out=$(sv start "${todo[@]}" 2>&1) || true
    [[ $out != *ERROR* ]] || die "supervisord: $out"
    for name in "${todo[@]}"; do PID[$name]=''; done
  fi
  for name; do
    [[ " ${todo[*]} " == *" $name "* ]] || log "$name: already running"
    wait_ready "$name"
  done
}

gone() { # gone PID [PID...]: the first reaped, the others exited
  local p
  [ ! -e "/proc/$1" ] || return 1
  for p; do ! pid_alive "$p" || return 1; done
}

# stop_server NAME [--kill]
stop_server() {
  local name=$1 pid=${PID[$1]:-0}
  running "$name" || return 0
  if [ "${2:-}" = --kill ]; then
    local pids
    pids=$(process_tree "$pid")
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    # Until supervisord has reaped its child (a start before would be refused) and every
    # orphan is gone (PostgreSQL refuses to start while its old backends hold the shared memory).
    # shellcheck disable=SC2086
    for _ in $(seq 100); do gone "$pid" $pids && break; sleep 0.1; done
  else
    signal_tree "$pid" CONT # a paused server never stops
    if [ "$name" = rabbitmq ]; then rabbitmq_unhook_mgmt; fi
    sv stop "$name" >/dev/null
  fi
  STATE[$name]=STOPPED
}

# The broker stops and starts again inside its VM (what `rabbitmqctl stop_app; start_app` do, in
# one CLI call, which returns once the broker has booted): every connection and channel drops,
# durable queues are recovered; the VM and its loaded code stay, so the broker is back within
# about a second.
rabbitmq_restart_app() {
  signal_tree "${PID[rabbitmq]}" CONT
  [ "$(rabbitmq_cli $((TIMEOUT + 10)) rabbitmqctl eval \
    'gen_event:delete_handler(rabbit_event, rabbit_mgmt_db_handler, []), ok = rabbit:stop(), rabbit:start().' \
    2>/dev/null)" = ok ]
}

status_line() {
  local name=$1 url
  case $name in
    postgres) url=$(pg_url) ;;
    redis) url=$(redis_url) ;;
    rabbitmq) url="$(amqp_url)  metrics http://127.0.0.1:$RABBITMQ_PROMETHEUS_PORT/metrics" ;;
  esac
  if running "$name" && "ready_$name"; then
    printf '%-9s up    %s  pid %s\n' "$name" "$url" "${PID[$name]}"
  elif running "$name"; then
    printf '%-9s DOWN  pid %s running but not answering (log %s)\n' "$name" "${PID[$name]}" "$RUN_DIR/log/$name.log"
    return 1
  else
    printf '%-9s DOWN  not running (%s)\n' "$name" "$url"
    return 1
  fi
}

server_name() {
  case "${1:-}" in
    postgres | postgresql | pg) echo postgres ;;
    redis) echo redis ;;
    rabbitmq | rabbit | amqp) echo rabbitmq ;;
    *) die "unknown server '${1:-}' (postgres | redis | rabbitmq)" ;;
  esac
}

print_env() {
  echo "PAREDAO_POSTGRES_URL=$(pg_url)"
  echo "PAREDAO_REDIS_URL=$(redis_url)"
  echo "PAREDAO_AMQP_URL=$(amqp_url)"
  # Not a setting of paredao: where Prometheus scrapes the broker (rabbitmq_prometheus).
  echo "PAREDAO_RABBITMQ_METRICS=127.0.0.1:$RABBITMQ_PROMETHEUS_PORT"
}

# Serialise concurrent invocations on the same run directory (fd 9; closed for the servers).
lock() {
  mkdir -p "$RUN_DIR"
  exec 9>>"$RUN_DIR/.lock"
  flock -w "$((TIMEOUT * 3))" 9 || die "another servers.sh holds $RUN_DIR/.lock"
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  start | start-one)
    if [ "$cmd" = start ]; then names=("${SERVERS[@]}"); else names=("$(server_name "${1:-}")"); fi
    lock
    T0=$(now_ms)
    find_pg_bin
    supervisord_start
    start_servers "${names[@]}"
    log "ready in $(took "$T0")"
    [ "$cmd" = start-one ] || print_env
    ;;
  stop)
    lock
    T0=$(now_ms)
    if sv_status; then
      for name in "${SERVERS[@]}"; do if running "$name"; then signal_tree "${PID[$name]}" CONT; fi; done
      if running rabbitmq; then rabbitmq_unhook_mgmt; fi
      read -r sv_pid <"$RUN_DIR/supervisord.pid"
      # Stops the programs in reverse priority order (the broker, then PostgreSQL and Redis,
      # epmd last), then exits.
      sv shutdown >/dev/null
      for _ in $(seq $((TIMEOUT * 20))); do pid_alive "$sv_pid" || break; sleep 0.1; done
      ! pid_alive "$sv_pid" || die "supervisord (pid $sv_pid) did not exit (log $RUN_DIR/log/supervisord.log)"
      log "stopped in $(took "$T0")"
    else
      log "not running"
    fi
    ;;
  status)
    rc=0
    find_pg_bin
    sv_status || true
    for name in "${SERVERS[@]}"; do status_line "$name" || rc=1; done
    exit "$rc"
    ;;
  env)
    print_env
    ;;
  stop-one)
    name=$(server_name "${1:-}")
    kill=''
    [ "${2:-}" = --kill ] && kill=--kill
    [ $# -le 1 ] || [ -n "$kill" ] || die "stop-one: unknown option '$2'"
    lock
    T0=$(now_ms)
    if sv_status; then stop_server "$name" "$kill"; fi
    log "$name: stopped in $(took "$T0")"
    ;;
  restart)
    name=$(server_name "${1:-}")
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
    T0=$(now_ms)
    find_pg_bin
    supervisord_start
    if [ "$name" = rabbitmq ] && [ -z "$wipe$kill$full" ] && running rabbitmq; then
      if rabbitmq_restart_app; then
        log "rabbitmq: restarted (application, VM kept) in $(took "$T0")"
        exit 0
      fi
      log "rabbitmq: restart inside the VM failed: restarting the VM"
      sv_status
    fi
    stop_server "$name" "$kill"
    [ -z "$wipe" ] || wipe "$name"
    start_servers "$name"
    log "$name: restarted in $(took "$T0")"
    ;;
  pause | resume)
    name=$(server_name "${1:-}")
    if ! sv_status || ! running "$name"; then die "$name is not running"; fi
    if [ "$cmd" = pause ]; then signal_tree "${PID[$name]}" STOP; else signal_tree "${PID[$name]}" CONT; fi
    ;;
  ctl)
    rabbitmq_cli 0 rabbitmqctl -n "$RABBITMQ_NODENAME" "$@"
    ;;
  psql)
    find_pg_bin
    "$PG_BIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d paredao "$@"
    ;;
  *) usage ;;
esac
