#!/usr/bin/env bash
# A local load balancer in front of several copies of the server: Debian's HAProxy in TCP mode
# as a plain process, with its config and pid file in $PAREDAO_RUN_DIR/haproxy-<port>/ (several
# instances can run at once; the system's haproxy service is not touched).
#
#   haproxy-lb.sh start LISTEN_PORT UPSTREAM [UPSTREAM...]   UPSTREAM: PORT, HOST:PORT, [IPV6]:PORT
#       (again on a running instance: new config, reloaded without dropping the port)
#   haproxy-lb.sh stop LISTEN_PORT
#   haproxy-lb.sh status LISTEN_PORT
#   haproxy-lb.sh stop-all                                    every instance of the run dir
#
# It listens on 127.0.0.1:LISTEN_PORT and spreads client connections over the upstreams at
# layer 4 (TCP): every byte of a connection goes to one copy, which answers everything itself,
# malformed requests included. Each connection opens with a PROXY protocol version 2 header that
# names the client (nginx 1.22 can only write version 1: decision 0011). A connection refused by
# a copy is tried once more on another; it is only moved before anything was sent, so no request
# is delivered twice.
#
# start prints PAREDAO_LB_URL=http://127.0.0.1:LISTEN_PORT on standard output once the port
# answers. Environment: PAREDAO_RUN_DIR (<repo>/var/distributed), HAPROXY (/usr/sbin/haproxy).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUN_DIR=${PAREDAO_RUN_DIR:-$REPO/var/distributed}
HAPROXY=${HAPROXY:-/usr/sbin/haproxy}

log() { printf '%s\n' "haproxy-lb: $*" >&2; }
die() { printf '%s\n' "haproxy-lb: error: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

now() { echo "${EPOCHREALTIME/[.,]/}"; }

inst_dir() {
  local dir=$RUN_DIR/haproxy-$1
  if [ -d "$dir" ]; then (cd -P "$dir" && pwd); else echo "$dir"; fi
}

valid_port() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Our haproxy processes for the instance in $1 (their command lines name our config file).
our_pids() {
  local dir=$1 pid
  for pid in $(cat "$dir/haproxy.pid" 2>/dev/null | tr -dc '0-9\n'); do
    [ -r "/proc/$pid/cmdline" ] || continue
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/haproxy.cfg" &&
      [ "$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" != Z ]; then
      echo "$pid"
    fi
  done
}

write_config() { # write_config DIR PORT UPSTREAM...
  local dir=$1 port=$2 u servers='' n=0
  shift 2
  for u in "$@"; do
    if valid_port "$u"; then
      u=127.0.0.1:$u
    elif [[ $u =~ ^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]+$ ]] && valid_port "${u##*:}"; then
      u=${u/\[/}
      u=${u/\]/}
    else
      die "bad upstream '$u' (PORT or HOST:PORT)"
    fi
    n=$((n + 1))
    servers+="    server copy$n $u"$'\n'
  done
  # Two descriptors per proxied connection, within what this user may open.
  local nofile conns
  nofile=$(ulimit -Hn)
  [ "$nofile" = unlimited ] || [ "$nofile" -gt 8192 ] && nofile=8192
  conns=$((nofile / 2 - 16))
  cat >"$dir/haproxy.cfg.new" <<EOF2
# Written by deploy/local/haproxy-lb.sh: load balancer on 127.0.0.1:$port.
# Layer 4 (TCP): each client connection goes whole to one api copy, so every byte, even a
# malformed request, is answered by Paredão itself, exactly as the HTTP contract says
# (docs/decisions/0006-layer-4-load-balancer.md).
global
    daemon
    maxconn $conns
    pidfile $dir/haproxy.pid

defaults
    mode tcp
    # A copy that refuses the connection (stopped, restarting) is tried once more, on another:
    # nothing has been sent to it yet, so no request can be delivered twice.
    timeout connect 1s
    retries 1
    option redispatch 1
    # Idle keep-alive connections are closed by the api copies themselves.
    timeout client 10m
    timeout server 10m

frontend paredao
    bind 127.0.0.1:$port
    default_backend copies

backend copies
    balance roundrobin
    # Names the client to the api copies (PROXY protocol version 2), so that pace and limits see
    # each client's network, not the balancer's address.
    default-server send-proxy-v2
$servers
EOF2
  mv -f "$dir/haproxy.cfg.new" "$dir/haproxy.cfg"
}

