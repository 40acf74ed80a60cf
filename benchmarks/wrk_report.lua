-- wrk's summary as one JSON line: requests per second, latency percentiles, non-2xx/3xx.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p95_ms": %.3f, "errors": %d}\n',
    summary.requests, seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000, bad))
end
