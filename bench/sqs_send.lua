-- wrk script: SQS SendMessage over awsJson1_0 (as the current SDKs send
-- it) with a 1 KiB body, to the queue "bench" made by bench/sqs.sh.
wrk.method = "POST"
wrk.body = '{"QueueUrl":"http://127.0.0.1/000000000000/bench","MessageBody":"'
    .. string.rep("x", 1024) .. '"}'
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "AmazonSQS.SendMessage"
wrk.headers["x-amzn-query-mode"] = "true"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
