-- POST /v1/dns with a new zone name on every request: a zone creation, charged to the
-- account when zones are priced (each answered only once its transaction is durable).
package.path = package.path .. ";" .. os.getenv("BENCH_LUA") .. "/?.lua"
require "report"

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function init(args)
  key = os.getenv("BENCH_API_KEY")
  suffix = "t" .. thread_id .. "." .. os.getenv("BENCH_PREFIX") .. ".bench"
  sent = 0
end

function request()
  sent = sent + 1
  local headers = { ["X-Api-Key"] = key, ["Content-Type"] = "application/json" }
  local body = string.format('{"name":"z%d.%s"}', sent, suffix)
  return wrk.format("POST", "/v1/dns", headers, body)
end

done = report(os.getenv("BENCH_NAME"))
