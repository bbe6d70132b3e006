-- wrk script: SQS ReceiveMessage then DeleteMessage of what it received,
-- one message at a time, over awsJson1_0, on the queue "bench" (filled by
-- the send phase before it). Each connection alternates: a receive, then a
-- delete of the handle it returned (a receive that finds nothing is
-- followed by another receive). done() prints the messages deleted.
local queue = "http://127.0.0.1/000000000000/bench"
local auth = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
local threads = {}
local handles = {}
deletes = 0

function setup(thread)
    table.insert(threads, thread)
end

local function call(target, body)
    return wrk.format("POST", "/", {
        ["Content-Type"] = "application/x-amz-json-1.0",
        ["X-Amz-Target"] = "AmazonSQS." .. target,
        ["x-amzn-query-mode"] = "true",
        ["Authorization"] = auth,
        ["X-Amz-Date"] = "20260101T000000Z",
    }, body)
end

function request()
    local h = table.remove(handles)
    if h then
        deletes = deletes + 1
        return call("DeleteMessage", '{"QueueUrl":"' .. queue .. '","ReceiptHandle":"' .. h .. '"}')
    end
    return call("ReceiveMessage", '{"QueueUrl":"' .. queue .. '","MaxNumberOfMessages":1}')
end

function response(status, headers, body)
    local h = body:match('"ReceiptHandle":"([^"]+)"')
    if h then
        table.insert(handles, h)
    end
end

function done(summary, latency, requests)
    local n = 0
    for _, t in ipairs(threads) do
        n = n + t:get("deletes")
    end
    io.write(string.format("  messages: %d received and deleted, %.0f per second\n", n,
        n / (summary.duration / 1e6)))
end
