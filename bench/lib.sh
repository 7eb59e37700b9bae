# Shared by the benchmark scripts (sourced): their common settings, waiting for a server, the nginx
# reference, and the summary arithmetic.

# Settings (environment) both benchmarks take.
BIN=${PAREDAO_BIN:-build/paredao}
GEN=${GEN:-build/bench/make_vote_payloads}
DURATION=${DURATION:-10}  # seconds per wrk run
WRK_THREADS=${WRK_THREADS:-2}
NGINX_PORT=${NGINX_PORT:-18482}
TOKEN=bench-admin-token
# The edge's pace and limits, off: wrk is one client (127.0.0.1) voting far faster than a person,
# and these benchmarks measure the vote path itself.
EDGE_OFF=(--human-pace 0 --challenge-limit 0 --vote-limit 0 --quarantine-pace 0)

# AUTH: the curl flags of a production request.
AUTH=(-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json")

# open_poll API ID CANDIDATES: creates the poll ID with candidates (ids, comma-separated; each
# named after its id) on the server whose API is at API (…/api/v1), and opens it.
open_poll() {
  local api=$1 id=$2 candidates="" c
  for c in ${3//,/ }; do candidates+="${candidates:+,}{\"id\":\"$c\",\"name\":\"$c\"}"; done
  curl -fs "${AUTH[@]}" -d "{\"id\":\"$id\",\"title\":\"Paredão de benchmark\",\"candidates\":[$candidates]}" \
    "$api/polls" >/dev/null
  curl -fs "${AUTH[@]}" -X POST "$api/polls/$id/open" >/dev/null
}

# wait_http URL: until URL answers 2xx (15 s at most).
wait_http() {
  for _ in $(seq 150); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "no answer from $1" >&2
  return 1
}

# start_reference_nginx DIR PORT WORKERS VOTE_BODY [RESULTS_BODY]: a stock nginx answering the
# poll "bench"'s vote (and results) URLs with a fixed `return` of a real document of the same
# size, access log off; its files (config, pid nginx.pid) in DIR.
start_reference_nginx() {
  local dir=$1 port=$2 workers=$3 vote_body=$4 results_body=${5:-}
  local results_location=""
  [[ -n "$results_body" ]] &&
    results_location="location = /api/v1/polls/bench/results { return 200 '$results_body'; }"
  cat >"$dir/nginx.conf" <<NGINX
worker_processes $workers;
daemon on;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $dir/nginx-body;
  server {
    listen 127.0.0.1:$port;
    default_type application/json;
    location = /api/v1/polls/bench/votes { return 202 '$vote_body'; }
    $results_location
  }
}
NGINX
  nginx -c "$dir/nginx.conf" -p "$dir"
  wait_http "http://127.0.0.1:$port/api/v1/polls/bench/votes"
}

# scratch_dir NAME: a new directory in memory (/dev/shm) when there is one, else in /tmp. For the
# payload files (hundreds of MB): written to disk, their writeback ran during the measurements
# and took up to 3 CPU-seconds of a 10-second run. Never for a data dir whose fsyncs are measured.
scratch_dir() {
  if [[ -d /dev/shm && -w /dev/shm ]]; then mktemp -d "/dev/shm/$1.XXXXXX"; else mktemp -d "/tmp/$1.XXXXXX"; fi
}

# machine_cpu: the machine's CPU time so far (all cores), in seconds: busy, then idle (with the
# time spent waiting for the disk), from /proc/stat. Time stolen by the hypervisor is neither.
machine_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {
    printf "%.2f %.2f\n", ($2 + $3 + $4 + $7 + $8) / hz, ($5 + $6) / hz; exit }' /proc/stat
}

# sample_idle SECONDS OUT: in the background, the share of the machine left idle in the second
# half of a flood of SECONDS started now, its last second left out, in percent, into the file OUT.
# (wrk first reads its payload file, for up to a second or two: the first half is left out.) An
# idle machine under a flood means a server waiting (for the disk, another process, a round
# trip), not one short of CPU.
sample_idle() {
  local seconds=$1 out=$2
  {
    local start length before after
    start=$(awk -v s="$seconds" 'BEGIN {print s / 2}')
    length=$(awk -v s="$seconds" 'BEGIN {print (s / 2 - 1 > 0.5) ? s / 2 - 1 : 0.5}')
    sleep "$start"
    before=$(machine_cpu)
    sleep "$length"
    after=$(machine_cpu)
    awk -v b="$before" -v a="$after" 'BEGIN {
      split(b, x, " "); split(a, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2]
      printf "%.0f\n", (busy + idle > 0) ? 100 * idle / (busy + idle) : 0 }'
  } >"$out" &
}

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
