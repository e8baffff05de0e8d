-- GET the dashboard page given to wrk, with a signed-in person's session cookie.
package.path = package.path .. ";" .. os.getenv("BENCH_LUA") .. "/?.lua"
require "report"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
done = report(os.getenv("BENCH_NAME"))
