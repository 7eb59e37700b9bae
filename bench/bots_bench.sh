#!/usr/bin/env bash
# What a bot farm on one core gets from `paredao serve` at its defaults (issue 15): the native
# solver of build/bench/bot_farm against the real server, from 1, 16 and 256 networks (client
# addresses named by a trusted proxy's X-Forwarded-For), next to a fan voting once every 3 s in
# the same run. Prints, per second, the attempts, 202s, counted and held votes and 429s.
# Loopback only; bounded in time.
#
#   bench/bots_bench.sh                (make bench-bots)
#   SECONDS_PER_RUN=60 NETWORK_LEVELS="1 1000" bench/bots_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

SECONDS_PER_RUN=${SECONDS_PER_RUN:-30}
NETWORK_LEVELS=${NETWORK_LEVELS:-1 16 256}
PORT=${PORT:-18495}
FARM=${FARM:-build/bench/bot_farm}

work=$(mktemp -d /tmp/paredao-bots.XXXXXX)
server_pid=
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The defaults, but for the proxy that names the clients (the benchmark's own loopback).
"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$work/data" --admin-token "$TOKEN" --no-demo \
  --trusted-proxies 127.0.0.1/32 >"$work/paredao.log" 2>&1 &
server_pid=$!
wait_http "http://127.0.0.1:$PORT/healthz"
api="http://127.0.0.1:$PORT/api/v1"
auth=("${AUTH[@]}")
open_poll "$api" bots bot,fan

# counted held (for one candidate) from the stats, once the pipeline has caught up.
counts() {
  sleep 0.5
  curl -fs "${auth[@]}" "$api/polls/bots/stats" | node -e '
    const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const c = s.by_candidate.find((x) => x.candidate_id === process.argv[1]);
    console.log(c.votes, c.quarantined);' "$1"
}

echo "paredao serve at its defaults ($(grep -o '"pow_algorithm":"[^"]*"' "$work/paredao.log" | head -1), work $(grep -o '"pow_difficulty":[0-9]*' "$work/paredao.log" | head -1 | cut -d: -f2)); ${SECONDS_PER_RUN}s per run; one core per client"
echo
# row WHO NETWORKS RESULT_JSON COUNTED HELD: one line of the table.
row() {
  node -e '
    const [who, networks, file, counted, held] = process.argv.slice(1);
    const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
    const per = (n) => (n / r.seconds).toFixed(2);
    console.log(`| ${who} | ${networks} | ${per(r.attempts)} | ${per(r.accepted)} | ${per(+counted)} | ` +
                `${per(+held)} | ${per(r.limited)} | ${r.unavailable + r.other} |`);' "$@"
}

echo "| who | networks | attempts/s | 202/s | counted/s | held/s | 429/s | 503 or other |"
echo "|---|---|---|---|---|---|---|---|"
run=1
for networks in $NETWORK_LEVELS; do
  read -r bot_counted0 bot_held0 < <(counts bot)
  read -r fan_counted0 fan_held0 < <(counts fan)
  "$FARM" 127.0.0.1 "$PORT" bots fan 1 "$SECONDS_PER_RUN" "$run" --fan >"$work/fan-$run.json" &
  fan_pid=$!
  "$FARM" 127.0.0.1 "$PORT" bots bot "$networks" "$SECONDS_PER_RUN" "$run" >"$work/bot-$run.json"
  wait "$fan_pid"
  read -r bot_counted bot_held < <(counts bot)
  read -r fan_counted fan_held < <(counts fan)
  row bot "$networks" "$work/bot-$run.json" $((bot_counted - bot_counted0)) $((bot_held - bot_held0))
  row fan 1 "$work/fan-$run.json" $((fan_counted - fan_counted0)) $((fan_held - fan_held0))
  run=$((run + 1))
done
