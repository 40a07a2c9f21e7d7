-- wrk script: POST credit checks with varying customer ids and unique order refs.
-- Customers C00000..C<n-1>; env CHECK_CUSTOMERS, CHECK_TOKEN, CHECK_RUN (a run prefix).
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function init(args)
  customers = tonumber(os.getenv("CHECK_CUSTOMERS") or "1000")
  run = os.getenv("CHECK_RUN") or "r"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("CHECK_TOKEN") or "")
end

function request()
  counter = counter + 1
  local c = (counter * 7919 + thread_id * 104729) % customers
  local body = string.format(
    '{"customer_id":"C%05d","amount":"%d.00","currency":"CNY","order_ref":"%s-%d-%d","reserve":false}',
    c, 1000 + (counter % 50) * 100, run, thread_id, counter)
  return wrk.format("POST", "/credit/v1/checks", nil, body)
end
