#!/usr/bin/env bash
# Benchmark of the distributed mode: votes/s through `paredao api` with the whole pipeline
# running on this machine (RabbitMQ, PostgreSQL, Redis, worker, reconciler), against a stock
# nginx answering the same request with a fixed `return`, measured in the same run; then the time
# for the queue to drain once the load stops, and a check that every accepted vote is in
# PostgreSQL and in Redis. Loopback only; bounded in time.
#
#   bench/distributed_bench.sh            (make bench-distributed)
#   DURATION=20 CONNECTIONS=128 bench/distributed_bench.sh
#   LB_SCRIPT=/path/to/another-lb.sh bench/distributed_bench.sh   (another balancer, same interface)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

CONNECTIONS=${CONNECTIONS:-64}
VOTES=${VOTES:-400000}  # more than a flood can use: each payload is sent once
API_PORTS=(${API_PORTS:-18491 18492})
LB_PORT=${LB_PORT:-18490}
# The balancer's script (same interface as deploy/local/haproxy-lb.sh), to compare balancers.
LB_SCRIPT=${LB_SCRIPT:-deploy/local/haproxy-lb.sh}
name=bench$(date +%s)

eval "$(deploy/local/servers.sh start | grep '^PAREDAO_' | sed 's/^/export /')"
work=$(scratch_dir paredao-dbench)  # payloads and logs only: the servers keep their data in var/
pids=()
cleanup() {
  "$LB_SCRIPT" stop "$LB_PORT" >/dev/null 2>&1 || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  psql "$PAREDAO_POSTGRES_URL" -qAt -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  # Left behind, every run's quorum queues kept ticking: 270 idle ones cost the broker about a
  # tenth of a core, taken from the next runs.
  for queue in "$name.votes" "$name.votes.dead"; do
    deploy/local/servers.sh ctl delete_queue "$queue" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT


# --- a deployment of its own: database, queue, Redis prefix ---------------------------------------
psql "$PAREDAO_POSTGRES_URL" -qAt -c "CREATE DATABASE $name" >/dev/null
pg_url="${PAREDAO_POSTGRES_URL%/*}/$name"
common=(--postgres-url "$pg_url" --redis-url "$PAREDAO_REDIS_URL" --deployment "$name")
"$BIN" migrate --postgres-url "$pg_url" >"$work/migrate.log"
for i in "${!API_PORTS[@]}"; do
  "$BIN" api --listen "127.0.0.1:${API_PORTS[$i]}" "${common[@]}" --amqp-url "$PAREDAO_AMQP_URL" \
    --trusted-proxies 127.0.0.1/32 "${EDGE_OFF[@]}" --pow-algorithm SHA-256 \
    --admin-token "$TOKEN" --pow-difficulty 1 --no-demo --threads "${API_THREADS:-2}" >"$work/api-$i.log" 2>&1 &
  pids+=($!)
done
"$BIN" worker "${common[@]}" --amqp-url "$PAREDAO_AMQP_URL" --consumers "${CONSUMERS:-2}" >"$work/worker.log" 2>&1 &
pids+=($!)
"$BIN" reconcile "${common[@]}" >"$work/reconcile.log" 2>&1 &
pids+=($!)
for port in "${API_PORTS[@]}"; do wait_http "http://127.0.0.1:$port/healthz"; done
"$LB_SCRIPT" start "$LB_PORT" "${API_PORTS[@]}" >/dev/null

api="http://127.0.0.1:$LB_PORT/api/v1"
auth=(-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json")
curl -fs "${auth[@]}" -d '{"id":"bench","title":"Paredão de benchmark","candidates":[{"id":"ana","name":"Ana Clara"},{"id":"bruno","name":"Bruno"},{"id":"camila","name":"Camila"}]}' "$api/polls" >/dev/null
curl -fs "${auth[@]}" -X POST "$api/polls/bench/open" >/dev/null

psql "$pg_url" -qAt -c "SELECT value FROM settings WHERE name = 'challenge_secret'" >"$work/challenge-secret"
echo "Solving $((VOTES * 2 + 1)) challenges signed with the deployment's secret..."
"$GEN" "$work/challenge-secret" bench ana,bruno,camila "$((VOTES * 2 + 1))" "$work/all-payloads"
sed -n "1,${VOTES}p" "$work/all-payloads" >"$work/payloads-lb"
sed -n "$((VOTES + 1)),$((VOTES * 2))p" "$work/all-payloads" >"$work/payloads-direct"
vote_body=$(curl -fs -H "Content-Type: application/json" --data-binary "$(tail -n 1 "$work/all-payloads")" "$api/polls/bench/votes")

# --- nginx: the reference, 2 workers, access log off -----------------------------------------------
start_reference_nginx "$work" "$NGINX_PORT" 2 "$vote_body"

# CPU seconds used by each kind of process (summed over its processes), to know where the time
# goes: utime + stime from /proc/<pid>/stat, in clock ticks (ps rounds to whole seconds).
cpu_by_process() {
  # (A process may end between the listing and the reading: cat then fails, harmlessly.)
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v hz="$(getconf CLK_TCK)" '{
      lp = index($0, "("); rp = 0
      for (i = length($0); i > 0; i--) if (substr($0, i, 1) == ")") { rp = i; break }
      if (!lp || !rp) next
      name = substr($0, lp + 1, rp - lp - 1)
      split(substr($0, rp + 2), f, " ")  # f[1] is the state; utime, stime are f[12], f[13]
      # The name of a kworker carries the work queue it serves at the moment: all are summed as
      # one, else a kworker renamed between two readings counted its whole lifetime.
      sub(/^postgres.*/, "postgres", name); sub(/^beam.*/, "rabbitmq", name)
      sub(/^kworker.*/, "kworker", name); gsub(/ /, "_", name)
      cpu[name] += (f[12] + f[13]) / hz
    } END { for (n in cpu) printf "%s %.2f\n", n, cpu[n] }' | sort
}
cpu_changes() {  # before after: name, CPU seconds before, after
  join -a 2 -e 0 -o 0,1.2,2.2 "$1" "$2"
}
cpu_delta() {  # before after
  cpu_changes "$1" "$2" | awk '$3 - $2 >= 0.1 {printf "%s %.1fs, ", $1, $3 - $2}'
}

# watch_counts_age OUT: in the background until killed, the oldest age of the counts that results
# and stats serve (paredao_counts_age_seconds) seen on any api copy, sampled twice a second,
# into OUT. The contract wants them at most about a second old, under load too.
watch_counts_age() {
  local out=$1 oldest=0 age port
  echo 0 >"$out"
  while sleep 0.5; do
    for port in "${API_PORTS[@]}"; do
      age=$(curl -fs --max-time 1 "http://127.0.0.1:$port/metrics" | awk '/^paredao_counts_age_seconds/ {print $2}' || true)
      oldest=$(awk -v a="${age:-0}" -v b="$oldest" 'BEGIN {print (a > b) ? a : b}')
    done
    echo "$oldest" >"$out"
  done
}

run_wrk() {  # name url payloads
  local machine_before machine_after
  sample_idle "$DURATION" "$work/$1.idle"
  local sampler=$!
  watch_counts_age "$work/$1.age" &
  local watcher=$!
  machine_before=$(machine_cpu)
  cpu_by_process >"$work/cpu-before"
  env PAYLOADS="$3" THREADS="$WRK_THREADS" VOTE_PATH=/api/v1/polls/bench/votes \
    wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --latency -s bench/votes.lua "$2" \
    >"$work/$1.txt"
  cpu_by_process >"$work/cpu-after"
  machine_after=$(machine_cpu)
  wait "$sampler"
  kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null || true
  # wrk has ended by the second reading, so its CPU shows only in the machine's total.
  local listed
  listed=$(cpu_changes "$work/cpu-before" "$work/cpu-after" | awk '{s += $3 - $2} END {print s}')
  echo "$1: CPU $(cpu_delta "$work/cpu-before" "$work/cpu-after")$(awk -v b="$machine_before" \
    -v a="$machine_after" -v listed="$listed" -v idle="$(cat "$work/$1.idle")" 'BEGIN {
      split(b, x, " "); split(a, y, " ")
      printf "wrk (with its start: reading the payloads) and other ended processes %.1fs; machine busy %.1fs, idle %.1fs (%s %% idle mid-run)",
        y[1] - x[1] - listed, y[1] - x[1], y[2] - x[2], idle }'); counts at most $(cat "$work/$1.age") s old" >>"$work/cpu"
  echo "$1 $(awk '/^Requests\/sec/ {print $2}' "$work/$1.txt") $(awk '$1 == "50%" {print $2}' "$work/$1.txt") $(awk '$1 == "99%" {print $2}' "$work/$1.txt") $(grep -c 'Non-2xx' "$work/$1.txt" || true)"
}

