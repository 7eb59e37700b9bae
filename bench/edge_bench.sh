#!/usr/bin/env bash
# The cost of the edge (issue 15): `paredao serve` with its defences on (pace and limits at their
# defaults, the client named by a trusted proxy's X-Forwarded-For, votes spread over many
# networks as a real audience's would be) against the same binary with them off, side by side in
# alternating rounds of the same vote flood. Both get the same requests, header included (the
# one with the edge off trusts no proxy and ignores it). The target is 0.9 x or better.
# Loopback only; bounded in time.
#
#   bench/edge_bench.sh
#   ROUNDS=5 ROUND_SECONDS=5 NETWORKS=65536 bench/edge_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

ROUNDS=${ROUNDS:-3}
ROUND_SECONDS=${ROUND_SECONDS:-5}
CONNECTIONS=${CONNECTIONS:-64}
NETWORKS=${NETWORKS:-65536}  # distinct client addresses in X-Forwarded-For
PER_FLOOD=${PER_FLOOD:-250000}  # payloads per flood: more than one can use
OFF_PORT=${OFF_PORT:-18491}
ON_PORT=${ON_PORT:-18492}

work=$(mktemp -d /tmp/paredao-edge-bench.XXXXXX)  # on disk: the data dirs' fsyncs are measured
payloads=$(scratch_dir paredao-edge-payloads)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$work" "$payloads"
}
trap cleanup EXIT

start() {  # name port flags...
  local name=$1 port=$2
  shift 2
  "$BIN" serve --listen "127.0.0.1:$port" --data-dir "$work/$name" --admin-token "$TOKEN" \
    --pow-algorithm SHA-256 --pow-difficulty 1 --no-demo --threads 2 "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/healthz"
  open_poll "http://127.0.0.1:$port/api/v1" bench ana,bruno
  echo "Solving $((ROUNDS * PER_FLOOD)) challenges for $name..."
  "$GEN" "$work/$name/challenge-secret" bench ana,bruno "$((ROUNDS * PER_FLOOD))" "$payloads/$name" 2>/dev/null
}
start off "$OFF_PORT" "${EDGE_OFF[@]}"
start on "$ON_PORT" --trusted-proxies 127.0.0.1/32

flood() {  # name port round
  local name=$1 port=$2 round=$3
  sed -n "$((PER_FLOOD * (round - 1) + 1)),$((PER_FLOOD * round))p" "$payloads/$name" >"$payloads/flood"
  PAYLOADS="$payloads/flood" THREADS="$WRK_THREADS" VOTE_PATH=/api/v1/polls/bench/votes \
    XFF_NETWORKS="$NETWORKS" wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${ROUND_SECONDS}s" \
    -s bench/votes.lua "http://127.0.0.1:$port/api/v1/polls/bench/votes" >"$work/$name-$round.txt"
  awk '/^Requests\/sec/ {print $2}' "$work/$name-$round.txt"
}

echo "Alternating rounds of ${ROUND_SECONDS}s, $CONNECTIONS connections, $NETWORKS networks"
ratios=()
for round in $(seq "$ROUNDS"); do
  if ((round % 2)); then off=$(flood off "$OFF_PORT" "$round"); on=$(flood on "$ON_PORT" "$round")
  else on=$(flood on "$ON_PORT" "$round"); off=$(flood off "$OFF_PORT" "$round"); fi
  ratio=$(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.2f", a / b}')
  ratios+=("$ratio")
  echo "round $round: edge off $off votes/s, edge on $on votes/s, ratio $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
echo "Edge on / off, median of $ROUNDS rounds: $median (target 0.9 or better)"

sleep 1
for name in off on; do
  port=$OFF_PORT
  [[ $name == on ]] && port=$ON_PORT
  metrics=$(curl -fs "http://127.0.0.1:$port/metrics")
  accepted=$(awk '/^paredao_votes_accepted_total/ {print $2}' <<<"$metrics")
  limited=$(awk '/^paredao_rate_limited_total/ {sum += $2} END {print sum + 0}' <<<"$metrics")
  total=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/api/v1/polls/bench/stats" |
    sed -E 's/.*"total":([0-9]+).*/\1/')
  echo "edge $name: 202 $accepted, stats.total $total, 429 $limited"
  [[ "$accepted" == "$total" ]] || { echo "edge $name: accepted and counted differ" >&2; exit 1; }
done
