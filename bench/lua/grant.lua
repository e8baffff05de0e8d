-- POST /v1/auth/token (OAuth2 client credentials, form body) with the bootstrap credential.
package.path = package.path .. ";" .. os.getenv("BENCH_LUA") .. "/?.lua"
require "report"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&client_id=" .. os.getenv("BENCH_CLIENT_ID")
  .. "&client_secret=" .. os.getenv("BENCH_CLIENT_SECRET")
done = report(os.getenv("BENCH_NAME"))
