-- PATCH one rrset of the zone in the URL per request: upserts `churn-N` (N cycles over 1,000
-- names) with a new address each time, so every request is a real change.
package.path = package.path .. ";" .. os.getenv("BENCH_LUA") .. "/?.lua"
require "report"

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function init(args)
  key = os.getenv("BENCH_API_KEY")
  sent = 0
end

function request()
  sent = sent + 1
  local n = sent * 2 + thread_id
  local body = string.format(
    '{"ops":[{"op":"upsert","rrset":{"name":"churn-%d","type":"A","ttl":300,"records":[{"rdata":"10.%d.%d.%d"}]}}]}',
    n % 1000, thread_id, math.floor(n / 256) % 256, n % 256)
  return wrk.format("PATCH", nil, { ["X-Api-Key"] = key, ["Content-Type"] = "application/json" }, body)
end

done = report(os.getenv("BENCH_NAME"))
