#!/usr/bin/env bash
# HTTP benchmark of `paredao serve` against a stock nginx answering the same requests with a
# fixed `return`, measured in the same run on the same machine (ratios, not absolute figures,
# are what compare across these shared, noisy machines). Loopback only; bounded in time.
#
#   bench/http_bench.sh            (make bench)
#   ROUNDS=5 ROUND_SECONDS=10 CONNECTION_LEVELS="64 512" bench/http_bench.sh
#   POW_ALGORITHM=SCRYPT POW_SCRYPT_COST=64 VOTES=150000 bench/http_bench.sh   (a memory-hard check)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

CONNECTION_LEVELS=${CONNECTION_LEVELS:-64 256}
SERVER_THREADS=${SERVER_THREADS:-2}
ROUNDS=${ROUNDS:-3}  # alternating nginx/paredao pairs per request kind and connection count
ROUND_SECONDS=${ROUND_SECONDS:-5}  # per flood; DURATION is the steady run's
VOTES=${VOTES:-1500000}  # split among the rounds: 250,000 each, more than 5 s of flood can use
PAREDAO_PORT=${PAREDAO_PORT:-18481}

work=$(mktemp -d /tmp/paredao-bench.XXXXXX)  # on disk: the data dir's fsyncs are measured
payloads=$(scratch_dir paredao-payloads)
cleanup() {
  [[ -n "${paredao_pid:-}" ]] && kill "$paredao_pid" 2>/dev/null && wait "$paredao_pid" 2>/dev/null
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  rm -rf "$work" "$payloads"
}
trap cleanup EXIT


# --- paredao: embedded mode, minimum difficulty, its own data dir --------------------------------
# The proof of work's key derivation: SHA-256 unless POW_ALGORITHM says otherwise; the payload
# generator reads the same variables, so the challenges it solves are the server's kind.
POW_FLAGS=(--pow-algorithm SHA-256)  # the vote path itself, comparable with earlier runs
if [[ -n "${POW_ALGORITHM:-}" ]]; then
  export POW_ALGORITHM POW_SCRYPT_COST=${POW_SCRYPT_COST:-1024} POW_SCRYPT_BLOCK_SIZE=${POW_SCRYPT_BLOCK_SIZE:-8}
  POW_FLAGS=(--pow-algorithm "$POW_ALGORITHM" --pow-scrypt-cost "$POW_SCRYPT_COST"
             --pow-scrypt-block-size "$POW_SCRYPT_BLOCK_SIZE")
fi
"$BIN" serve --listen "127.0.0.1:$PAREDAO_PORT" --data-dir "$work/data" --admin-token "$TOKEN" \
  --pow-difficulty 1 --no-demo --threads "$SERVER_THREADS" "${EDGE_OFF[@]}" "${POW_FLAGS[@]}" \
  >"$work/paredao.log" 2>&1 &
paredao_pid=$!
wait_http "http://127.0.0.1:$PAREDAO_PORT/healthz"
api="http://127.0.0.1:$PAREDAO_PORT/api/v1"
auth=("${AUTH[@]}")
open_poll "$api" bench ana,bruno,camila

# Flood payloads, then a separate set for the steady run (1,000 votes/s for DURATION, with room),
# then one for the sample vote: no payload is ever sent twice.
STEADY_VOTES=$((DURATION * 1200 + 1000))
echo "Solving $((VOTES + STEADY_VOTES + 1)) challenges signed with the server's secret..."
"$GEN" "$work/data/challenge-secret" bench ana,bruno,camila "$((VOTES + STEADY_VOTES + 1))" "$payloads/all-payloads"
sed -n "1,${VOTES}p" "$payloads/all-payloads" >"$payloads/payloads"
sed -n "$((VOTES + 1)),$((VOTES + STEADY_VOTES))p" "$payloads/all-payloads" >"$payloads/steady-payloads"
# One real vote and one real results document give nginx bodies of the same size.
vote_body=$(curl -fs -H "Content-Type: application/json" --data-binary "$(tail -n 1 "$payloads/all-payloads")" "$api/polls/bench/votes")
sleep 0.3
results_body=$(curl -fs "$api/polls/bench/results")

# --- nginx: the reference, same worker count, access log off ---------------------------------------
start_reference_nginx "$work" "$NGINX_PORT" "$SERVER_THREADS" "$vote_body" "$results_body"

run_wrk() {  # name url [extra env...]
  local name=$1 url=$2 seconds=${WRK_SECONDS:-$DURATION}
  shift 2
  sample_idle "$seconds" "$work/$name.idle"
  local sampler=$!
  env PAYLOADS="$payloads/payloads" THREADS="$WRK_THREADS" VOTE_PATH=/api/v1/polls/bench/votes "$@" \
    wrk -t "$WRK_THREADS" -c "$WRK_CONNECTIONS" -d "${seconds}s" --latency \
    ${WRK_SCRIPT:+-s "$WRK_SCRIPT"} "$url" >"$work/$name.txt"
  wait "$sampler"
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$name.txt")
  echo "$name $rps $p50 $p99 $(cat "$work/$name.idle")"
}

