#!/usr/bin/env bash
# A local load balancer in front of several copies of the server: Debian's nginx (with its
# stream module, package libnginx-mod-stream) as a plain process of the current user, with its
# config, pid file and error log in $PAREDAO_RUN_DIR/nginx-<port>/ (several instances can run
# at once; no root-owned file, no system nginx touched).
#
#   nginx-lb.sh start LISTEN_PORT UPSTREAM [UPSTREAM...]   UPSTREAM: PORT, HOST:PORT, [IPV6]:PORT
#       (again on a running instance: new config, reloaded without dropping the port)
#   nginx-lb.sh stop LISTEN_PORT
#   nginx-lb.sh status LISTEN_PORT
#   nginx-lb.sh stop-all                                    every instance of the run dir
#
# It listens on 127.0.0.1:LISTEN_PORT and spreads client connections over the upstreams at
# layer 4 (TCP): every byte of a connection goes to one copy, which answers everything itself,
# malformed requests included. A copy that refuses connections is skipped for 2 s; a connection
# is only moved to another copy before anything was sent, so no request is delivered twice.
#
# start prints PAREDAO_LB_URL=http://127.0.0.1:LISTEN_PORT on standard output once the
# port answers. Environment: PAREDAO_RUN_DIR (<repo>/var/distributed), NGINX
# (/usr/sbin/nginx), NGINX_WORKERS (1).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUN_DIR=${PAREDAO_RUN_DIR:-$REPO/var/distributed}
NGINX=${NGINX:-/usr/sbin/nginx}
WORKERS=${NGINX_WORKERS:-1}
STREAM_MODULE=${NGINX_STREAM_MODULE:-/usr/lib/nginx/modules/ngx_stream_module.so}

