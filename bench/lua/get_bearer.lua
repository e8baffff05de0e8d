-- GET the URL given to wrk with an OAuth2 access token (Authorization: Bearer).
package.path = package.path .. ";" .. os.getenv("BENCH_LUA") .. "/?.lua"
require "report"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
done = report(os.getenv("BENCH_NAME"))
