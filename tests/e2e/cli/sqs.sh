#!/usr/bin/env bash
# SQS through AWS CLI v2 2.9.19, which speaks the query protocol to SQS.
# Expected values come from the SQS API reference
# (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/),
# the SQS model, and AWS answers recorded against real SQS by LocalStack
# (tests/aws/services/sqs/test_sqs.snapshot.json) for exact error messages.
# The message move tasks are newer than this CLI: sdk/sqs.test.mjs and the
# wire cases test them.
. "$(dirname "$0")/../lib.sh"

nimbus_start

Q=$ENDPOINT/000000000000

# --- CreateQueue, GetQueueUrl, ListQueues

aws_ok "create-queue" sqs create-queue --queue-name cli-q1
is "queue URL is built from the endpoint's host" "$(jget QueueUrl)" "$Q/cli-q1"
aws_ok "create-queue again with no attributes is idempotent" sqs create-queue --queue-name cli-q1
is "... and gives the same URL" "$(jget QueueUrl)" "$Q/cli-q1"
aws_ok "create-queue again with the default attribute value" sqs create-queue \
    --queue-name cli-q1 --attributes VisibilityTimeout=30
aws_error "create-queue with a different attribute value" QueueAlreadyExists \
    "A queue already exists with the same name and a different value for attribute DelaySeconds" \
    sqs create-queue --queue-name cli-q1 --attributes DelaySeconds=5
aws_error "create-queue with a bad name" InvalidParameterValue \
    "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length" \
    sqs create-queue --queue-name 'bad name!'
aws_error "create-queue with FifoQueue=false on a standard queue" InvalidAttributeName \
    "Unknown Attribute FifoQueue." sqs create-queue --queue-name cli-x --attributes FifoQueue=false
aws_error "create-queue standard with DeduplicationScope" InvalidAttributeName \
    "You can specify the DeduplicationScope only when FifoQueue is set to true." \
    sqs create-queue --queue-name cli-x --attributes DeduplicationScope=queue
aws_error "create-queue with an out-of-range VisibilityTimeout" InvalidAttributeValue \
    "Invalid value for the parameter VisibilityTimeout." \
    sqs create-queue --queue-name cli-x --attributes VisibilityTimeout=50000
aws_error "create-queue FIFO without the .fifo suffix" InvalidParameterValue "" \
    sqs create-queue --queue-name cli-f --attributes FifoQueue=true

aws_ok "get-queue-url" sqs get-queue-url --queue-name cli-q1
is "get-queue-url gives the URL" "$(jget QueueUrl)" "$Q/cli-q1"
aws_error "get-queue-url of a missing queue" AWS.SimpleQueueService.NonExistentQueue \
    "The specified queue does not exist for this wsdl version." \
    sqs get-queue-url --queue-name nope

aws_ok "create-queue cli-q2" sqs create-queue --queue-name cli-q2
aws_ok "create-queue other-q" sqs create-queue --queue-name other-q
aws_ok "list-queues" sqs list-queues
is "list-queues lists every queue" "$(jget QueueUrls)" "[\"$Q/cli-q1\",\"$Q/cli-q2\",\"$Q/other-q\"]"
aws_ok "list-queues with a prefix" sqs list-queues --queue-name-prefix cli-
is "list-queues filters by prefix" "$(jget QueueUrls)" "[\"$Q/cli-q1\",\"$Q/cli-q2\"]"
aws_ok "list-queues one page of 1" sqs list-queues --max-results 1 --no-paginate
is "first page" "$(jget QueueUrls)" "[\"$Q/cli-q1\"]"
TOKEN=$(jget NextToken)
aws_ok "list-queues next page" sqs list-queues --max-results 1 --next-token "$TOKEN" --no-paginate
is "second page" "$(jget QueueUrls)" "[\"$Q/cli-q2\"]"

# --- Attributes

aws_ok "get-queue-attributes All" sqs get-queue-attributes --queue-url "$Q/cli-q1" \
    --attribute-names All
