-- wrk: one request path per line of $PATHS, in order, from line $START (so that a warm-up and the measured run
-- never ask the same question twice). Paths are all different, so nothing is answered from the list cache.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local i = tonumber(os.getenv("START") or "0")
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
