-- wrk's summary as one JSON line: requests per second, latency percentiles, and failures,
-- counting every answer that is not 200 or 304 (a lost session would measure the login
-- redirect; a 304 answers a request that sent its ETag back).
-- Like a browser, each connection keeps the session cookie a response sends (a sliding
-- session is signed again now and then): replaying the login's cookie for ever would
-- measure a session that is re-signed on every request.
-- A connection that sends If-None-Match sends the newest ETag it was given, as a browser or
-- proxy does: a page changed by a write is fetched once, then answered with 304 again.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
  req = wrk.format()
end

function request()
  return req
end

function response(status, headers, body)
  if status ~= 200 and status ~= 304 then not_ok = not_ok + 1 end
  local etag = headers["ETag"]
  if etag and wrk.headers["If-None-Match"] and etag ~= wrk.headers["If-None-Match"] then
    wrk.headers["If-None-Match"] = etag
    req = wrk.format()
  end
  local set = headers["Set-Cookie"]
  local cookie = wrk.headers["Cookie"]
  if set and cookie then
    local name, value = set:match("^([^=;]+)=([^;]*)")
    if name then
      local pattern = name:gsub("%p", "%%%0") .. "=[^;]*"
      if cookie:find(pattern) then
        wrk.headers["Cookie"] = cookie:gsub(pattern, (name .. "=" .. value):gsub("%%", "%%%%"), 1)
      else
        wrk.headers["Cookie"] = cookie .. "; " .. name .. "=" .. value
      end
      req = wrk.format()
    end
  end
end

function done(summary, latency, requests)
  local bad = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  for _, thread in ipairs(threads) do bad = bad + thread:get("not_ok") end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p95_ms": %.3f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, bad))
end