is "default VisibilityTimeout" "$(jget Attributes.VisibilityTimeout)" 30
is "default MessageRetentionPeriod" "$(jget Attributes.MessageRetentionPeriod)" 345600
is "default MaximumMessageSize" "$(jget Attributes.MaximumMessageSize)" 1048576
is "QueueArn" "$(jget Attributes.QueueArn)" "arn:aws:sqs:us-east-1:000000000000:cli-q1"
is "ApproximateNumberOfMessages" "$(jget Attributes.ApproximateNumberOfMessages)" 0
aws_ok "set-queue-attributes" sqs set-queue-attributes --queue-url "$Q/cli-q2" \
    --attributes VisibilityTimeout=10,DelaySeconds=0
aws_ok "get-queue-attributes VisibilityTimeout" sqs get-queue-attributes --queue-url "$Q/cli-q2" \
    --attribute-names VisibilityTimeout
is "set-queue-attributes took effect" "$OUT" '{
    "Attributes": {
        "VisibilityTimeout": "10"
    }
}'
aws_error "get-queue-attributes with an unknown name" InvalidAttributeName \
    "Unknown Attribute Foo." sqs get-queue-attributes --queue-url "$Q/cli-q1" --attribute-names Foo
aws_error "set-queue-attributes FifoQueue on a standard queue" InvalidAttributeName \
    "Unknown Attribute FifoQueue." sqs set-queue-attributes --queue-url "$Q/cli-q1" \
    --attributes FifoQueue=true
aws_error "get-queue-attributes of a missing queue" AWS.SimpleQueueService.NonExistentQueue \
    "The specified queue does not exist for this wsdl version." \
    sqs get-queue-attributes --queue-url "$Q/nope" --attribute-names All

# --- Tags

aws_ok "create-queue with tags" sqs create-queue --queue-name cli-tagged --tags a=1,b=2
aws_ok "tag-queue" sqs tag-queue --queue-url "$Q/cli-tagged" --tags c=3
aws_ok "untag-queue" sqs untag-queue --queue-url "$Q/cli-tagged" --tag-keys a
aws_ok "list-queue-tags" sqs list-queue-tags --queue-url "$Q/cli-tagged"
is "tags after tag and untag" "$(jget Tags)" '{"b":"2","c":"3"}'

# --- Permissions

aws_ok "add-permission" sqs add-permission --queue-url "$Q/cli-q1" --label p1 \
    --aws-account-ids 111122223333 --actions SendMessage
aws_error "add-permission with a label that exists" InvalidParameterValue \
    "Value p1 for parameter Label is invalid. Reason: Already exists." \
    sqs add-permission --queue-url "$Q/cli-q1" --label p1 --aws-account-ids 111122223333 \
    --actions SendMessage
aws_ok "get-queue-attributes Policy" sqs get-queue-attributes --queue-url "$Q/cli-q1" \
    --attribute-names Policy
like "the policy has the permission's statement" "$(jget Attributes.Policy)" '"Sid":"p1"'
aws_ok "remove-permission" sqs remove-permission --queue-url "$Q/cli-q1" --label p1
aws_error "remove-permission of an unknown label" InvalidParameterValue \
    "Value p1 for parameter Label is invalid. Reason: can't find label." \
    sqs remove-permission --queue-url "$Q/cli-q1" --label p1

# --- Messages

aws_ok "send-message" sqs send-message --queue-url "$Q/cli-q1" --message-body hello \
    --message-attributes '{"Foo":{"DataType":"String","StringValue":"Bar"}}'
# AWS: MD5OfMessageBody is the MD5 of the body; for attributes the digest
# AWS gave for Foo=Bar (String).
is "MD5OfMessageBody" "$(jget MD5OfMessageBody)" "$(printf hello | md5sum | cut -d' ' -f1)"
is "MD5OfMessageAttributes" "$(jget MD5OfMessageAttributes)" ae7155c6026991b6d54b11589678bf9c
MID=$(jget MessageId)
aws_ok "receive-message" sqs receive-message --queue-url "$Q/cli-q1" --attribute-names All \
    --message-attribute-names All --visibility-timeout 0
