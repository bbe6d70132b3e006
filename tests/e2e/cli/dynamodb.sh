#!/usr/bin/env bash
# DynamoDB and DynamoDB Streams through AWS CLI v2. Expected values come
# from the DynamoDB API reference
# (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/); exact
# messages from dynalite's tests (github.com/architect/dynalite test/*.js),
# which were recorded against real DynamoDB.
. "$(dirname "$0")/../lib.sh"

nimbus_start

# --- tables

aws_ok "create-table with a stream" dynamodb create-table --table-name books \
    --attribute-definitions AttributeName=author,AttributeType=S AttributeName=year,AttributeType=N \
    --key-schema AttributeName=author,KeyType=HASH AttributeName=year,KeyType=RANGE \
    --billing-mode PAY_PER_REQUEST \
    --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES
is "the new table is ACTIVE" "$(jget TableDescription.TableStatus)" ACTIVE
is "its ARN" "$(jget TableDescription.TableArn)" \
    "arn:aws:dynamodb:us-east-1:000000000000:table/books"
STREAM_ARN=$(jget TableDescription.LatestStreamArn)
like "it has a stream" "$STREAM_ARN" '^arn:aws:dynamodb:us-east-1:000000000000:table/books/stream/'

aws_error "create-table again: ResourceInUseException" ResourceInUseException "" \
    dynamodb create-table --table-name books \
    --attribute-definitions AttributeName=author,AttributeType=S \
    --key-schema AttributeName=author,KeyType=HASH --billing-mode PAY_PER_REQUEST

aws_ok "list-tables" dynamodb list-tables
is "list-tables names the table" "$(jget TableNames)" '["books"]'

aws_error "describe-table of a missing table" ResourceNotFoundException \
    "Requested resource not found: Table: nope not found" dynamodb describe-table --table-name nope

aws_ok "describe-limits" dynamodb describe-limits
is "account read limit" "$(jget AccountMaxReadCapacityUnits)" 80000

aws_ok "describe-continuous-backups" dynamodb describe-continuous-backups --table-name books
is "point-in-time recovery is off" \
    "$(jget ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus)" \
    DISABLED

# --- items

aws_ok "put-item" dynamodb put-item --table-name books \
    --item '{"author":{"S":"Le Guin"},"year":{"N":"1969"},"title":{"S":"The Left Hand of Darkness"}}'
aws_ok "put-item with a decimal sort key" dynamodb put-item --table-name books \
    --item '{"author":{"S":"Le Guin"},"year":{"N":"1974.50"},"title":{"S":"The Dispossessed"}}'
aws_ok "get-item" dynamodb get-item --table-name books \
    --key '{"author":{"S":"Le Guin"},"year":{"N":"1969"}}'
is "get-item returns the title" "$(jget Item.title.S)" "The Left Hand of Darkness"

aws_error "conditional put fails" ConditionalCheckFailedException "The conditional request failed" \
    dynamodb put-item --table-name books \
    --item '{"author":{"S":"Le Guin"},"year":{"N":"1969"}}' \
    --condition-expression 'attribute_not_exists(author)'

aws_ok "update-item with SET and ADD" dynamodb update-item --table-name books \
    --key '{"author":{"S":"Le Guin"},"year":{"N":"1969"}}' \
    --update-expression 'SET #t = :t ADD nreads :one' \
    --expression-attribute-names '{"#t":"title"}' \
    --expression-attribute-values '{":t":{"S":"LHoD"},":one":{"N":"1"}}' --return-values ALL_NEW
is "update-item returns the new title" "$(jget Attributes.title.S)" LHoD
is "ADD made a number" "$(jget Attributes.nreads.N)" 1

aws_error "a reserved word in an expression" ValidationException \
    "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: year" \
    dynamodb update-item --table-name books \
    --key '{"author":{"S":"Le Guin"},"year":{"N":"1969"}}' \
    --update-expression 'SET year = :y' --expression-attribute-values '{":y":{"N":"1"}}'

