-- wrk script: spread requests round robin over the paths given after `--` (the step pages of
-- every language), asking for gzip as a browser does. Each wrk thread starts at another page.
-- At the end it prints one machine-readable line for bench/throughput.py.

wrk.headers["Accept-Encoding"] = "gzip, deflate"
wrk.headers["User-Agent"] = "wegwijs-bench"

local threads = 0

function setup(thread)
  thread:set("offset", threads * 5)
  threads = threads + 1
end

local paths = {}
local i = 0

function init(args)
  for _, path in ipairs(args) do
    paths[#paths + 1] = path
  end
  if #paths == 0 then
    error("steps.lua: give the paths to request after --")
  end
  i = (offset or 0) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WEGWIJS requests=%d bytes=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