is "received the message sent" "$(jget Messages.0.MessageId)" "$MID"
is "body" "$(jget Messages.0.Body)" hello
is "message attribute" "$(jget Messages.0.MessageAttributes.Foo.StringValue)" Bar
is "ApproximateReceiveCount 1" "$(jget Messages.0.Attributes.ApproximateReceiveCount)" 1
is "SenderId is the account" "$(jget Messages.0.Attributes.SenderId)" 000000000000
like "SentTimestamp in ms" "$(jget Messages.0.Attributes.SentTimestamp)" '^[0-9]{13}$'
RH1=$(jget Messages.0.ReceiptHandle)
aws_ok "receive-message again (visibility 0)" sqs receive-message --queue-url "$Q/cli-q1" \
    --attribute-names ApproximateReceiveCount
is "ApproximateReceiveCount 2" "$(jget Messages.0.Attributes.ApproximateReceiveCount)" 2
RH2=$(jget Messages.0.ReceiptHandle)
if [ "$RH1" != "$RH2" ]; then ok "receipt handle changes on every receive"; else
    not_ok "receipt handle changes on every receive"; fi
aws_ok "receive-message while in flight gives nothing" sqs receive-message --queue-url "$Q/cli-q1"
is "no message while in flight" "$OUT" ""
aws_ok "change-message-visibility to 0" sqs change-message-visibility --queue-url "$Q/cli-q1" \
    --receipt-handle "$RH2" --visibility-timeout 0
aws_ok "receive after visibility change" sqs receive-message --queue-url "$Q/cli-q1"
RH3=$(jget Messages.0.ReceiptHandle)
aws_ok "delete-message" sqs delete-message --queue-url "$Q/cli-q1" --receipt-handle "$RH3"
aws_error "delete-message with a malformed receipt handle" ReceiptHandleIsInvalid \
    'The input receipt handle "garbage" is not a valid receipt handle.' \
    sqs delete-message --queue-url "$Q/cli-q1" --receipt-handle garbage
aws_ok "get-queue-attributes after delete" sqs get-queue-attributes --queue-url "$Q/cli-q1" \
    --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible
is "queue is empty" "$(jget Attributes)" \
    '{"ApproximateNumberOfMessages":"0","ApproximateNumberOfMessagesNotVisible":"0"}'

# visibility timeout expiry (queue cli-q2 has VisibilityTimeout 10: long
# enough that a slow CLI start on a loaded machine cannot outlast it; the
# sleep then waits out what is left of it)
aws_ok "send to cli-q2" sqs send-message --queue-url "$Q/cli-q2" --message-body v
aws_ok "receive from cli-q2" sqs receive-message --queue-url "$Q/cli-q2"
t_recv=$(date +%s.%N) # the receive happened before this
is "got it" "$(jget Messages.0.Body)" v
aws_ok "receive again at once" sqs receive-message --queue-url "$Q/cli-q2"
is "hidden during its visibility timeout" "$OUT" ""
sleep "$(awk -v t="$t_recv" -v n="$(date +%s.%N)" 'BEGIN { d = t + 10.5 - n; print (d > 0 ? d : 0) }')"
aws_ok "receive after the visibility timeout" sqs receive-message --queue-url "$Q/cli-q2"
is "visible again once the timeout passed" "$(jget Messages.0.Body)" v

# delay (15 s: two CLI starts on a loaded machine must fit inside it)
aws_ok "send-message with DelaySeconds 15" sqs send-message --queue-url "$Q/cli-tagged" \
    --message-body late --delay-seconds 15
aws_ok "counts while delayed" sqs get-queue-attributes --queue-url "$Q/cli-tagged" \
    --attribute-names ApproximateNumberOfMessagesDelayed
is "ApproximateNumberOfMessagesDelayed" "$(jget Attributes.ApproximateNumberOfMessagesDelayed)" 1
aws_ok "receive while delayed" sqs receive-message --queue-url "$Q/cli-tagged"
is "a delayed message is not received" "$OUT" ""
aws_ok "long poll until the delay ends" sqs receive-message --queue-url "$Q/cli-tagged" \
    --wait-time-seconds 20
is "received when its delay ended" "$(jget Messages.0.Body)" late

# errors
aws_error "receive with MaxNumberOfMessages 11" InvalidParameterValue \
    "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided." \
    sqs receive-message --queue-url "$Q/cli-q1" --max-number-of-messages 11
aws_error "receive with WaitTimeSeconds 21" InvalidParameterValue \
    "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided." \
    sqs receive-message --queue-url "$Q/cli-q1" --wait-time-seconds 21