# --- query and scan

aws_ok "query in sort key order" dynamodb query --table-name books \
    --key-condition-expression 'author = :a AND #y > :y' \
    --expression-attribute-names '{"#y":"year"}' \
    --expression-attribute-values '{":a":{"S":"Le Guin"},":y":{"N":"1900"}}'
is "query count" "$(jget Count)" 2
is "first is the older book" "$(jget Items.0.year.N)" 1969
is "numbers come back canonical" "$(jget Items.1.year.N)" 1974.5

aws_ok "scan with a filter" dynamodb scan --table-name books \
    --filter-expression 'begins_with(title, :p)' --expression-attribute-values '{":p":{"S":"The"}}'
is "scan count" "$(jget Count)" 1
is "scanned count" "$(jget ScannedCount)" 2

aws_ok "delete-item" dynamodb delete-item --table-name books \
    --key '{"author":{"S":"Le Guin"},"year":{"N":"1974.5"}}'

# --- legacy (non-expression) parameters
# AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.html

aws_ok "put-item with Expected Exists=false" dynamodb put-item --table-name books \
    --item '{"author":{"S":"Herbert"},"year":{"N":"1965"},"title":{"S":"Dune"}}' \
    --expected '{"author":{"Exists":false}}'
aws_error "Expected Exists=false on an existing item fails" ConditionalCheckFailedException \
    "The conditional request failed" dynamodb put-item --table-name books \
    --item '{"author":{"S":"Herbert"},"year":{"N":"1965"}}' --expected '{"author":{"Exists":false}}'
aws_ok "update-item with attribute-updates and a BEGINS_WITH expectation" dynamodb update-item \
    --table-name books --key '{"author":{"S":"Herbert"},"year":{"N":"1965"}}' \
    --attribute-updates '{"sales":{"Action":"ADD","Value":{"N":"12"}},"tags":{"Action":"PUT","Value":{"SS":["sf"]}}}' \
    --expected '{"title":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"Du"}]}}' \
    --return-values ALL_NEW
is "ADD made the number" "$(jget Attributes.sales.N)" 12
is "PUT set the set" "$(jget Attributes.tags.SS)" '["sf"]'
aws_error "Expected with the wrong number of values" ValidationException \
    "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator" \
    dynamodb delete-item --table-name books --key '{"author":{"S":"Herbert"},"year":{"N":"1965"}}' \
    --expected '{"sales":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"}]}}'
aws_ok "query with key-conditions and attributes-to-get" dynamodb query --table-name books \
    --key-conditions '{"author":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"Herbert"}]},"year":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1960"},{"N":"1970"}]}}' \
    --attributes-to-get title
is "key-conditions find the item, projected" "$(jget Items)" '[{"title":{"S":"Dune"}}]'
aws_ok "scan with scan-filter and OR" dynamodb scan --table-name books --conditional-operator OR \
    --scan-filter '{"sales":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"10"}]},"nope":{"ComparisonOperator":"NOT_NULL"}}'
is "scan-filter count" "$(jget Count)" 1
aws_error "get-item mixing attributes-to-get and a projection" ValidationException \
    "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}" \
    dynamodb get-item --table-name books --key '{"author":{"S":"Herbert"},"year":{"N":"1965"}}' \
    --attributes-to-get title --projection-expression title
aws_error "key-conditions with a non-indexable operator" ValidationException \
    "Attempted conditional constraint is not an indexable operation" dynamodb query \
    --table-name books --key-conditions '{"author":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"Herbert"}]},"year":{"ComparisonOperator":"IN","AttributeValueList":[{"N":"1"}]}}'
aws_ok "delete-item with Expected" dynamodb delete-item --table-name books \
    --key '{"author":{"S":"Herbert"},"year":{"N":"1965"}}' \
    --expected '{"tags":{"ComparisonOperator":"CONTAINS","AttributeValueList":[{"S":"sf"}]}}'