# One flood of each server, for one kind of request at one connection count; the order alternates
# between rounds (nginx first, then paredao first...), so that a machine slowing down or speeding
# up during the pair favours neither.
flood_pair() {  # kind connections round
  local kind=$1 connections=$2 round=$3 order=(nginx paredao) server port
  ((round % 2 == 0)) && order=(paredao nginx)
  local path=results script= extra=()
  [[ $kind == votes ]] && path=votes script=bench/votes.lua extra=(PAYLOADS="$payloads/flood-payloads")
  for server in "${order[@]}"; do
    port=$NGINX_PORT
    [[ $server == paredao ]] && port=$PAREDAO_PORT
    WRK_CONNECTIONS=$connections WRK_SCRIPT=$script WRK_SECONDS=$ROUND_SECONDS run_wrk \
      "$server-$kind-$connections-$round" "http://127.0.0.1:$port/api/v1/polls/bench/$path" "${extra[@]}"
  done
}

echo "Running wrk: $ROUNDS alternating rounds of ${ROUND_SECONDS}s per server, $WRK_THREADS threads, connections: $CONNECTION_LEVELS; servers with $SERVER_THREADS workers"
: >"$work/summary"
slice=$((VOTES / ($(wc -w <<<"$CONNECTION_LEVELS") * ROUNDS)))  # payloads per round
slice_index=0
for connections in $CONNECTION_LEVELS; do
  for round in $(seq "$ROUNDS"); do
    # Each round's floods take their own slice of the payload file: no human check is used twice
    # (nginx reads the same slice; it only answers).
    sed -n "$((slice * slice_index + 1)),$((slice * (slice_index + 1)))p" "$payloads/payloads" >"$payloads/flood-payloads"
    slice_index=$((slice_index + 1))
    { flood_pair votes "$connections" "$round"; flood_pair results "$connections" "$round"; } | tee -a "$work/summary"
  done
done

# --- steady ~1,000 votes/s: 10 connections, each waiting 9 ms after each answer -------------------
WRK_SCRIPT=bench/votes.lua WRK_CONNECTIONS=10 run_wrk paredao-steady \
  "http://127.0.0.1:$PAREDAO_PORT/api/v1/polls/bench/votes" PAYLOADS="$payloads/steady-payloads" DELAY_MS=9 \
  | tee -a "$work/summary"

sleep 1
metrics=$(curl -fs "http://127.0.0.1:$PAREDAO_PORT/metrics")
accepted=$(awk '/^paredao_votes_accepted_total/ {print $2}' <<<"$metrics")
refused=$(awk '/^paredao_votes_refused_total/ {sum += $2} END {print sum + 0}' <<<"$metrics")
total=$(curl -fs "${auth[@]}" "$api/polls/bench/stats" | sed -E 's/.*"total":([0-9]+).*/\1/')
steady_requests=$(awk '/requests in/ {print $1}' "$work/paredao-steady.txt")
steady_seconds=$(awk '/requests in/ {gsub("s,","",$4); print $4}' "$work/paredao-steady.txt")

field() { awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$work/summary"; }
# median of the numbers on stdin (wrk's latencies keep their unit: us, ms or s)
median() {
  awk '{v = $1; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0; else if (v ~ /s$/) v = v * 1000; print v}' |
    sort -g | awk '{a[NR] = $1} END {m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; print m}'
}
rounds_of() { for r in $(seq "$ROUNDS"); do field "$1-$r" "$2"; done; }  # name column
echo
echo "Medians of $ROUNDS alternating rounds; the ratio is the median of the rounds' ratios (each"
echo "paredao flood against the nginx flood beside it); each round's own ratio under \"rounds\"."
echo
echo "| request | connections | paredao req/s | nginx req/s | ratio | rounds | paredao p50 | paredao p99 | nginx p50 | nginx p99 |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for kind in votes results; do
  for c in $CONNECTION_LEVELS; do
    p=paredao-$kind-$c n=nginx-$kind-$c
    ratios=$(for r in $(seq "$ROUNDS"); do ratio "$(field "$p-$r" 2)" "$(field "$n-$r" 2)"; echo; done)
    echo "| $kind | $c | $(rounds_of "$p" 2 | median) | $(rounds_of "$n" 2 | median) | $(median <<<"$ratios" | xargs printf '%.2f') | $(tr '\n' ' ' <<<"$ratios" | sed 's/ $//') | $(rounds_of "$p" 3 | median) ms | $(rounds_of "$p" 4 | median) ms | $(rounds_of "$n" 3 | median) ms | $(rounds_of "$n" 4 | median) ms |"
  done
done
echo
echo "Machine idle in the second half of the floods, median of the rounds (both servers and wrk share"
echo "its cores: an idle share under a flood is time spent waiting, for the disk or a wake-up):"
for kind in votes results; do
  for c in $CONNECTION_LEVELS; do
    echo "  $kind, $c connections: paredao $(rounds_of "paredao-$kind-$c" 5 | median) %, nginx $(rounds_of "nginx-$kind-$c" 5 | median) %"
  done
done
echo
echo "Steady load: $(field paredao-steady 2) votes/s, p50 $(field paredao-steady 3), p99 $(field paredao-steady 4) ($steady_requests requests in $steady_seconds)"
echo "Votes accepted (202): ${accepted:-0}; refused: $refused; stats.total: $total"
if [[ "${accepted%.*}" != "$total" ]]; then
  echo "MISMATCH: stats.total differs from the number of 202 answers" >&2
  exit 1
fi
