-- wrk script: S3 PutObject of an object of $SIZE bytes (default 1024) to
-- the key "put-$SIZE" of the bucket "bench" made by bench/s3.sh, as the
-- SDKs send it with an unsigned payload. The SigV4 header is well formed
-- but not computed: nimbus checks no signature by default and s3rver does
-- not check V4 ones (it wants its own access key id, S3RVER, and a date
-- within 15 minutes of its clock).
local size = tonumber(os.getenv("SIZE") or "1024")
wrk.method = "PUT"
wrk.path = "/bench/put-" .. size
wrk.body = string.rep("x", size)
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.headers["X-Amz-Content-Sha256"] = "UNSIGNED-PAYLOAD"
wrk.headers["X-Amz-Date"] = os.date("!%Y%m%dT%H%M%SZ")
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=S3RVER/" .. os.date("!%Y%m%d") .. "/us-east-1/s3/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