counted() { psql "$pg_url" -qAt -c "SELECT count(*) FROM votes WHERE poll_id = 'bench'"; }
accepted() {
  local sum=0 n
  for port in "${API_PORTS[@]}"; do
    n=$(curl -fs "http://127.0.0.1:$port/metrics" | awk '/^paredao_votes_accepted_total/ {print $2}')
    sum=$(awk -v a="$sum" -v b="${n:-0}" 'BEGIN {printf "%d", a + b}')
  done
  echo "$sum"
}
# Seconds from now until PostgreSQL holds every accepted vote (limit 60 s).
drain_seconds() {
  local want start now
  want=$(accepted)
  start=$(date +%s.%N)
  for _ in $(seq 600); do
    [[ "$(counted)" -ge "$want" ]] && break
    sleep 0.1
  done
  now=$(date +%s.%N)
  awk -v a="$start" -v b="$now" 'BEGIN {printf "%.1f", b - a}'
}

echo "Running wrk: ${DURATION}s, $WRK_THREADS threads, $CONNECTIONS connections"
: >"$work/summary"
run_wrk nginx "http://127.0.0.1:$NGINX_PORT/api/v1/polls/bench/votes" "$work/payloads-lb" | tee -a "$work/summary"
run_wrk paredao-lb "http://127.0.0.1:$LB_PORT/api/v1/polls/bench/votes" "$work/payloads-lb" | tee -a "$work/summary"
drain_lb=$(drain_seconds)
run_wrk paredao-direct "http://127.0.0.1:${API_PORTS[0]}/api/v1/polls/bench/votes" "$work/payloads-direct" | tee -a "$work/summary"
drain_direct=$(drain_seconds)