# --- streams

aws_ok "list-streams" dynamodbstreams list-streams --table-name books
is "the table's stream is listed" "$(jget Streams.0.StreamArn)" "$STREAM_ARN"
aws_ok "describe-stream" dynamodbstreams describe-stream --stream-arn "$STREAM_ARN"
is "the stream is enabled" "$(jget StreamDescription.StreamStatus)" ENABLED
SHARD=$(jget StreamDescription.Shards.0.ShardId)
aws_ok "get-shard-iterator" dynamodbstreams get-shard-iterator --stream-arn "$STREAM_ARN" \
    --shard-id "$SHARD" --shard-iterator-type TRIM_HORIZON
ITER=$(jget ShardIterator)
aws_ok "get-records" dynamodbstreams get-records --shard-iterator "$ITER"
is "one record per change (legacy writes too)" \
    "$(printf '%s' "$OUT" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));
        console.log(r.Records.map((x) => x.eventName).join(","))')" \
    "INSERT,INSERT,MODIFY,REMOVE,INSERT,MODIFY,REMOVE"
is "the MODIFY record has the old image" "$(jget Records.2.dynamodb.OldImage.title.S)" \
    "The Left Hand of Darkness"
is "eventSource" "$(jget Records.0.eventSource)" "aws:dynamodb"

# --- PartiQL
# AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html

aws_ok "create-table for PartiQL" dynamodb create-table --table-name songs \
    --attribute-definitions AttributeName=artist,AttributeType=S AttributeName=title,AttributeType=S \
    --key-schema AttributeName=artist,KeyType=HASH AttributeName=title,KeyType=RANGE \
    --billing-mode PAY_PER_REQUEST
aws_ok "execute-statement INSERT with parameters" dynamodb execute-statement \
    --statement "INSERT INTO \"songs\" VALUE {'artist': ?, 'title': ?, 'year': 1971, 'tags': <<'rock'>>}" \
    --parameters '[{"S":"Queen"},{"S":"Liar"}]'
aws_ok "execute-statement INSERT of a second song" dynamodb execute-statement \
    --statement "INSERT INTO songs VALUE {'artist': 'Queen', 'title': 'Bohemian Rhapsody', 'year': 1975}"
aws_error "INSERT of an existing key" DuplicateItemException "Duplicate primary key exists in table" \
    dynamodb execute-statement --statement "INSERT INTO songs VALUE {'artist': 'Queen', 'title': 'Liar'}"
aws_ok "execute-statement SELECT by partition key" dynamodb execute-statement \
    --statement "SELECT title, \"year\" FROM songs WHERE artist = 'Queen'"
is "SELECT returns the projection in sort key order" "$(jget Items)" \
    '[{"title":{"S":"Bohemian Rhapsody"},"year":{"N":"1975"}},{"title":{"S":"Liar"},"year":{"N":"1971"}}]'
aws_ok "execute-statement SELECT with Limit" dynamodb execute-statement \
    --statement "SELECT * FROM songs WHERE artist = 'Queen'" --limit 1
TOKEN=$(jget NextToken)
like "a NextToken for the next page" "$TOKEN" '.'
aws_ok "execute-statement SELECT with the NextToken" dynamodb execute-statement \
    --statement "SELECT * FROM songs WHERE artist = 'Queen'" --limit 1 --next-token "$TOKEN"
is "the second page has the second song" "$(jget Items.0.title.S)" Liar
aws_ok "execute-statement UPDATE ... RETURNING ALL NEW *" dynamodb execute-statement \
    --statement "UPDATE songs SET \"year\" = \"year\" + 1 SET tags = set_add(tags, <<'glam'>>) WHERE artist = 'Queen' AND title = 'Liar' RETURNING ALL NEW *"
