-- POST /v1/auth/token (OAuth2 password grant, form body) as one person, BENCH_USERNAME with
-- BENCH_PASSWORD: every request is a successful sign-in (one Argon2id verification, then a new
-- session and its tokens stored durably). Failed sign-ins are limited per account; successful
-- ones never are, so any non-2xx answer here is a fault, not the limiter.
package.path = package.path .. ";" .. os.getenv("BENCH_LUA") .. "/?.lua"
require "report"

-- application/x-www-form-urlencoded: everything but unreserved characters as %XX.
local function encode(value)
  return (value:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=password&username=" .. encode(os.getenv("BENCH_USERNAME"))
  .. "&password=" .. encode(os.getenv("BENCH_PASSWORD"))
done = report(os.getenv("BENCH_NAME"))
