-- wrk script: S3 GetObject of the key "get-$SIZE" of the bucket "bench",
-- put by bench/s3.sh before the phase. Signature header as in s3_put.lua.
local size = tonumber(os.getenv("SIZE") or "1024")
wrk.method = "GET"
wrk.path = "/bench/get-" .. size
wrk.headers["X-Amz-Content-Sha256"] = "UNSIGNED-PAYLOAD"
wrk.headers["X-Amz-Date"] = os.date("!%Y%m%dT%H%M%SZ")
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=S3RVER/" .. os.date("!%Y%m%d") .. "/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
