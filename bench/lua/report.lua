-- Shared by every scenario: prints one machine-readable line after the run.
-- RESULT <name> <requests/s> <p50 ms> <p99 ms> <non-2xx responses> <socket errors> <requests>
function report(name)
  return function(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format("RESULT %s %.1f %.3f %.3f %d %d %d\n", name,
      summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      errors.status, errors.connect + errors.read + errors.write + errors.timeout,
      summary.requests))
  end
end
