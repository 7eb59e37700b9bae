#!/usr/bin/env bash
# The whole distributed mode on one machine, as local processes on loopback (no systemd, no
# root-owned service): PostgreSQL, Redis and RabbitMQ (servers.sh), `paredao migrate`, two
# `paredao api` copies behind an HAProxy load balancer (PROXY protocol v2), two workers and the reconciler.
#   stack.sh start   start everything (idempotent) and print the URLs
#   stack.sh stop    stop everything
#   stack.sh status  one line per process
# Settings (environment): PAREDAO_BIN (default build/paredao), LB_PORT (8080), API_PORTS
# ("8081 8082"), WORKER_METRICS_PORTS ("9101 9102"), RECONCILE_METRICS_PORT (9103),
# PROMETHEUS_PORT (9090), ALERTMANAGER_PORT (9093), plus those
# of servers.sh and every PAREDAO_* setting of the services (PAREDAO_ADMIN_TOKEN, …).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
run_dir=${PAREDAO_RUN_DIR:-$repo/var/distributed}
services_dir=$run_dir/services
bin=${PAREDAO_BIN:-$repo/build/paredao}
lb_port=${LB_PORT:-8080}
read -r -a api_ports <<<"${API_PORTS:-8081 8082}"
read -r -a worker_metrics_ports <<<"${WORKER_METRICS_PORTS:-9101 9102}"
reconcile_metrics_port=${RECONCILE_METRICS_PORT:-9103}
prometheus_port=${PROMETHEUS_PORT:-9090}
alertmanager_port=${ALERTMANAGER_PORT:-9093}

running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# start_service NAME ARGS…: runs `paredao ARGS…` in the background, logs to NAME.log.
start_service() {
  local name=$1; shift
  local pid_file=$services_dir/$name.pid
  if running "$pid_file"; then return 0; fi
  # A fresh log per start, so that waiting for its first lines reads this run's.
  [[ -f "$services_dir/$name.log" ]] && mv -f "$services_dir/$name.log" "$services_dir/$name.log.1"
  nohup "$bin" "$@" >"$services_dir/$name.log" 2>&1 &
  echo $! >"$pid_file"
}

# wait_for_log NAME EVENT: until the service logged EVENT (or died).
wait_for_log() {
  local name=$1 event=$2
  for _ in $(seq 1 150); do
    grep -q "\"event\":\"$event\"" "$services_dir/$name.log" 2>/dev/null && return 0
    running "$services_dir/$name.pid" || { echo "$name failed:" >&2; tail -5 "$services_dir/$name.log" >&2; return 1; }
    sleep 0.1
  done
  echo "$name did not log $event in 15 s" >&2
  return 1
}

