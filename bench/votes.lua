-- wrk script: POSTs pre-solved vote bodies (one per line of $PAYLOADS), each used once. Thread k
-- of n takes lines k, k+n, k+2n... so no two requests share a human check.
local thread_count = 0
local threads = {}

function setup(thread)
  thread:set("index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(os.getenv("PAYLOADS"), "r"))
  local total = tonumber(os.getenv("THREADS"))
  thread_total = total
  bodies = {}
  local n = 0
  for line in file:lines() do
    if n % total == index then bodies[#bodies + 1] = line end
    n = n + 1
  end
  file:close()
  next_body = 0
  path = os.getenv("VOTE_PATH")
  headers = { ["Content-Type"] = "application/json" }
end

-- XFF_NETWORKS=N: each request names a client among N addresses of 10.0.0.0/8 in
-- X-Forwarded-For, spread evenly (bench/edge_bench.sh: the edge's cost, through a trusted proxy).
local networks = tonumber(os.getenv("XFF_NETWORKS") or "")

function request()
  next_body = next_body + 1
  if next_body > #bodies then next_body = 1 end  -- reuse only if the file is too short (422s)
  if networks then
    local n = (next_body * thread_total + index) % networks
    headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256,
                                               math.floor(n / 256) % 256, n % 256)
  end
  return wrk.format("POST", path, headers, bodies[next_body])
end

-- A steady rate instead of a flood: each connection waits DELAY_MS between requests.
local delay_ms = tonumber(os.getenv("DELAY_MS") or "")
if delay_ms then
  function delay() return delay_ms end
end
