#!/usr/bin/env bash
# The vote page's cost on the server (issue 16): GET /p/{id} is made per request — the poll and
# a fresh challenge written into the page, gzip-coded from a template whose first 38 KB were
# compressed once — against GET …/challenge alone (the page's extra work is the rest) and a stock
# nginx answering the same request with a static file of the page's coded size (its `return`
# takes no body that long).
# Alternating rounds, same wrk command. Loopback only; bounded in time.
#
#   bench/page_bench.sh
#   ROUNDS=5 ROUND_SECONDS=5 CONNECTIONS=64 bench/page_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

ROUNDS=${ROUNDS:-3}
ROUND_SECONDS=${ROUND_SECONDS:-5}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18493}

work=$(mktemp -d /tmp/paredao-page-bench.XXXXXX)
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$work/data" --admin-token "$TOKEN" \
  --web-dir web/dist --no-demo --threads 2 "${EDGE_OFF[@]}" >"$work/paredao.log" 2>&1 &
pid=$!
wait_http "http://127.0.0.1:$PORT/healthz"
open_poll "http://127.0.0.1:$PORT/api/v1" bench ana,bruno,carla
size=$(curl -fs -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORT/p/bench" | wc -c)
head -c "$size" /dev/urandom >"$work/page.bin"
chmod 755 "$work"; chmod 644 "$work/page.bin"  # nginx's workers run as www-data
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /p/bench { default_type text/html; alias $work/page.bin; }
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"
wait_http "http://127.0.0.1:$NGINX_PORT/p/bench"

run() {  # url
  wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${ROUND_SECONDS}s" -H 'Accept-Encoding: gzip' "$1" |
    awk '/^Requests\/sec/ {print $2}'
}
echo "Page: $size bytes gzip-coded. Alternating rounds of ${ROUND_SECONDS}s, $CONNECTIONS connections"
for round in $(seq "$ROUNDS"); do
  page=$(run "http://127.0.0.1:$PORT/p/bench")
  challenge=$(run "http://127.0.0.1:$PORT/api/v1/polls/bench/challenge")
  nginx=$(run "http://127.0.0.1:$NGINX_PORT/p/bench")
  echo "round $round: page $page req/s ($(ratio "$page" "$nginx") x nginx), challenge alone $challenge" \
    "($(ratio "$challenge" "$nginx") x), nginx $nginx; page / challenge $(ratio "$page" "$challenge")"
done
