-- wrk script for bench/outage.sh: counts answers by status, 200s whose body differs in length from EXPECT_LEN,
-- and 503s without Retry-After. With ETAG set, every second request is conditional (If-None-Match).
local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  counts, other_bytes, no_retry_after, n = {}, 0, 0, 0
  expected = tonumber(os.getenv("EXPECT_LEN") or "0")
  etag = os.getenv("ETAG") or ""
end

function request()
  n = n + 1
  if etag ~= "" and n % 2 == 0 then return wrk.format("GET", nil, { ["If-None-Match"] = etag }) end
  return wrk.format("GET")
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 200 and expected > 0 and #body ~= expected then other_bytes = other_bytes + 1 end
  if status == 503 and headers["Retry-After"] == nil then no_retry_after = no_retry_after + 1 end
end

function done(summary, latency, requests)
  local total, other, missing = {}, 0, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
    other = other + t:get("other_bytes")
    missing = missing + t:get("no_retry_after")
  end
  local line = ""
  for k, v in pairs(total) do line = line .. string.format(" %d:%d", k, v) end
  io.write(string.format("statuses%s; 200s with other bytes: %d; 503s without Retry-After: %d; socket errors: %d\n",
    line, other, missing, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
