#!/usr/bin/env bash
# What tracing costs the vote path: `paredao serve` floods of votes, the same run, alternating
# rounds between three copies that differ only in tracing (decision 0015):
#   off       no export, ratio 0: only the span contexts every log line needs
#   default   exported with OTLP/HTTP at the default ratio (1 %)
#   all       exported, every trace sampled (ratio 1)
# and, with NO_TRACING_BIN set to a binary built before tracing existed (e.g. commit f0ef21d):
#   none      no span at all (what the SDK's contexts themselves cost)
# The OTLP endpoint is a stock nginx answering 200 (an empty ExportTraceServiceResponse), so
# that the receiver costs next to nothing. Loopback only; bounded in time.
#
#   bench/tracing_bench.sh                 (make bench-tracing)
#   ROUNDS=5 ROUND_SECONDS=10 NO_TRACING_BIN=/tmp/old/build/paredao bench/tracing_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

ROUNDS=${ROUNDS:-5}
ROUND_SECONDS=${ROUND_SECONDS:-5}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_THREADS=${SERVER_THREADS:-2}
VOTES_PER_ROUND=${VOTES_PER_ROUND:-60000}  # more than a 5 s flood can use
MODES=(off default all)
declare -A PORT=([off]=18491 [default]=18492 [all]=18493 [none]=18495)
declare -A TRACING=([off]="--trace-sample-ratio 0" [default]="" [all]="--trace-sample-ratio 1" [none]="")
declare -A BINARY=([off]=$BIN [default]=$BIN [all]=$BIN [none]=${NO_TRACING_BIN:-})
[[ -z "${NO_TRACING_BIN:-}" ]] || MODES+=(none)
OTLP_PORT=18494

work=$(mktemp -d /tmp/paredao-tracing-bench.XXXXXX)
payloads=$(scratch_dir paredao-tracing-payloads)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  [[ -f "$work/otlp.pid" ]] && kill "$(cat "$work/otlp.pid")" 2>/dev/null
  rm -rf "$work" "$payloads"
}
trap cleanup EXIT

# The OTLP receiver: nginx answering every export 200 with an empty body.
cat >"$work/otlp.conf" <<EOF
worker_processes 1;
pid $work/otlp.pid;
error_log $work/otlp-error.log;
events {}
http {
  access_log off;
  client_body_temp_path $work;
  server {
    listen 127.0.0.1:$OTLP_PORT;
    location /v1/traces { return 200; }
  }
}
EOF
nginx -c "$work/otlp.conf"

# Three copies sharing one challenge secret (read from the data dir at start, created by the
# first), so that one payload file serves them all; each round takes a fresh slice of it, so no
# payload is sent twice.
mode_count=${#MODES[@]}
total=$((VOTES_PER_ROUND * ROUNDS * mode_count + 1))
declare -A PID
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime, in clock ticks
start_copy() {  # mode
  local mode=$1 export_flags=()
  mkdir -p "$work/$mode"
  [[ $mode == off || $mode == none ]] || export_flags=(--otlp-endpoint "http://127.0.0.1:$OTLP_PORT/v1/traces")
  # shellcheck disable=SC2086 # TRACING holds whole flags
  "${BINARY[$mode]}" serve --listen "127.0.0.1:${PORT[$mode]}" --data-dir "$work/$mode" --admin-token "$TOKEN" \
    --pow-difficulty 1 --no-demo --threads "$SERVER_THREADS" "${EDGE_OFF[@]}" --pow-algorithm SHA-256 \
    "${export_flags[@]}" ${TRACING[$mode]} >"$work/$mode.log" 2>&1 &
  pids+=($!)
  PID[$mode]=$!
  wait_http "http://127.0.0.1:${PORT[$mode]}/healthz"
}
start_copy off
for mode in "${MODES[@]:1}"; do
  mkdir -p "$work/$mode"
  cp "$work/off/challenge-secret" "$work/$mode/challenge-secret"
  start_copy "$mode"
done
for mode in "${MODES[@]}"; do open_poll "http://127.0.0.1:${PORT[$mode]}/api/v1" bench ana,bruno,camila; done

echo "Solving $total challenges..."
"$GEN" "$work/off/challenge-secret" bench ana,bruno,camila "$total" "$payloads/all"

: >"$work/summary"
slice=0
for round in $(seq "$ROUNDS"); do
  # The order rotates each round, so that a machine speeding up or slowing down favours none.
  order=("${MODES[@]:$((round % mode_count))}" "${MODES[@]:0:$((round % mode_count))}")
  for mode in "${order[@]}"; do
    sed -n "$((VOTES_PER_ROUND * slice + 1)),$((VOTES_PER_ROUND * (slice + 1)))p" "$payloads/all" >"$payloads/round"
    slice=$((slice + 1))
    before=$(cpu_ticks "${PID[$mode]}")
    env PAYLOADS="$payloads/round" THREADS="$WRK_THREADS" VOTE_PATH=/api/v1/polls/bench/votes \
      wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${ROUND_SECONDS}s" --latency -s bench/votes.lua \
      "http://127.0.0.1:${PORT[$mode]}/api/v1/polls/bench/votes" >"$work/$mode-$round.txt"
    ticks=$(($(cpu_ticks "${PID[$mode]}") - before))
    rps=$(awk '/^Requests\/sec/ {print $2}' "$work/$mode-$round.txt")
    requests=$(awk '/requests in/ {print $1}' "$work/$mode-$round.txt")
    # The server's CPU per vote, in microseconds: less at the mercy of the neighbours than votes/s.
    us=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
    echo "$mode $round $rps $us" | tee -a "$work/summary"
  done
done

median() { sort -g | awk '{a[NR] = $1} END {m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; print m}'; }
rps_of() { awk -v m="$1" -v r="$2" '$1 == m && $2 == r {print $3}' "$work/summary"; }
cpu_of() { awk -v m="$1" -v r="$2" '$1 == m && $2 == r {print $4}' "$work/summary"; }
echo
echo "Votes/s, median of $ROUNDS rounds of ${ROUND_SECONDS}s at $CONNECTIONS connections; each ratio is the"
echo "median of the rounds' ratios against the copy without tracing beside it."
echo
echo "| tracing | votes/s | ratio to off | rounds | server CPU per vote | ratio to off | rounds |"
echo "|---|---|---|---|---|---|---|"
for mode in "${MODES[@]}"; do
  ratios=$(for r in $(seq "$ROUNDS"); do ratio "$(rps_of "$mode" "$r")" "$(rps_of off "$r")"; echo; done)
  cpu_ratios=$(for r in $(seq "$ROUNDS"); do ratio "$(cpu_of "$mode" "$r")" "$(cpu_of off "$r")"; echo; done)
  echo "| $mode | $(for r in $(seq "$ROUNDS"); do rps_of "$mode" "$r"; done | median) | $(median <<<"$ratios") | $(tr '\n' ' ' <<<"$ratios" | sed 's/ $//') | $(for r in $(seq "$ROUNDS"); do cpu_of "$mode" "$r"; done | median) µs | $(median <<<"$cpu_ratios") | $(tr '\n' ' ' <<<"$cpu_ratios" | sed 's/ $//') |"
done
exported=$(cat "$work/default.log" "$work/all.log" | grep -c '"event":"tracing_export"' || true)
echo
echo "Export failures logged: $exported"
