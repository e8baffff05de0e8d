-- POST /v1/users with unique usernames. With BENCH_CONTEXTS (a file of organization ids, one
-- per line) the users are spread over those suborganizations through X-Organization-Context;
-- with BENCH_TOTAL each thread stops after its share, so exactly that many users are made.
package.path = package.path .. ";" .. os.getenv("BENCH_LUA") .. "/?.lua"
require "report"

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

function init(args)
  key = os.getenv("BENCH_API_KEY")
  prefix = os.getenv("BENCH_PREFIX") .. "-" .. thread_id .. "-"
  local total = tonumber(os.getenv("BENCH_TOTAL") or "0")
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  quota = total > 0 and math.floor(total / nthreads) or -1
  contexts = {}
  local file = os.getenv("BENCH_CONTEXTS")
  if file and file ~= "" then
    for line in io.lines(file) do table.insert(contexts, line) end
  end
  sent, answered = 0, 0
end

function request()
  sent = sent + 1
  local headers = { ["X-Api-Key"] = key, ["Content-Type"] = "application/json" }
  if #contexts > 0 then
    headers["X-Organization-Context"] = contexts[(sent % #contexts) + 1]
  end
  local name = prefix .. sent
  local body = string.format('{"username":"%s","email":"%s@bench.example","first_name":"Bench","last_name":"User"}', name, name)
  return wrk.format("POST", "/v1/users", headers, body)
end

function response(status, headers, body)
  answered = answered + 1
  if quota > 0 and answered >= quota then wrk.thread:stop() end
end

done = report(os.getenv("BENCH_NAME"))