is "UPDATE added one" "$(jget Items.0.year.N)" 1972
is "set_add added to the set" "$(jget Items.0.tags.SS)" '["rock","glam"]'
aws_error "UPDATE of a missing item" ConditionalCheckFailedException "The conditional request failed" \
    dynamodb execute-statement --statement "UPDATE songs SET x = 1 WHERE artist = 'Queen' AND title = 'Nope'"
aws_error "UPDATE without the whole key" ValidationException \
    "Where clause does not contain a mandatory equality on all key attributes" \
    dynamodb execute-statement --statement "UPDATE songs SET x = 1 WHERE artist = 'Queen'"
aws_error "a statement that is not DML" ValidationException \
    "Statement wasn't well formed, can't be processed: Expected data manipulation" \
    dynamodb execute-statement --statement "DROP TABLE songs"
aws_ok "batch-execute-statement" dynamodb batch-execute-statement --statements \
    '[{"Statement":"DELETE FROM songs WHERE artist = ? AND title = ?","Parameters":[{"S":"Queen"},{"S":"Bohemian Rhapsody"}]},{"Statement":"INSERT INTO songs VALUE {'"'"'artist'"'"': '"'"'Queen'"'"', '"'"'title'"'"': '"'"'Liar'"'"'}"}]'
is "the DELETE succeeded" "$(jget Responses.0.TableName)" songs
is "the INSERT failed on its own" "$(jget Responses.1.Error.Code)" DuplicateItem
aws_error "execute-transaction cancelled as a whole" TransactionCanceledException \
    "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]" \
    dynamodb execute-transaction --transact-statements \
    '[{"Statement":"INSERT INTO songs VALUE {'"'"'artist'"'"': '"'"'ABBA'"'"', '"'"'title'"'"': '"'"'SOS'"'"'}"},{"Statement":"UPDATE songs SET x = 1 WHERE artist = '"'"'ABBA'"'"' AND title = '"'"'Nope'"'"'"}]'
aws_ok "execute-transaction reads" dynamodb execute-transaction --transact-statements \
    '[{"Statement":"SELECT * FROM songs WHERE artist = '"'"'ABBA'"'"' AND title = '"'"'SOS'"'"'"}]'
is "the cancelled INSERT wrote nothing" "$(jget Responses)" '[{}]'

# --- capacity, table class
# AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html

aws_ok "put-item with return-consumed-capacity INDEXES" dynamodb put-item --table-name songs \
    --item '{"artist":{"S":"Blur"},"title":{"S":"Song 2"}}' --return-consumed-capacity INDEXES
is "one write unit on the table" "$(jget ConsumedCapacity.Table.CapacityUnits)" 1
is "one write unit in all" "$(jget ConsumedCapacity.WriteCapacityUnits)" 1
aws_ok "get-item with return-consumed-capacity TOTAL" dynamodb get-item --table-name songs \
    --key '{"artist":{"S":"Blur"},"title":{"S":"Song 2"}}' --return-consumed-capacity TOTAL
is "an eventually consistent read is half a unit" "$(jget ConsumedCapacity.CapacityUnits)" 0.5
aws_ok "update-table --table-class" dynamodb update-table --table-name songs \
    --table-class STANDARD_INFREQUENT_ACCESS
is "the new table class" "$(jget TableDescription.TableClassSummary.TableClass)" \
    STANDARD_INFREQUENT_ACCESS
BIG_ITEM=$(mktemp)
printf '{"artist":{"S":"Blur"},"title":{"S":"x"},"big":{"S":"%s"}}' \
    "$(printf '%410000s' '' | tr ' ' x)" >"$BIG_ITEM"
aws_error "put-item over 400 KB" ValidationException \
    "Item size has exceeded the maximum allowed size" dynamodb put-item --table-name songs \
    --item "file://$BIG_ITEM"
rm -f "$BIG_ITEM"

aws_ok "delete-table" dynamodb delete-table --table-name books
is "delete-table reports DELETING" "$(jget TableDescription.TableStatus)" DELETING