start() {
  [[ -x "$bin" ]] || { echo "no $bin: run 'make build' first" >&2; exit 1; }
  mkdir -p "$services_dir"
  eval "$("$here/servers.sh" start | grep '^PAREDAO_' | sed 's/^/export /')"
  "$bin" migrate >>"$services_dir/migrate.log" 2>&1 || { tail -5 "$services_dir/migrate.log" >&2; exit 1; }
  local upstreams=()
  for i in "${!api_ports[@]}"; do
    # The balancer in front is ours: every client arrives from its one address.
    start_service "api-$i" api --listen "127.0.0.1:${api_ports[$i]}" --trusted-proxies 127.0.0.1/32
    upstreams+=("127.0.0.1:${api_ports[$i]}")
  done
  for i in "${!worker_metrics_ports[@]}"; do
    start_service "worker-$i" worker --metrics-listen "127.0.0.1:${worker_metrics_ports[$i]}"
  done
  start_service reconcile reconcile --metrics-listen "127.0.0.1:$reconcile_metrics_port"
  for i in "${!api_ports[@]}"; do wait_for_log "api-$i" listening; done
  for i in "${!worker_metrics_ports[@]}"; do wait_for_log "worker-$i" worker_started; done
  wait_for_log reconcile reconciler_started
  "$here/haproxy-lb.sh" start "$lb_port" "${upstreams[@]}" >/dev/null
  start_prometheus "${upstreams[@]}"
  local token
  token=$(grep -ho '"token":"[^"]*"' "$services_dir"/migrate.log "$services_dir"/api-0.log 2>/dev/null | tail -1 | cut -d'"' -f4)
  cat <<EOT
Paredão (distributed) is running:
  vote page and API   http://127.0.0.1:$lb_port/            (HAProxy → ${upstreams[*]})
  api copies          $(printf 'http://%s/metrics ' "${upstreams[@]}")
  worker metrics      $(printf 'http://127.0.0.1:%s/metrics ' "${worker_metrics_ports[@]}")
  reconciler metrics  http://127.0.0.1:$reconcile_metrics_port/metrics
  Prometheus          http://127.0.0.1:$prometheus_port/  (alerts: /alerts; e.g. rate(paredao_votes_accepted_total[10s]))
  Alertmanager        http://127.0.0.1:$alertmanager_port/  (deploy/alertmanager/alertmanager.yml)
  admin token         ${PAREDAO_ADMIN_TOKEN:-$token}
  logs                $services_dir/*.log
  servers             $PAREDAO_POSTGRES_URL  $PAREDAO_REDIS_URL  $PAREDAO_AMQP_URL
Stop with: make stop
EOT
}

# Prometheus (Debian's package) scraping every process and the broker once a second with the
# alerting rules of deploy/prometheus/, and Alertmanager (Debian's prometheus-alertmanager) with
# deploy/alertmanager/alertmanager.yml; their data under the run dir.
start_prometheus() {
  command -v prometheus >/dev/null || { echo "prometheus not installed: skipping it" >&2; return 0; }
  local pid_file=$services_dir/prometheus.pid api="" workers=""
  running "$pid_file" && return 0
  for u in "$@"; do api+="'$u', "; done
  for p in "${worker_metrics_ports[@]}"; do workers+="'127.0.0.1:$p', "; done
  cat >"$services_dir/prometheus.yml" <<EOT
global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: ['$repo/deploy/prometheus/paredao.rules.yml']
alerting: { alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:$alertmanager_port'] }] }] }
scrape_configs:
  - job_name: api
    static_configs: [{ targets: [${api%, }] }]
  - job_name: worker
    static_configs: [{ targets: [${workers%, }] }]
  - job_name: reconcile
    static_configs: [{ targets: ['127.0.0.1:$reconcile_metrics_port'] }]
  - job_name: rabbitmq
    metrics_path: /metrics/detailed
    params: { vhost: ['/'], family: [queue_coarse_metrics, queue_consumer_count] }
    static_configs: [{ targets: ['$PAREDAO_RABBITMQ_METRICS'] }]
EOT
  nohup prometheus --config.file="$services_dir/prometheus.yml" \
    --storage.tsdb.path="$run_dir/prometheus" --web.listen-address="127.0.0.1:$prometheus_port" \
    >"$services_dir/prometheus.log" 2>&1 &
  echo $! >"$pid_file"
  if command -v prometheus-alertmanager >/dev/null && ! running "$services_dir/alertmanager.pid"; then
    nohup prometheus-alertmanager --config.file="$repo/deploy/alertmanager/alertmanager.yml" \
      --storage.path="$run_dir/alertmanager" --web.listen-address="127.0.0.1:$alertmanager_port" \
      --cluster.listen-address= >"$services_dir/alertmanager.log" 2>&1 &
    echo $! >"$services_dir/alertmanager.pid"
  fi
}

stop() {
  "$here/haproxy-lb.sh" stop "$lb_port" >/dev/null 2>&1 || true
  if [[ -d "$services_dir" ]]; then
    for pid_file in "$services_dir"/*.pid; do
      [[ -e "$pid_file" ]] || continue
      if running "$pid_file"; then kill -TERM "$(cat "$pid_file")" 2>/dev/null || true; fi
    done
    for pid_file in "$services_dir"/*.pid; do
      [[ -e "$pid_file" ]] || continue
      for _ in $(seq 1 100); do running "$pid_file" || break; sleep 0.1; done
      running "$pid_file" && kill -KILL "$(cat "$pid_file")" 2>/dev/null || true
      rm -f "$pid_file"
    done
  fi
  "$here/servers.sh" stop
}

status() {
  for pid_file in "$services_dir"/*.pid; do
    [[ -e "$pid_file" ]] || continue
    local name; name=$(basename "$pid_file" .pid)
    if running "$pid_file"; then echo "$name up (pid $(cat "$pid_file"))"; else echo "$name DOWN"; fi
  done
  "$here/servers.sh" status
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
