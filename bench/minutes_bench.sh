#!/usr/bin/env bash
# What the console's per-minute history costs in the distributed mode: GET …/stats/minutes
# (ReviewHeldVotes::minutes over PostgreSQL's per-minute rollup) through a real `paredao api`,
# after RATE votes/s for MINUTES minutes have been written straight into the votes table (in time
# order, as the workers write them) with their rollup. Timed as the console asks: the whole hour at its opening, and the last
# two minutes after each minute. Each 5 times; prints JSON with the medians. Loopback only.
#
#   bench/minutes_bench.sh                  (1,000 votes/s for 60 minutes: 3.6 M votes)
#   RATE=5000 MINUTES=60 bench/minutes_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

RATE=${RATE:-1000}
MINUTES=${MINUTES:-60}
API_PORT=${API_PORT:-18495}
name=minutes$(date +%s)

eval "$(deploy/local/servers.sh start | grep '^PAREDAO_' | sed 's/^/export /')"
work=$(scratch_dir paredao-minutes)
api_pid=
cleanup() {
  [[ -n "$api_pid" ]] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  psql "$PAREDAO_POSTGRES_URL" -qAt -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql "$PAREDAO_POSTGRES_URL" -qAt -c "CREATE DATABASE $name" >/dev/null
pg_url="${PAREDAO_POSTGRES_URL%/*}/$name"
"$BIN" migrate --postgres-url "$pg_url" >"$work/migrate.log"
"$BIN" api --listen "127.0.0.1:$API_PORT" --postgres-url "$pg_url" --redis-url "$PAREDAO_REDIS_URL" \
  --deployment "$name" --amqp-url "$PAREDAO_AMQP_URL" --admin-token "$TOKEN" --no-demo >"$work/api.log" 2>&1 &
api_pid=$!
wait_http "http://127.0.0.1:$API_PORT/healthz"

api="http://127.0.0.1:$API_PORT/api/v1"
open_poll "$api" bench ana,bruno,camila

votes=$((RATE * MINUTES * 60))
echo "Writing $votes votes ($RATE/s for $MINUTES min) into PostgreSQL..." >&2
psql "$pg_url" -qAt -c "INSERT INTO votes (vote_id, accepted_at, poll_id, candidate_id, challenge_id,
    challenge_expires_at, batch_id)
  SELECT gen_random_uuid(), now() - interval '$((MINUTES * 60)) seconds' + (i::float8 / $RATE) * interval '1 second',
    'bench', (ARRAY['ana', 'bruno', 'camila'])[1 + i % 3], 'c' || i, now() + interval '5 minutes', gen_random_uuid()
  FROM generate_series(0, $((votes - 1))) AS i"
# The per-minute rollup the workers keep in the same transactions (schema version 6).
psql "$pg_url" -qAt -c "INSERT INTO minute_tally (poll_id, minute, candidate_id, votes)
  SELECT poll_id, date_trunc('minute', accepted_at), candidate_id, count(*) FROM votes
  WHERE state = 0 GROUP BY 1, 2, 3"
psql "$pg_url" -qAt -c "VACUUM ANALYZE votes"
psql "$pg_url" -qAt -c "VACUUM ANALYZE minute_tally"

# The median of 5 GET …/stats/minutes?since=(now - $1 minutes), in ms, and the votes answered.
timed_minutes() {
  local since times=() counted
  since=$(date -u -d "-$1 minutes" +%Y-%m-%dT%H:%M:%SZ)
  for _ in 1 2 3 4 5; do
    times+=("$(curl -fs -o "$work/minutes.json" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
      "$api/polls/bench/stats/minutes?since=$since")")
  done
  counted=$(node -e 'const { by_minute } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(by_minute.reduce((n, m) => n + m.total, 0))' "$work/minutes.json")
  printf '%s\n' "${times[@]}" | sort -n | awk -v c="$counted" 'NR == 3 { printf "{\"median_ms\": %.0f, \"votes\": %s}", $1 * 1000, c }'
}

hour=$(timed_minutes "$MINUTES")
last=$(timed_minutes 2)
echo "{\"rate\": $RATE, \"minutes\": $MINUTES, \"votes\": $votes, \"opening\": $hour, \"each_minute\": $last}"