aws_ok "set MaximumMessageSize 1024" sqs set-queue-attributes --queue-url "$Q/cli-q2" \
    --attributes MaximumMessageSize=1024
aws_error "send-message too long" InvalidParameterValue \
    "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes." \
    sqs send-message --queue-url "$Q/cli-q2" --message-body "$(head -c 1100 /dev/zero | tr '\0' x)"
aws_error "send-message with an empty attribute value" InvalidParameterValue \
    "Message (user) attribute 'E' must contain a non-empty value of type 'String'." \
    sqs send-message --queue-url "$Q/cli-q1" --message-body x \
    --message-attributes '{"E":{"DataType":"String","StringValue":""}}'

# --- Batches

aws_ok "send-message-batch" sqs send-message-batch --queue-url "$Q/cli-q1" --entries \
    Id=a,MessageBody=one Id=b,MessageBody=two
is "two successful entries" "$(jget Successful.1.Id)" b
aws_error "send-message-batch with repeated ids" AWS.SimpleQueueService.BatchEntryIdsNotDistinct \
    "Id a repeated." sqs send-message-batch --queue-url "$Q/cli-q1" --entries \
    Id=a,MessageBody=one Id=a,MessageBody=two
aws_error "send-message-batch with a bad id" AWS.SimpleQueueService.InvalidBatchEntryId \
    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long." \
    sqs send-message-batch --queue-url "$Q/cli-q1" --entries 'Id=a b,MessageBody=one'
ENTRIES=()
for i in $(seq 11); do ENTRIES+=("Id=m$i,MessageBody=x"); done
aws_error "send-message-batch with 11 entries" \
    AWS.SimpleQueueService.TooManyEntriesInBatchRequest \
    "Maximum number of entries per request are 10. You have sent 11." \
    sqs send-message-batch --queue-url "$Q/cli-q1" --entries "${ENTRIES[@]}"
aws_ok "receive two" sqs receive-message --queue-url "$Q/cli-q1" --max-number-of-messages 10
R1=$(jget Messages.0.ReceiptHandle)
R2=$(jget Messages.1.ReceiptHandle)
aws_ok "change-message-visibility-batch" sqs change-message-visibility-batch \
    --queue-url "$Q/cli-q1" --entries "Id=x,ReceiptHandle=$R1,VisibilityTimeout=60" \
    "Id=y,ReceiptHandle=garbage,VisibilityTimeout=60"
is "one entry changed" "$(jget Successful.0.Id)" x
is "the malformed handle fails" "$(jget Failed.0.Code)" ReceiptHandleIsInvalid
aws_ok "delete-message-batch" sqs delete-message-batch --queue-url "$Q/cli-q1" --entries \
    "Id=x,ReceiptHandle=$R1" "Id=y,ReceiptHandle=$R2"
is "both deleted" "$(jget Successful)" '[{"Id":"x"},{"Id":"y"}]'

# --- Purge

aws_ok "send before purge" sqs send-message --queue-url "$Q/cli-q1" --message-body p
aws_ok "purge-queue" sqs purge-queue --queue-url "$Q/cli-q1"
aws_error "purge-queue twice within 60 s" AWS.SimpleQueueService.PurgeQueueInProgress \
    "Only one PurgeQueue operation on cli-q1 is allowed every 60 seconds." \
    sqs purge-queue --queue-url "$Q/cli-q1"
aws_ok "receive after purge" sqs receive-message --queue-url "$Q/cli-q1"
is "purge emptied the queue" "$OUT" ""

# --- Dead-letter queues

aws_ok "create the DLQ" sqs create-queue --queue-name cli-dlq
aws_ok "create the source with a redrive policy" sqs create-queue --queue-name cli-src \
    --attributes '{"RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:cli-dlq\",\"maxReceiveCount\":\"1\"}","VisibilityTimeout":"0"}'
aws_ok "RedrivePolicy as AWS returns it" sqs get-queue-attributes --queue-url "$Q/cli-src" \
    --attribute-names RedrivePolicy
is "RedrivePolicy normalised" "$(jget Attributes.RedrivePolicy)" \
    '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:cli-dlq","maxReceiveCount":1}'