wait_port() { # wait_port PORT SECONDS
  local end=$(( $(now) + $2 * 1000000 ))
  until port_open "$1"; do
    [ "$(now)" -lt "$end" ] || return 1
    sleep 0.05
  done
}

cmd_start() {
  [ $# -ge 2 ] || usage
  local port=$1 dir pids
  valid_port "$port" || die "bad listen port '$port'"
  shift
  [ -x "$HAPROXY" ] || die "$HAPROXY not found (Debian package haproxy)"
  mkdir -p "$RUN_DIR/haproxy-$port"
  dir=$(inst_dir "$port")
  pids=$(our_pids "$dir" | tr '\n' ' ')
  write_config "$dir" "$port" "$@"
  "$HAPROXY" -c -q -f "$dir/haproxy.cfg" 2>"$dir/check.log" ||
    { tail -n 5 "$dir/check.log" >&2; die "invalid config $dir/haproxy.cfg"; }
  if [ -n "${pids// /}" ]; then
    # Reload: a new process takes the port over and the old ones finish their connections.
    # shellcheck disable=SC2086
    "$HAPROXY" -f "$dir/haproxy.cfg" -sf $pids </dev/null >/dev/null 2>>"$dir/error.log" ||
      die "haproxy did not reload (log $dir/error.log)"
    log "reloaded 127.0.0.1:$port -> $*"
  else
    port_open "$port" && die "port $port is in use by another process"
    rm -f "$dir/haproxy.pid"
    "$HAPROXY" -f "$dir/haproxy.cfg" </dev/null >/dev/null 2>>"$dir/error.log" ||
      { tail -n 5 "$dir/error.log" >&2; die "haproxy did not start (log $dir/error.log)"; }
    wait_port "$port" 10 || { tail -n 5 "$dir/error.log" >&2; die "haproxy not answering on 127.0.0.1:$port"; }
    log "listening on 127.0.0.1:$port -> $*"
  fi
  echo "PAREDAO_LB_URL=http://127.0.0.1:$port"
}

stop_dir() { # stop_dir DIR
  local dir=$1 pids end
  pids=$(our_pids "$dir")
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    end=$(( $(now) + 10000000 ))
    while [ -n "$(our_pids "$dir")" ]; do
      if [ "$(now)" -ge "$end" ]; then
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
        break
      fi
      sleep 0.05
    done
    log "stopped $(basename "$dir")"
  fi
  rm -f "$dir/haproxy.pid"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  start) cmd_start "$@" ;;
  stop)
    { [ $# -eq 1 ] && valid_port "$1"; } || usage
    stop_dir "$(inst_dir "$1")"
    ;;
  stop-all)
    for d in "$RUN_DIR"/haproxy-*/; do
      [ -d "$d" ] && stop_dir "$(cd -P "$d" && pwd)"
    done
    ;;
  status)
    { [ $# -eq 1 ] && valid_port "$1"; } || usage
    dir=$(inst_dir "$1")
    pids=$(our_pids "$dir" | tr '\n' ' ')
    if [ -n "${pids// /}" ] && port_open "$1"; then
      echo "haproxy-lb  up    http://127.0.0.1:$1  pids $pids -> $(grep -oE '^ +server [^ ]+ [^ ]+' "$dir/haproxy.cfg" | awk '{printf "%s ", $3}')"
    else
      echo "haproxy-lb  DOWN  127.0.0.1:$1"
      exit 1
    fi
    ;;
  *) usage ;;
esac
