-- GET the URL given to wrk, with the API key from the environment.
package.path = package.path .. ";" .. os.getenv("BENCH_LUA") .. "/?.lua"
require "report"
wrk.headers["X-Api-Key"] = os.getenv("BENCH_API_KEY")
done = report(os.getenv("BENCH_NAME"))