log() { printf '%s\n' "nginx-lb: $*" >&2; }
die() { printf '%s\n' "nginx-lb: error: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

now() { echo "${EPOCHREALTIME/[.,]/}"; }

# The directory of the instance on port $1 (canonical: it is matched in command lines).
inst_dir() {
  local dir=$RUN_DIR/nginx-$1
  if [ -d "$dir" ]; then (cd -P "$dir" && pwd); else echo "$dir"; fi
}

valid_port() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Our master process for the instance in $1 (its command line names our config file).
master_pid() {
  local dir=$1 pid
  pid=$(head -n1 "$dir/nginx.pid" 2>/dev/null | tr -dc 0-9) || true
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 0
  if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/nginx.conf" &&
    [ "$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" != Z ]; then
    echo "$pid"
  fi
}

nginx_cmd() { # nginx_cmd DIR ARGS...
  local dir=$1
  shift
  "$NGINX" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" "$@"
}

write_config() { # write_config DIR PORT UPSTREAM...
  local dir=$1 port=$2 u servers='' user_line=''
  shift 2
  for u in "$@"; do
    if valid_port "$u"; then
      u=127.0.0.1:$u
    elif [[ $u =~ ^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]+$ ]] && valid_port "${u##*:}"; then
      :
    else
      die "bad upstream '$u' (PORT or HOST:PORT)"
    fi
    servers+="        server $u max_fails=1 fail_timeout=2s;"$'\n'
  done
  # As root the workers would otherwise run as nobody, who cannot write our temp dirs.
  [ "$(id -u)" -ne 0 ] || user_line='user root;'
  # Two descriptors per proxied connection, within what this user may open.
  local nofile conns
  nofile=$(ulimit -Hn)
  [ "$nofile" = unlimited ] || [ "$nofile" -gt 8192 ] && nofile=8192
  conns=$((nofile / 2 - 16))
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf.new" <<EOF
# Written by deploy/local/nginx-lb.sh: load balancer on 127.0.0.1:$port.
# Layer 4 (stream): each client connection goes whole to one api copy, so every byte, even a
# malformed request, is answered by Paredão itself, exactly as the HTTP contract says
# (docs/decisions/0006-layer-4-load-balancer.md).
load_module $STREAM_MODULE;
daemon on;
master_process on;
worker_processes $WORKERS;
worker_rlimit_nofile $nofile;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
$user_line

events {
    worker_connections $conns;
}

stream {
    upstream paredao {
$servers    }

    server {
        listen 127.0.0.1:$port;
        proxy_pass paredao;
        # Names the client to the api copies (PROXY protocol; nginx 1.22 writes version 1), so
        # that pace and limits see each client's network, not the balancer's address.
        proxy_protocol on;
        # A copy that refuses the connection (stopped, restarting) is skipped; nothing has
        # been sent to it yet, so no request can be delivered twice.
        proxy_connect_timeout 1s;
        proxy_next_upstream on;
        proxy_next_upstream_tries 2;
        # Idle keep-alive connections are closed by the api copies themselves.
        proxy_timeout 10m;
    }
}
EOF
  mv -f "$dir/nginx.conf.new" "$dir/nginx.conf"
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
  local port=$1 dir pid
  valid_port "$port" || die "bad listen port '$port'"
  shift
  [ -x "$NGINX" ] || die "$NGINX not found (Debian package nginx-light)"
  mkdir -p "$RUN_DIR/nginx-$port"
  dir=$(inst_dir "$port")
  pid=$(master_pid "$dir")
  write_config "$dir" "$port" "$@"
  nginx_cmd "$dir" -t -q 2>>"$dir/error.log" || { tail -n 5 "$dir/error.log" >&2; die "invalid config $dir/nginx.conf"; }
  if [ -n "$pid" ]; then
    # Reload: new workers with the new upstreams, the listening socket stays. Done when
    # a new worker is there (the old ones no longer accept connections).
    local old new end=$(( $(now) + 10000000 ))
    old=$(pgrep -P "$pid" | sort) || true
    kill -HUP "$pid"
    while :; do
      new=$(pgrep -P "$pid" | sort) || true
      if [ -n "$(comm -13 <(echo "$old") <(echo "$new"))" ]; then break; fi
      [ "$(now)" -lt "$end" ] || die "nginx did not reload (log $dir/error.log)"
      sleep 0.02
    done
    log "reloaded 127.0.0.1:$port -> $*"
  else
    port_open "$port" && die "port $port is in use by another process"
    rm -f "$dir/nginx.pid"
    nginx_cmd "$dir" </dev/null >/dev/null 2>>"$dir/error.log" ||
      { tail -n 5 "$dir/error.log" >&2; die "nginx did not start (log $dir/error.log)"; }
    wait_port "$port" 10 || { tail -n 5 "$dir/error.log" >&2; die "nginx not answering on 127.0.0.1:$port"; }
    log "listening on 127.0.0.1:$port -> $*"
  fi
  echo "PAREDAO_LB_URL=http://127.0.0.1:$port"
}

stop_dir() { # stop_dir DIR
  local dir=$1 pid end
  pid=$(master_pid "$dir")
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true # fast shutdown (workers leave with the master)
    end=$(( $(now) + 10000000 ))
    while [ -n "$(master_pid "$dir")" ]; do
      if [ "$(now)" -ge "$end" ]; then
        pkill -KILL -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.05
    done
    log "stopped $(basename "$dir")"
  fi
  rm -f "$dir/nginx.pid"
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
    for d in "$RUN_DIR"/nginx-*/; do
      [ -d "$d" ] && stop_dir "$(cd -P "$d" && pwd)"
    done
    ;;
  status)
    { [ $# -eq 1 ] && valid_port "$1"; } || usage
    dir=$(inst_dir "$1")
    pid=$(master_pid "$dir")
    if [ -n "$pid" ] && port_open "$1"; then
      echo "nginx-lb  up    http://127.0.0.1:$1  pid $pid  -> $(grep -oE '^ +server [^ {;]+' "$dir/nginx.conf" | awk '{printf "%s ", $2}')"
    else
      echo "nginx-lb  DOWN  127.0.0.1:$1"
      exit 1
    fi
    ;;
  *) usage ;;
esac