# The api copies' batches: mean size and mean time to make one durable (burn + publish + confirm).
batch_stats=$(for port in "${API_PORTS[@]}"; do curl -fs "http://127.0.0.1:$port/metrics"; done | awk '
  /^paredao_vote_batch_size_sum/ {vs += $2} /^paredao_vote_batch_size_count/ {vc += $2}
  /^paredao_vote_commit_seconds_sum/ {cs += $2} /^paredao_vote_commit_seconds_count/ {cc += $2}
  END { if (vc > 0 && cc > 0) printf "%d batches, %.1f votes per batch, %.1f ms each", vc, vs / vc, 1000 * cs / cc }')

sleep 2  # the reconciler's round and the api snapshots
total_accepted=$(accepted)
total_counted=$(counted)
minute_total=$(psql "$pg_url" -qAt -c "SELECT coalesce(sum(votes), 0) FROM minute_tally WHERE poll_id = 'bench'")
redis_total=$(redis-cli -u "$PAREDAO_REDIS_URL" --raw HVALS "$name:{bench}:totals" | awk '{s += $1} END {print s + 0}')
# The first "total" is the grand total (each hour of by_hour has one too, after it).
stats_total=$(curl -fs "${auth[@]}" "$api/polls/bench/stats" | grep -oE '"total":[0-9]+' | head -n1 | cut -d: -f2)
"$BIN" reconcile --check "${common[@]}" >"$work/audit.log" 2>&1 && audit=clean || audit="DRIFT (see audit)"

field() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$work/summary"; }
echo
echo "| path | votes/s | nginx req/s | ratio | p50 | p99 | queue drained after the load |"
echo "|---|---|---|---|---|---|---|"
echo "| wrk → HAProxy L4 → 2 api copies | $(field paredao-lb 2) | $(field nginx 2) | $(ratio "$(field paredao-lb 2)" "$(field nginx 2)") | $(field paredao-lb 3) | $(field paredao-lb 4) | ${drain_lb} s |"
echo "| wrk → 1 api copy | $(field paredao-direct 2) | $(field nginx 2) | $(ratio "$(field paredao-direct 2)" "$(field nginx 2)") | $(field paredao-direct 3) | $(field paredao-direct 4) | ${drain_direct} s |"
echo
echo "api batches: $batch_stats"
echo "CPU seconds per process during each ${DURATION} s run (2 cores: at most $((DURATION * 2)) s):"
sed 's/^/  /' "$work/cpu"
for run in nginx paredao-lb paredao-direct; do
  if awk -v age="$(cat "$work/$run.age")" 'BEGIN {exit !(age > 1)}'; then
    echo "WARNING: during $run an api copy served counts $(cat "$work/$run.age") s old (at most ~1 s expected)" >&2
  fi
done
echo "Votes accepted (202): $total_accepted; in PostgreSQL: $total_counted (per minute: $minute_total); in Redis: $redis_total; stats.total: $stats_total; audit: $audit"
if [[ "$total_accepted" != "$total_counted" || "$total_accepted" != "$minute_total" || "$total_accepted" != "$redis_total" || "$total_accepted" != "$stats_total" ]]; then
  echo "MISMATCH: every accepted vote must be in PostgreSQL (and its per-minute rollup), Redis and the stats" >&2
  # What each copy answers now (its snapshot's as_of says how old it is), and the logs, kept.
  for port in "${API_PORTS[@]}"; do
    echo "  api :$port stats now: $(curl -fs "${auth[@]}" "http://127.0.0.1:$port/api/v1/polls/bench/stats" | head -c 300)" >&2
  done
  kept=var/bench-failures/$name
  mkdir -p "$kept" && cp "$work"/*.log "$kept"/ && echo "  logs kept in $kept" >&2
  exit 1
fi
