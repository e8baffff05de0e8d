-- POST /v1/domains with a new name on every request: a registration at the sandbox registry,
-- paid through a hold that is captured once the registry answered (each answered only once
-- its transactions are durable). With BENCH_TOTAL each thread stops after its share, so
-- exactly that many domains are made (the seeding of the list's pages).
package.path = package.path .. ";" .. os.getenv("BENCH_LUA") .. "/?.lua"
require "report"

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function init(args)
  key = os.getenv("BENCH_API_KEY")
  contact = os.getenv("BENCH_CONTACT")
  prefix = os.getenv("BENCH_PREFIX") .. "-" .. thread_id .. "-"
  local total = tonumber(os.getenv("BENCH_TOTAL") or "0")
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  quota = total > 0 and math.floor(total / nthreads) or -1
  sent, answered = 0, 0
end

function request()
  sent = sent + 1
  local headers = { ["X-Api-Key"] = key, ["Content-Type"] = "application/json" }
  local body = string.format(
    '{"name":"%s%d.com","renewal_mode":"renew","period":{"value":1,"unit":"y"},"contacts":{"registrant":"%s"}}',
    prefix, sent, contact)
  return wrk.format("POST", "/v1/domains", headers, body)
end

function response(status, headers, body)
  answered = answered + 1
  if quota > 0 and answered >= quota then wrk.thread:stop() end
end

done = report(os.getenv("BENCH_NAME"))