aws_ok "list-dead-letter-source-queues" sqs list-dead-letter-source-queues \
    --queue-url "$Q/cli-dlq"
is "the source queue is listed" "$(jget queueUrls)" "[\"$Q/cli-src\"]"
aws_ok "send to the source" sqs send-message --queue-url "$Q/cli-src" --message-body doomed
aws_ok "first receive" sqs receive-message --queue-url "$Q/cli-src"
is "received once" "$(jget Messages.0.Body)" doomed
aws_ok "second receive moves it to the DLQ" sqs receive-message --queue-url "$Q/cli-src"
is "not received a second time" "$OUT" ""
aws_ok "receive from the DLQ" sqs receive-message --queue-url "$Q/cli-dlq" --attribute-names All
is "the message is in the DLQ" "$(jget Messages.0.Body)" doomed
is "DeadLetterQueueSourceArn" "$(jget Messages.0.Attributes.DeadLetterQueueSourceArn)" \
    "arn:aws:sqs:us-east-1:000000000000:cli-src"

# --- FIFO

aws_ok "create a FIFO queue" sqs create-queue --queue-name cli.fifo --attributes FifoQueue=true
aws_ok "FIFO attributes" sqs get-queue-attributes --queue-url "$Q/cli.fifo" --attribute-names All
is "FifoQueue" "$(jget Attributes.FifoQueue)" true
is "ContentBasedDeduplication defaults to false" "$(jget Attributes.ContentBasedDeduplication)" false
aws_error "FIFO send without MessageGroupId" MissingParameter \
    "The request must contain the parameter MessageGroupId." \
    sqs send-message --queue-url "$Q/cli.fifo" --message-body a
aws_error "FIFO send without a deduplication id" InvalidParameterValue \
    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly" \
    sqs send-message --queue-url "$Q/cli.fifo" --message-body a --message-group-id g
aws_ok "FIFO send 1" sqs send-message --queue-url "$Q/cli.fifo" --message-body one \
    --message-group-id g --message-deduplication-id d1
SEQ1=$(jget SequenceNumber)
like "SequenceNumber" "$SEQ1" '^[0-9]{20}$'
aws_ok "FIFO send duplicate" sqs send-message --queue-url "$Q/cli.fifo" --message-body one \
    --message-group-id g --message-deduplication-id d1
is "a duplicate gets the first message's sequence number" "$(jget SequenceNumber)" "$SEQ1"
aws_ok "FIFO send 2" sqs send-message --queue-url "$Q/cli.fifo" --message-body two \
    --message-group-id g --message-deduplication-id d2
aws_ok "FIFO receive one" sqs receive-message --queue-url "$Q/cli.fifo"
is "first in, first out" "$(jget Messages.0.Body)" one
FRH=$(jget Messages.0.ReceiptHandle)
aws_ok "FIFO receive while the group is in flight" sqs receive-message --queue-url "$Q/cli.fifo"
is "the group is locked while a message is in flight" "$OUT" ""
aws_ok "FIFO delete" sqs delete-message --queue-url "$Q/cli.fifo" --receipt-handle "$FRH"
aws_ok "FIFO receive next" sqs receive-message --queue-url "$Q/cli.fifo" --attribute-names All
is "then the second" "$(jget Messages.0.Body)" two
is "MessageGroupId attribute" "$(jget Messages.0.Attributes.MessageGroupId)" g
is "MessageDeduplicationId attribute" "$(jget Messages.0.Attributes.MessageDeduplicationId)" d2
aws_error "FIFO DelaySeconds per message" InvalidParameterValue \
    "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type." \
    sqs send-message --queue-url "$Q/cli.fifo" --message-body a --message-group-id g \
    --message-deduplication-id d3 --delay-seconds 2

# --- DeleteQueue

aws_ok "delete-queue" sqs delete-queue --queue-url "$Q/cli-q2"
aws_error "get-queue-url after delete" AWS.SimpleQueueService.NonExistentQueue "" \
    sqs get-queue-url --queue-name cli-q2
aws_error "delete-queue of a missing queue" AWS.SimpleQueueService.NonExistentQueue "" \
    sqs delete-queue --queue-url "$Q/cli-q2"
