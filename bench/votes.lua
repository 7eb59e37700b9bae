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

function request()
  next_body = next_body + 1
  if next_body > #bodies then next_body = 1 end  -- reuse only if the file is too short (422s)
  return wrk.format("POST", path, headers, bodies[next_body])
end

-- A steady rate instead of a flood: each connection waits DELAY_MS between requests.
local delay_ms = tonumber(os.getenv("DELAY_MS") or "")
if delay_ms then
  function delay() return delay_ms end
end
