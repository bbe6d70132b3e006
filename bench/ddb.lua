-- wrk script: one DynamoDB operation over awsJson1_0, chosen by the
-- environment variable DDB_OP (put, get, query, update), on the table
-- "bench" that bench/ddb_setup.py made and filled: items pk "k0".."k999"
-- (sk "0") and the partition pk "q" of 100 items (sk "000".."099"), each
-- with a 100-byte string v and a number n.
--   put     PutItem of a random k item (replacing it, n back to 0)
--   get     GetItem of a random k item
--   query   Query of partition "q": all 100 items in one page
--   update  UpdateItem of a random k item: SET n = n + 1 under the
--           condition attribute_exists(pk) AND n >= 0 (always true)
local op = os.getenv("DDB_OP") or "get"
local v = string.rep("v", 100)
local headers = {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000",
    ["X-Amz-Date"] = "20260101T000000Z",
}
local targets = {put = "PutItem", get = "GetItem", query = "Query", update = "UpdateItem"}
headers["X-Amz-Target"] = "DynamoDB_20120810." .. targets[op]

local function key()
    return '{"pk":{"S":"k' .. math.random(0, 999) .. '"},"sk":{"S":"0"}}'
end

local bodies = {
    put = function()
        return '{"TableName":"bench","Item":{"pk":{"S":"k' .. math.random(0, 999)
            .. '"},"sk":{"S":"0"},"v":{"S":"' .. v .. '"},"n":{"N":"0"}}}'
    end,
    get = function()
        return '{"TableName":"bench","Key":' .. key() .. '}'
    end,
    query = function()
        return '{"TableName":"bench","KeyConditionExpression":"pk = :p",'
            .. '"ExpressionAttributeValues":{":p":{"S":"q"}}}'
    end,
    update = function()
        return '{"TableName":"bench","Key":' .. key() .. ','
            .. '"UpdateExpression":"SET n = n + :one",'
            .. '"ConditionExpression":"attribute_exists(pk) AND n >= :zero",'
            .. '"ExpressionAttributeValues":{":one":{"N":"1"},":zero":{"N":"0"}}}'
    end,
}
local body = bodies[op]

function request()
    return wrk.format("POST", "/", headers, body())
end
