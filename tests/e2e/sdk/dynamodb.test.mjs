// DynamoDB and DynamoDB Streams through AWS SDK for JavaScript v3.
// Expected values come from the DynamoDB API reference
// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/) and the
// developer guide; exact error messages from dynalite's tests
// (github.com/architect/dynalite test/*.js), which were recorded against
// real DynamoDB. The streams client is used when installed, else skipped.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BatchExecuteStatementCommand,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  GetItemCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TagResourceCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchExecuteStatementCommand as DocBatchExecuteStatementCommand,
  DynamoDBDocumentClient,
  ExecuteStatementCommand as DocExecuteStatementCommand,
  ExecuteTransactionCommand as DocExecuteTransactionCommand,
} from '@aws-sdk/lib-dynamodb';
import { assertAwsError, awsError, useNimbus } from './helpers.mjs';

const nimbus = useNimbus();
const ddb = () => new DynamoDBClient(nimbus.config());
const send = (cmd) => ddb().send(cmd);
const S = (s) => ({ S: s });
const N = (n) => ({ N: String(n) });

async function makeTable(name, extra = {}) {
  await send(new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'N' }, ...(extra.defs || [])],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...extra.more,
  }));
}

// ---- tables

test('CreateTable then DescribeTable: ACTIVE, ARN, counts, stream', async () => {
  const r = await send(new CreateTableCommand({
    TableName: 'tbl1',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    Tags: [{ Key: 'env', Value: 'test' }],
  }));
  assert.equal(r.TableDescription.TableStatus, 'ACTIVE');
  const d = (await send(new DescribeTableCommand({ TableName: 'tbl1' }))).Table;
  assert.equal(d.TableArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/tbl1');
  assert.match(d.TableId, /^[0-9a-f-]{36}$/);
  assert.equal(d.ItemCount, 0);
  assert.equal(d.BillingModeSummary.BillingMode, 'PAY_PER_REQUEST');
  assert.match(d.LatestStreamArn, /^arn:aws:dynamodb:us-east-1:000000000000:table\/tbl1\/stream\//);
  assert.equal(d.LatestStreamArn.endsWith(d.LatestStreamLabel), true);
  const tags = await send(new ListTagsOfResourceCommand({ ResourceArn: d.TableArn }));
  assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'test' }]);
});

test('CreateTable: an existing table is ResourceInUseException', async () => {
  await makeTable('dup');
  const err = await awsError(() => makeTable('dup'));
  assertAwsError(err, 'ResourceInUseException', 400);
});

test('CreateTable: key attributes must be defined (AWS message)', async () => {
  const err = await awsError(() => send(new CreateTableCommand({
    TableName: 'bad',
    AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  })));
  assertAwsError(err, 'ValidationException', 400, 'One or more parameter values were invalid: ' +
    'Some index key attributes are not defined in AttributeDefinitions. Keys: [b], ' +
    'AttributeDefinitions: [a]');
});

test('DescribeTable of a missing table: ResourceNotFoundException', async () => {
  const err = await awsError(() => send(new DescribeTableCommand({ TableName: 'missing' })));
  assertAwsError(err, 'ResourceNotFoundException', 400,
    'Requested resource not found: Table: missing not found');
});

test('ListTables pages with Limit and LastEvaluatedTableName', async () => {
  for (const n of ['lt-a', 'lt-b', 'lt-c']) await makeTable(n);
  const p1 = await send(new ListTablesCommand({ ExclusiveStartTableName: 'lt-', Limit: 2 }));
  assert.deepEqual(p1.TableNames, ['lt-a', 'lt-b']);
  assert.equal(p1.LastEvaluatedTableName, 'lt-b');
  const p2 = await send(new ListTablesCommand({ ExclusiveStartTableName: 'lt-b', Limit: 1 }));
  assert.deepEqual(p2.TableNames, ['lt-c']);
});

test('UpdateTable adds a GSI that is filled from existing items', async () => {
  await makeTable('gsi1');
  await send(new PutItemCommand({ TableName: 'gsi1', Item: { pk: S('a'), sk: N(1), g: S('x') } }));
  await send(new UpdateTableCommand({
    TableName: 'gsi1',
    AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
    GlobalSecondaryIndexUpdates: [{ Create: {
      IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' } } }],
  }));
  const q = await send(new QueryCommand({ TableName: 'gsi1', IndexName: 'byG',
    KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': S('x') } }));
  assert.equal(q.Count, 1);
});

test('DeleteTable: gone afterwards; deletion protection refuses', async () => {
  await makeTable('del1');
  await send(new DeleteTableCommand({ TableName: 'del1' }));
  const err = await awsError(() => send(new DescribeTableCommand({ TableName: 'del1' })));
  assertAwsError(err, 'ResourceNotFoundException', 400);
  await makeTable('del2', { more: { DeletionProtectionEnabled: true } });
  const e2 = await awsError(() => send(new DeleteTableCommand({ TableName: 'del2' })));
  assertAwsError(e2, 'ValidationException', 400);
});

test('Tags and TTL settings', async () => {
  await makeTable('ttl1');
  const arn = 'arn:aws:dynamodb:us-east-1:000000000000:table/ttl1';
  await send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'k', Value: 'v' }] }));
  assert.deepEqual((await send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags,
    [{ Key: 'k', Value: 'v' }]);
  let d = await send(new DescribeTimeToLiveCommand({ TableName: 'ttl1' }));
  assert.equal(d.TimeToLiveDescription.TimeToLiveStatus, 'DISABLED');
  await send(new UpdateTimeToLiveCommand({ TableName: 'ttl1',
    TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
  d = await send(new DescribeTimeToLiveCommand({ TableName: 'ttl1' }));
  assert.deepEqual(d.TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' });
});

test('TTL: an expired item is deleted within seconds', async () => {
  await makeTable('ttl2');
  await send(new UpdateTimeToLiveCommand({ TableName: 'ttl2',
    TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
  const past = Math.floor(Date.now() / 1000) - 10;
  await send(new PutItemCommand({ TableName: 'ttl2', Item: { pk: S('a'), sk: N(1), exp: N(past) } }));
  await send(new PutItemCommand({ TableName: 'ttl2', Item: { pk: S('a'), sk: N(2) } }));
  let left;
  for (let i = 0; i < 40; i++) {
    left = (await send(new ScanCommand({ TableName: 'ttl2' }))).Count;
    if (left === 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(left, 1);
});

// ---- items

test('PutItem / GetItem round trip of every type; numbers canonical', async () => {
  await makeTable('items');
  const item = {
    pk: S('a'), sk: N('01.50'), s: S(''), n: N('-0.000100'), b: { B: new Uint8Array([0, 1, 2, 255]) },
    ss: { SS: ['x', 'y'] }, ns: { NS: ['1', '2.5'] }, bs: { BS: [new Uint8Array([1])] },
    m: { M: { a: { L: [S('z'), { NULL: true }, { BOOL: false }] } } },
  };
  await send(new PutItemCommand({ TableName: 'items', Item: item }));
  const r = await send(new GetItemCommand({ TableName: 'items', Key: { pk: S('a'), sk: N(1.5) } }));
  assert.equal(r.Item.sk.N, '1.5');
  assert.equal(r.Item.n.N, '-0.0001');
  assert.deepEqual([...r.Item.b.B], [0, 1, 2, 255]);
  assert.equal(r.Item.s.S, '');
  assert.deepEqual(r.Item.m.M.a.L, [S('z'), { NULL: true }, { BOOL: false }]);
});

test('PutItem: 38 digits kept exactly; 39 refused', async () => {
  await makeTable('nums');
  const big = '12345678901234567890123456789012345678';
  await send(new PutItemCommand({ TableName: 'nums', Item: { pk: S('a'), sk: N(1), v: N(big) } }));
  const r = await send(new GetItemCommand({ TableName: 'nums', Key: { pk: S('a'), sk: N(1) } }));
  assert.equal(r.Item.v.N, big);
  const err = await awsError(() => send(new PutItemCommand({ TableName: 'nums',
    Item: { pk: S('a'), sk: N(2), v: N(big + '9') } })));
  assertAwsError(err, 'ValidationException', 400,
    'Attempting to store more than 38 significant digits in a Number');
});

test('PutItem: key errors use AWS messages', async () => {
  await makeTable('keys');
  let err = await awsError(() => send(new PutItemCommand({ TableName: 'keys', Item: { pk: S('a') } })));
  assertAwsError(err, 'ValidationException', 400,
    'One or more parameter values were invalid: Missing the key sk in the item');
  err = await awsError(() => send(new PutItemCommand({ TableName: 'keys',
    Item: { pk: N(1), sk: N(1) } })));
  assertAwsError(err, 'ValidationException', 400,
    'One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N');
  err = await awsError(() => send(new GetItemCommand({ TableName: 'keys', Key: { pk: S('a') } })));
  assertAwsError(err, 'ValidationException', 400, 'The provided key element does not match the schema');
  err = await awsError(() => send(new PutItemCommand({ TableName: 'keys',
    Item: { pk: S('a'), sk: N(1), ss: { SS: ['x', 'x'] } } })));
  assertAwsError(err, 'ValidationException', 400,
    'One or more parameter values were invalid: Input collection [x, x] contains duplicates.');
  err = await awsError(() => send(new GetItemCommand({ TableName: 'nope', Key: { pk: S('a') } })));
  assertAwsError(err, 'ResourceNotFoundException', 400, 'Requested resource not found');
});

test('PutItem with a condition: ConditionalCheckFailedException, ALL_OLD item on failure', async () => {
  await makeTable('cond');
  const put = (extra) => send(new PutItemCommand({ TableName: 'cond',
    Item: { pk: S('a'), sk: N(1), v: N(1) }, ConditionExpression: 'attribute_not_exists(pk)', ...extra }));
  await put();
  const err = await awsError(() => put({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
  assertAwsError(err, 'ConditionalCheckFailedException', 400, 'The conditional request failed');
  assert.deepEqual(err.Item, { pk: S('a'), sk: N(1), v: N(1) });
});

test('UpdateItem: SET arithmetic, if_not_exists, list_append, REMOVE, ADD, DELETE', async () => {
  await makeTable('upd');
  const key = { pk: S('a'), sk: N(1) };
  await send(new PutItemCommand({ TableName: 'upd',
    Item: { ...key, n: N('0.1'), l: { L: [S('a')] }, s: { SS: ['x', 'y'] }, gone: S('g'),
      m: { M: { in: N(1) } } } }));
  const r = await send(new UpdateItemCommand({ TableName: 'upd', Key: key,
    UpdateExpression: 'SET n = n + :d, c = if_not_exists(c, :z), l = list_append(l, :l), ' +
      'm.#in = m.#in - :one REMOVE gone ADD cnt :one DELETE s :x',
    ExpressionAttributeNames: { '#in': 'in' },
    ExpressionAttributeValues: { ':d': N('0.2'), ':z': N(7), ':l': { L: [S('b')] }, ':one': N(1),
      ':x': { SS: ['x'] } },
    ReturnValues: 'ALL_NEW' }));
  const a = r.Attributes;
  assert.equal(a.n.N, '0.3'); // decimal, not 0.30000000000000004
  assert.equal(a.c.N, '7');
  assert.deepEqual(a.l.L, [S('a'), S('b')]);
  assert.equal(a.m.M.in.N, '0');
  assert.equal(a.gone, undefined);
  assert.equal(a.cnt.N, '1');
  assert.deepEqual(a.s.SS, ['y']);
});

test('UpdateItem: ReturnValues UPDATED_OLD and UPDATED_NEW', async () => {
  await makeTable('rv');
  const key = { pk: S('a'), sk: N(1) };
  await send(new PutItemCommand({ TableName: 'rv', Item: { ...key, a: N(1), b: N(2) } }));
  const o = await send(new UpdateItemCommand({ TableName: 'rv', Key: key, UpdateExpression: 'SET a = :v',
    ExpressionAttributeValues: { ':v': N(5) }, ReturnValues: 'UPDATED_OLD' }));
  assert.deepEqual(o.Attributes, { a: N(1) });
  const n = await send(new UpdateItemCommand({ TableName: 'rv', Key: key, UpdateExpression: 'SET a = :v',
    ExpressionAttributeValues: { ':v': N(6) }, ReturnValues: 'UPDATED_NEW' }));
  assert.deepEqual(n.Attributes, { a: N(6) });
});

test('Expression errors: syntax, reserved word, undefined and unused names, key update', async () => {
  await makeTable('exprerr');
  const key = { pk: S('a'), sk: N(1) };
  const upd = (e, names, values) => awsError(() => send(new UpdateItemCommand({ TableName: 'exprerr',
    Key: key, UpdateExpression: e, ExpressionAttributeNames: names, ExpressionAttributeValues: values })));
  assertAwsError(await upd('SET name = :v', undefined, { ':v': S('x') }), 'ValidationException', 400,
    'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name');
  assertAwsError(await upd('SET #n = :v', undefined, { ':v': S('x') }), 'ValidationException', 400,
    'Invalid UpdateExpression: An expression attribute name used in the document path is not ' +
    'defined; attribute name: #n');
  assertAwsError(await upd('SET a = :v', { '#x': 'x' }, { ':v': S('x') }), 'ValidationException', 400,
    'Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}');
  assertAwsError(await upd('SET a = :v, a.b = :v', undefined, { ':v': S('x') }),
    'ValidationException', 400, 'Invalid UpdateExpression: Two document paths overlap with each ' +
    'other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]');
  assertAwsError(await upd('SET pk = :v', undefined, { ':v': S('x') }), 'ValidationException', 400,
    'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part ' +
    'of the key');
  assertAwsError(await upd('SET a = :v SET b = :v', undefined, { ':v': S('x') }),
    'ValidationException', 400,
    'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;');
  const e = await upd('SET a = = :v', undefined, { ':v': S('x') });
  assertAwsError(e, 'ValidationException', 400);
  assert.match(e.message, /^Invalid UpdateExpression: Syntax error; token: "=", near: /);
  assertAwsError(await upd('', undefined, undefined), 'ValidationException', 400,
    'Invalid UpdateExpression: The expression can not be empty;');
});

test('Conditions: comparators, BETWEEN, IN, functions, NOT/AND/OR', async () => {
  await makeTable('conds');
  const key = { pk: S('a'), sk: N(1) };
  await send(new PutItemCommand({ TableName: 'conds',
    Item: { ...key, n: N(5), s: S('hello'), l: { L: [N(1), N(2)] }, t: { SS: ['q'] } } }));
  const check = async (cond, values, want) => {
    const p = send(new DeleteItemCommand({ TableName: 'conds', Key: { pk: S('none'), sk: N(0) },
      ConditionExpression: `attribute_not_exists(pk) AND (${cond})`,
      ExpressionAttributeValues: values }));
    // evaluated against the stored item through a GetItem-free path: use Scan with a filter
    await p.catch(() => {});
    const r = await send(new ScanCommand({ TableName: 'conds', FilterExpression: cond,
      ExpressionAttributeValues: values }));
    assert.equal(r.Count, want ? 1 : 0, cond);
  };
  await check('n BETWEEN :a AND :b', { ':a': N(1), ':b': N(10) }, true);
  await check('n IN (:a, :b)', { ':a': N(1), ':b': N(5) }, true);
  await check('begins_with(s, :p) AND size(l) = :two', { ':p': S('he'), ':two': N(2) }, true);
  await check('contains(t, :q) OR n < :z', { ':q': S('q'), ':z': N(0) }, true);
  await check('NOT attribute_exists(s)', undefined, false);
  await check('attribute_type(n, :t)', { ':t': S('N') }, true);
  await check('l[1] = :two', { ':two': N(2) }, true);
  await check('n > :s', { ':s': S('5') }, false); // different types compare false
});

test('DeleteItem ReturnValues ALL_OLD', async () => {
  await makeTable('delitem');
  const key = { pk: S('a'), sk: N(1) };
  await send(new PutItemCommand({ TableName: 'delitem', Item: { ...key, v: S('x') } }));
  const r = await send(new DeleteItemCommand({ TableName: 'delitem', Key: key, ReturnValues: 'ALL_OLD' }));
  assert.deepEqual(r.Attributes, { ...key, v: S('x') });
  const g = await send(new GetItemCommand({ TableName: 'delitem', Key: key }));
  assert.equal(g.Item, undefined);
});

// ---- query and scan

test('Query: sort key order for N, conditions, paging, descending, COUNT', async () => {
  await makeTable('q1');
  for (const n of ['-10', '-1.5', '0', '2', '10', '100']) {
    await send(new PutItemCommand({ TableName: 'q1', Item: { pk: S('p'), sk: N(n), k: N(n) } }));
  }
  await send(new PutItemCommand({ TableName: 'q1', Item: { pk: S('other'), sk: N(1) } }));
  const q = (extra) => send(new QueryCommand({ TableName: 'q1', KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': S('p') }, ...extra }));
  let r = await q();
  assert.deepEqual(r.Items.map((i) => i.sk.N), ['-10', '-1.5', '0', '2', '10', '100']);
  r = await q({ ScanIndexForward: false, Limit: 2 });
  assert.deepEqual(r.Items.map((i) => i.sk.N), ['100', '10']);
  assert.deepEqual(r.LastEvaluatedKey, { pk: S('p'), sk: N(10) });
  r = await q({ ScanIndexForward: false, Limit: 2, ExclusiveStartKey: r.LastEvaluatedKey });
  assert.deepEqual(r.Items.map((i) => i.sk.N), ['2', '0']);
  r = await send(new QueryCommand({ TableName: 'q1',
    KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':p': S('p'), ':a': N(-2), ':b': N(2) } }));
  assert.deepEqual(r.Items.map((i) => i.sk.N), ['-1.5', '0', '2']);
  r = await send(new QueryCommand({ TableName: 'q1', KeyConditionExpression: 'pk = :p AND sk > :a',
    FilterExpression: 'k < :f', ProjectionExpression: 'sk', Select: 'SPECIFIC_ATTRIBUTES',
    ExpressionAttributeValues: { ':p': S('p'), ':a': N(0), ':f': N(50) } }));
  assert.deepEqual(r.Items, [{ sk: N(2) }, { sk: N(10) }]);
  assert.equal(r.ScannedCount, 3);
  r = await q({ Select: 'COUNT' });
  assert.equal(r.Count, 6);
  assert.equal(r.Items, undefined);
});

test('Query: begins_with on S sort keys in UTF-8 byte order; LSI', async () => {
  await send(new CreateTableCommand({
    TableName: 'q2',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' }, { AttributeName: 'l', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    LocalSecondaryIndexes: [{ IndexName: 'byL', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'l', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  const sks = ['a#2', 'a#1', 'b', 'Z', 'é', 'a'];
  for (const [i, sk] of sks.entries()) {
    await send(new PutItemCommand({ TableName: 'q2', Item: { pk: S('p'), sk: S(sk), l: N(10 - i), x: S('y') } }));
  }
  let r = await send(new QueryCommand({ TableName: 'q2', KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': S('p') } }));
  assert.deepEqual(r.Items.map((i) => i.sk.S), ['Z', 'a', 'a#1', 'a#2', 'b', 'é']);
  r = await send(new QueryCommand({ TableName: 'q2',
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :a)',
    ExpressionAttributeValues: { ':p': S('p'), ':a': S('a#') } }));
  assert.deepEqual(r.Items.map((i) => i.sk.S), ['a#1', 'a#2']);
  r = await send(new QueryCommand({ TableName: 'q2', IndexName: 'byL', KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': S('p') }, Limit: 2 }));
  assert.deepEqual(r.Items, [{ pk: S('p'), sk: S('a'), l: N(5) }, { pk: S('p'), sk: S('é'), l: N(6) }]);
  assert.deepEqual(r.LastEvaluatedKey, { pk: S('p'), sk: S('é'), l: N(6) });
});

test('Query errors: missing hash key, non-key attribute, unknown index', async () => {
  await makeTable('qerr');
  let err = await awsError(() => send(new QueryCommand({ TableName: 'qerr',
    KeyConditionExpression: 'sk = :v', ExpressionAttributeValues: { ':v': N(1) } })));
  assertAwsError(err, 'ValidationException', 400, 'Query condition missed key schema element: pk');
  err = await awsError(() => send(new QueryCommand({ TableName: 'qerr', IndexName: 'nope',
    KeyConditionExpression: 'pk = :v', ExpressionAttributeValues: { ':v': S('a') } })));
  assertAwsError(err, 'ValidationException', 400, 'The table does not have the specified index: nope');
  err = await awsError(() => send(new QueryCommand({ TableName: 'qerr',
    KeyConditionExpression: 'pk = :v OR sk = :n', ExpressionAttributeValues: { ':v': S('a'), ':n': N(1) } })));
  assertAwsError(err, 'ValidationException', 400, 'Invalid operator used in KeyConditionExpression: OR');
});

test('Scan with segments covers every item once', async () => {
  await makeTable('scan1');
  for (let i = 0; i < 20; i++) {
    await send(new PutItemCommand({ TableName: 'scan1', Item: { pk: S(`p${i}`), sk: N(i) } }));
  }
  let total = 0;
  for (let s = 0; s < 3; s++) {
    total += (await send(new ScanCommand({ TableName: 'scan1', Segment: s, TotalSegments: 3 }))).Count;
  }
  assert.equal(total, 20);
  const p1 = await send(new ScanCommand({ TableName: 'scan1', Limit: 15 }));
  const p2 = await send(new ScanCommand({ TableName: 'scan1', ExclusiveStartKey: p1.LastEvaluatedKey }));
  assert.equal(p1.Count + p2.Count, 20);
});

// ---- batches and transactions

test('BatchWriteItem and BatchGetItem', async () => {
  await makeTable('batch');
  const w = await send(new BatchWriteItemCommand({ RequestItems: { batch: [
    { PutRequest: { Item: { pk: S('a'), sk: N(1) } } },
    { PutRequest: { Item: { pk: S('b'), sk: N(1) } } }] } }));
  assert.deepEqual(w.UnprocessedItems, {});
  const g = await send(new BatchGetItemCommand({ RequestItems: { batch: {
    Keys: [{ pk: S('a'), sk: N(1) }, { pk: S('b'), sk: N(1) }, { pk: S('c'), sk: N(1) }] } } }));
  assert.equal(g.Responses.batch.length, 2);
  assert.deepEqual(g.UnprocessedKeys, {});
  const err = await awsError(() => send(new BatchGetItemCommand({ RequestItems: { batch: {
    Keys: [{ pk: S('a'), sk: N(1) }, { pk: S('a'), sk: N(1) }] } } })));
  assertAwsError(err, 'ValidationException', 400, 'Provided list of item keys contains duplicates');
});

test('TransactWriteItems: all or nothing, CancellationReasons, idempotent token', async () => {
  await makeTable('tx');
  await send(new PutItemCommand({ TableName: 'tx', Item: { pk: S('a'), sk: N(1), v: N(1) } }));
  const err = await awsError(() => send(new TransactWriteItemsCommand({ TransactItems: [
    { Put: { TableName: 'tx', Item: { pk: S('b'), sk: N(1) } } },
    { ConditionCheck: { TableName: 'tx', Key: { pk: S('a'), sk: N(1) },
      ConditionExpression: 'v = :two', ExpressionAttributeValues: { ':two': N(2) } } }] })));
  assertAwsError(err, 'TransactionCanceledException', 400);
  assert.deepEqual(err.CancellationReasons.map((r) => r.Code), ['None', 'ConditionalCheckFailed']);
  const none = await send(new GetItemCommand({ TableName: 'tx', Key: { pk: S('b'), sk: N(1) } }));
  assert.equal(none.Item, undefined);
  const tw = (v) => send(new TransactWriteItemsCommand({ ClientRequestToken: 'tok-1', TransactItems: [
    { Update: { TableName: 'tx', Key: { pk: S('a'), sk: N(1) }, UpdateExpression: 'ADD v :one',
      ExpressionAttributeValues: { ':one': N(v) } } }] }));
  await tw(1);
  await tw(1); // same token and request: not applied twice
  const g = await send(new TransactGetItemsCommand({ TransactItems: [
    { Get: { TableName: 'tx', Key: { pk: S('a'), sk: N(1) } } }] }));
  assert.equal(g.Responses[0].Item.v.N, '2');
  const e2 = await awsError(() => tw(5));
  assertAwsError(e2, 'IdempotentParameterMismatchException', 400);
});

// More tables in one call than nimbus keeps parsed table settings for (16):
// each table's settings must stay readable to the end of the call (run
// against the sanitizer build, a freed one would be reported).
test('TransactWriteItems and TransactGetItems over 20 tables in one call', async () => {
  const names = Array.from({ length: 20 }, (_, i) => `many${i}`);
  for (const n of names) await makeTable(n);
  await send(new TransactWriteItemsCommand({ TransactItems: names.map((n, i) => (
    { Put: { TableName: n, Item: { pk: S('k'), sk: N(i), t: S(n) } } })) }));
  const g = await send(new TransactGetItemsCommand({ TransactItems: names.map((n, i) => (
    { Get: { TableName: n, Key: { pk: S('k'), sk: N(i) } } })) }));
  assert.deepEqual(g.Responses.map((r) => r.Item.t.S), names);
  for (const n of names) await send(new DeleteTableCommand({ TableName: n }));
});

// ---- legacy (non-expression) parameters
// AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.html
// Messages: dynalite test/{putItem,updateItem,query,scan,getItem}.js (recorded against DynamoDB).

const INV = 'One or more parameter values were invalid: ';
const B = (s) => ({ B: Buffer.from(s) });

async function legacyItem(table) {
  await makeTable(table);
  await send(new PutItemCommand({ TableName: table, Item: {
    pk: S('a'), sk: N(1), s: S('hello'), n: N(5), ss: { SS: ['x', 'y'] }, ns: { NS: ['1', '2'] },
    l: { L: [S('e'), N(7)] }, b: B('abc'), z: { NULL: true },
  } }));
}

test('Expected: every ComparisonOperator, true and false, on UpdateItem', async () => {
  await legacyItem('lg1');
  const key = { pk: S('a'), sk: N(1) };
  const cases = [
    ['s', 'EQ', [S('hello')], true], ['s', 'EQ', [S('hell')], false], ['n', 'EQ', [S('5')], false],
    ['ss', 'EQ', [{ SS: ['y', 'x'] }], true],
    ['s', 'NE', [S('x')], true], ['s', 'NE', [S('hello')], false], ['missing', 'NE', [S('x')], true],
    ['n', 'LE', [N(5)], true], ['n', 'LE', [N(4)], false], ['n', 'LT', [N(5)], false],
    ['n', 'LT', [N(10)], true], ['n', 'GE', [N(5)], true], ['n', 'GE', [N(6)], false],
    ['n', 'GT', [N(4.5)], true], ['n', 'GT', [N(5)], false], ['s', 'GT', [N(1)], false],
    ['s', 'LT', [S('help')], true],
    ['s', 'NOT_NULL', [], true], ['missing', 'NOT_NULL', [], false],
    ['missing', 'NULL', [], true], ['s', 'NULL', [], false], ['z', 'NULL', [], false],
    ['s', 'CONTAINS', [S('ell')], true], ['s', 'CONTAINS', [S('xyz')], false],
    ['ss', 'CONTAINS', [S('y')], true], ['ns', 'CONTAINS', [N(2)], true],
    ['l', 'CONTAINS', [N(7)], true], ['l', 'CONTAINS', [S('f')], false], ['b', 'CONTAINS', [B('bc')], true],
    ['s', 'NOT_CONTAINS', [S('xyz')], true], ['ss', 'NOT_CONTAINS', [S('x')], false],
    ['missing', 'NOT_CONTAINS', [S('x')], true],
    ['s', 'BEGINS_WITH', [S('he')], true], ['s', 'BEGINS_WITH', [S('el')], false],
    ['b', 'BEGINS_WITH', [B('ab')], true],
    ['n', 'IN', [N(1), N(5)], true], ['n', 'IN', [N(1), N(2)], false], ['s', 'IN', [S('hello')], true],
    ['missing', 'IN', [S('x')], false],
    ['n', 'BETWEEN', [N(5), N(9)], true], ['n', 'BETWEEN', [N(1), N(4)], false],
    ['s', 'BETWEEN', [S('a'), S('z')], true], ['s', 'BETWEEN', [N(1), N(9)], false],
  ];
  for (const [attr, op, vals, pass] of cases) {
    const p = send(new UpdateItemCommand({ TableName: 'lg1', Key: key,
      AttributeUpdates: { touched: { Action: 'ADD', Value: N(1) } },
      Expected: { [attr]: { ComparisonOperator: op, AttributeValueList: vals } } }));
    if (pass) {
      await p;
    } else {
      const err = await awsError(() => p);
      assertAwsError(err, 'ConditionalCheckFailedException', 400, 'The conditional request failed');
    }
  }
  const passes = cases.filter((c) => c[3]).length;
  const r = await send(new GetItemCommand({ TableName: 'lg1', Key: key }));
  assert.equal(r.Item.touched.N, String(passes));
});

test('Expected: Value and Exists, ConditionalOperator AND and OR', async () => {
  await makeTable('lg2');
  const item = { pk: S('a'), sk: N(1), v: N(1), w: S('q') };
  await send(new PutItemCommand({ TableName: 'lg2', Item: item,
    Expected: { pk: { Exists: false } } }));
  let err = await awsError(() => send(new PutItemCommand({ TableName: 'lg2', Item: item,
    Expected: { pk: { Exists: false } } })));
  assertAwsError(err, 'ConditionalCheckFailedException', 400, 'The conditional request failed');
  await send(new PutItemCommand({ TableName: 'lg2', Item: { ...item, v: N(2) },
    Expected: { v: { Value: N(1) }, w: { Exists: true, Value: S('q') } } }));
  err = await awsError(() => send(new PutItemCommand({ TableName: 'lg2', Item: item,
    Expected: { v: { Value: N(1) }, w: { Value: S('q') } } })));
  assertAwsError(err, 'ConditionalCheckFailedException', 400);
  // OR: one true is enough (v is now 2)
  await send(new PutItemCommand({ TableName: 'lg2', Item: { ...item, v: N(3) },
    ConditionalOperator: 'OR',
    Expected: { v: { Value: N(1) }, w: { ComparisonOperator: 'EQ', AttributeValueList: [S('q')] } } }));
  err = await awsError(() => send(new PutItemCommand({ TableName: 'lg2', Item: item,
    ConditionalOperator: 'AND',
    Expected: { v: { Value: N(3) }, w: { ComparisonOperator: 'EQ', AttributeValueList: [S('no')] } } })));
  assertAwsError(err, 'ConditionalCheckFailedException', 400);
  err = await awsError(() => send(new DeleteItemCommand({ TableName: 'lg2', Key: { pk: S('a'), sk: N(1) },
    Expected: { v: { ComparisonOperator: 'GT', AttributeValueList: [N(3)] } } })));
  assertAwsError(err, 'ConditionalCheckFailedException', 400);
  const d = await send(new DeleteItemCommand({ TableName: 'lg2', Key: { pk: S('a'), sk: N(1) },
    Expected: { v: { ComparisonOperator: 'LE', AttributeValueList: [N(3)] } }, ReturnValues: 'ALL_OLD' }));
  assert.equal(d.Attributes.v.N, '3');
});

test('Expected: AWS validation messages', async () => {
  await makeTable('lg3');
  const bad = async (expected, msg) => {
    const err = await awsError(() => send(new PutItemCommand({ TableName: 'lg3',
      Item: { pk: S('a'), sk: N(1) }, Expected: expected })));
    assertAwsError(err, 'ValidationException', 400, msg);
  };
  await bad({ a: {} }, INV + 'Value must be provided when Exists is null for Attribute: a');
  await bad({ a: { Exists: true } }, INV + 'Value must be provided when Exists is true for Attribute: a');
  await bad({ a: { Exists: false, Value: S('x') } },
    INV + 'Value cannot be used when Exists is false for Attribute: a');
  await bad({ a: { ComparisonOperator: 'LT' } },
    INV + 'Value or AttributeValueList must be used with ComparisonOperator: LT for Attribute: a');
  await bad({ a: { Exists: true, ComparisonOperator: 'LT' } },
    INV + 'Exists and ComparisonOperator cannot be used together for Attribute: a');
  await bad({ a: { AttributeValueList: [S('a')], Value: S('a'), ComparisonOperator: 'LT' } },
    INV + 'Value and AttributeValueList cannot be used together for Attribute: a');
  await bad({ a: { AttributeValueList: [S('a')] } },
    INV + 'AttributeValueList can only be used with a ComparisonOperator for Attribute: a');
  for (const [op, vals] of [['EQ', []], ['NULL', [S('a')]], ['NOT_NULL', [S('a')]], ['IN', []],
    ['BETWEEN', [N(1), N(10), N(12)]], ['BETWEEN', [N(1)]], ['BEGINS_WITH', [S('a'), S('b')]]]) {
    await bad({ a: { ComparisonOperator: op, AttributeValueList: vals } },
      INV + `Invalid number of argument(s) for the ${op} ComparisonOperator`);
  }
  await bad({ a: { ComparisonOperator: 'IN', AttributeValueList: [S('a'), N(1)] } },
    INV + 'AttributeValues inside AttributeValueList must be of same type');
  await bad({ a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [N(10), N(1)] } },
    'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
  const err = await awsError(() => send(new PutItemCommand({ TableName: 'lg3',
    Item: { pk: S('a'), sk: N(1) }, Expected: { a: { Exists: false } },
    ConditionExpression: 'attribute_not_exists(pk)' })));
  assertAwsError(err, 'ValidationException', 400, 'Can not use both expression and non-expression ' +
    'parameters in the same request: Non-expression parameters: {Expected} Expression parameters: ' +
    '{ConditionExpression}');
});

test('AttributeUpdates: PUT, ADD and DELETE on numbers, sets and lists', async () => {
  await makeTable('lg4');
  const key = { pk: S('a'), sk: N(1) };
  let r = await send(new UpdateItemCommand({ TableName: 'lg4', Key: key, ReturnValues: 'ALL_NEW',
    AttributeUpdates: { s: { Value: S('v') }, n: { Action: 'ADD', Value: N(5) },
      ss: { Action: 'ADD', Value: { SS: ['a', 'b'] } }, l: { Action: 'ADD', Value: { L: [S('x')] } } } }));
  assert.deepEqual(r.Attributes, { ...key, s: S('v'), n: N(5), ss: { SS: ['a', 'b'] }, l: { L: [S('x')] } });
  r = await send(new UpdateItemCommand({ TableName: 'lg4', Key: key, ReturnValues: 'UPDATED_NEW',
    AttributeUpdates: { n: { Action: 'ADD', Value: N(-1.5) }, ss: { Action: 'ADD', Value: { SS: ['b', 'c'] } },
      l: { Action: 'ADD', Value: { L: [S('x')] } }, s: { Action: 'DELETE' } } }));
  assert.deepEqual(r.Attributes, { n: N(3.5), ss: { SS: ['a', 'b', 'c'] }, l: { L: [S('x'), S('x')] } });
  r = await send(new UpdateItemCommand({ TableName: 'lg4', Key: key, ReturnValues: 'ALL_NEW',
    AttributeUpdates: { ss: { Action: 'DELETE', Value: { SS: ['a', 'c', 'zz'] } },
      gone: { Action: 'DELETE', Value: { NS: ['1'] } } } }));
  assert.deepEqual(r.Attributes, { ...key, n: N(3.5), ss: { SS: ['b'] }, l: { L: [S('x'), S('x')] } });
  r = await send(new UpdateItemCommand({ TableName: 'lg4', Key: key, ReturnValues: 'ALL_NEW',
    AttributeUpdates: { ss: { Action: 'DELETE', Value: { SS: ['b'] } } } }));
  assert.equal(r.Attributes.ss, undefined, 'an emptied set is removed');
  // AWS: AttributeValueUpdate: on a missing item, DELETE does nothing while ADD and PUT create it
  await send(new UpdateItemCommand({ TableName: 'lg4', Key: { pk: S('none'), sk: N(1) },
    AttributeUpdates: { a: { Action: 'DELETE' } } }));
  let g = await send(new GetItemCommand({ TableName: 'lg4', Key: { pk: S('none'), sk: N(1) } }));
  assert.equal(g.Item, undefined);
  await send(new UpdateItemCommand({ TableName: 'lg4', Key: { pk: S('none'), sk: N(1) },
    AttributeUpdates: { a: { Action: 'DELETE' }, c: { Action: 'ADD', Value: N(2) } } }));
  g = await send(new GetItemCommand({ TableName: 'lg4', Key: { pk: S('none'), sk: N(1) } }));
  assert.deepEqual(g.Item, { pk: S('none'), sk: N(1), c: N(2) });
  let err = await awsError(() => send(new UpdateItemCommand({ TableName: 'lg4', Key: key,
    AttributeUpdates: { n: { Action: 'ADD', Value: { NS: ['1'] } } } })));
  assertAwsError(err, 'ValidationException', 400, 'Type mismatch for attribute to update');
  err = await awsError(() => send(new UpdateItemCommand({ TableName: 'lg4', Key: key,
    AttributeUpdates: { sk: { Value: N(2) } } })));
  assertAwsError(err, 'ValidationException', 400,
    INV + 'Cannot update attribute sk. This attribute is part of the key');
  err = await awsError(() => send(new UpdateItemCommand({ TableName: 'lg4', Key: key,
    AttributeUpdates: { a: { Action: 'PUT' } } })));
  assertAwsError(err, 'ValidationException', 400,
    INV + 'Only DELETE action is allowed when no attribute value is specified');
  err = await awsError(() => send(new UpdateItemCommand({ TableName: 'lg4', Key: key,
    AttributeUpdates: { a: { Action: 'DELETE', Value: S('x') } } })));
  assertAwsError(err, 'ValidationException', 400,
    INV + 'DELETE action with value is not supported for the type S');
  err = await awsError(() => send(new UpdateItemCommand({ TableName: 'lg4', Key: key,
    AttributeUpdates: { a: { Action: 'ADD', Value: B('x') } } })));
  assertAwsError(err, 'ValidationException', 400, INV + 'ADD action is not supported for the type B');
  err = await awsError(() => send(new UpdateItemCommand({ TableName: 'lg4', Key: key,
    AttributeUpdates: { a: { Value: S('x') } }, UpdateExpression: 'SET b = :b', ConditionExpression: 'a = :b',
    Expected: { a: { Exists: false } }, ExpressionAttributeValues: { ':b': S('x') } })));
  assertAwsError(err, 'ValidationException', 400, 'Can not use both expression and non-expression ' +
    'parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected} ' +
    'Expression parameters: {UpdateExpression, ConditionExpression}');
});

test('AttributesToGet on GetItem, BatchGetItem, Query and Scan', async () => {
  await legacyItem('lg5');
  const key = { pk: S('a'), sk: N(1) };
  const g = await send(new GetItemCommand({ TableName: 'lg5', Key: key, AttributesToGet: ['s', 'n', 'nope'] }));
  assert.deepEqual(g.Item, { s: S('hello'), n: N(5) });
  const bg = await send(new BatchGetItemCommand({ RequestItems: { lg5: { Keys: [key], AttributesToGet: ['ss'] } } }));
  assert.deepEqual(bg.Responses.lg5, [{ ss: { SS: ['x', 'y'] } }]);
  const q = await send(new QueryCommand({ TableName: 'lg5', AttributesToGet: ['pk', 'b'],
    KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('a')] } } }));
  assert.deepEqual(q.Items, [{ pk: S('a'), b: { B: new Uint8Array(Buffer.from('abc')) } }]);
  const sc = await send(new ScanCommand({ TableName: 'lg5', AttributesToGet: ['n'] }));
  assert.deepEqual(sc.Items, [{ n: N(5) }]);
  let err = await awsError(() => send(new GetItemCommand({ TableName: 'lg5', Key: key,
    AttributesToGet: ['a', 'a'] })));
  assertAwsError(err, 'ValidationException', 400, INV + 'Duplicate value in attribute name: a');
  err = await awsError(() => send(new GetItemCommand({ TableName: 'lg5', Key: key,
    AttributesToGet: ['a'], ProjectionExpression: 'b' })));
  assertAwsError(err, 'ValidationException', 400, 'Can not use both expression and non-expression ' +
    'parameters in the same request: Non-expression parameters: {AttributesToGet} Expression ' +
    'parameters: {ProjectionExpression}');
  err = await awsError(() => send(new ScanCommand({ TableName: 'lg5', AttributesToGet: ['n'],
    Select: 'COUNT' })));
  assertAwsError(err, 'ValidationException', 400,
    INV + 'Cannot specify the AttributesToGet when choosing to get only the Count');
});

async function legacyRange(table) {
  await makeTable(table);
  for (let i = 1; i <= 6; i++) {
    await send(new PutItemCommand({ TableName: table, Item: { pk: S('h'), sk: N(i),
      tag: S(i % 2 ? 'odd' : 'even'), name: S(`n${i}`) } }));
  }
  await send(new PutItemCommand({ TableName: table, Item: { pk: S('other'), sk: N(1) } }));
}

test('Query: KeyConditions on the sort key, QueryFilter with ConditionalOperator', async () => {
  await legacyRange('lg6');
  const kq = async (rangeCond, extra = {}) => (await send(new QueryCommand({ TableName: 'lg6',
    KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('h')] },
      ...(rangeCond ? { sk: rangeCond } : {}) }, ...extra }))).Items.map((x) => Number(x.sk.N));
  assert.deepEqual(await kq(null), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(await kq({ ComparisonOperator: 'EQ', AttributeValueList: [N(3)] }), [3]);
  assert.deepEqual(await kq({ ComparisonOperator: 'LT', AttributeValueList: [N(3)] }), [1, 2]);
  assert.deepEqual(await kq({ ComparisonOperator: 'LE', AttributeValueList: [N(3)] }), [1, 2, 3]);
  assert.deepEqual(await kq({ ComparisonOperator: 'GT', AttributeValueList: [N(4)] }), [5, 6]);
  assert.deepEqual(await kq({ ComparisonOperator: 'GE', AttributeValueList: [N(4)] }), [4, 5, 6]);
  assert.deepEqual(await kq({ ComparisonOperator: 'BETWEEN', AttributeValueList: [N(2), N(4)] }), [2, 3, 4]);
  assert.deepEqual(await kq(null, { ScanIndexForward: false, Limit: 2 }), [6, 5]);
  assert.deepEqual(await kq(null, { QueryFilter: { tag: { ComparisonOperator: 'EQ',
    AttributeValueList: [S('odd')] } } }), [1, 3, 5]);
  assert.deepEqual(await kq(null, { ConditionalOperator: 'OR', QueryFilter: {
    tag: { ComparisonOperator: 'EQ', AttributeValueList: [S('odd')] },
    name: { ComparisonOperator: 'IN', AttributeValueList: [S('n2'), S('n4')] } } }), [1, 2, 3, 4, 5]);
  assert.deepEqual(await kq(null, { QueryFilter: {
    tag: { ComparisonOperator: 'EQ', AttributeValueList: [S('odd')] },
    name: { ComparisonOperator: 'NE', AttributeValueList: [S('n3')] } } }), [1, 5]);
  // KeyConditions may go with FilterExpression
  const q = await send(new QueryCommand({ TableName: 'lg6', FilterExpression: 'tag = :t',
    ExpressionAttributeValues: { ':t': S('even') },
    KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [S('h')] } } }));
  assert.deepEqual(q.Items.map((x) => Number(x.sk.N)), [2, 4, 6]);
});

test('Query: KeyConditions and QueryFilter errors (AWS messages)', async () => {
  await legacyRange('lg7');
  const bad = async (input, msg) => {
    const err = await awsError(() => send(new QueryCommand({ TableName: 'lg7', ...input })));
    assertAwsError(err, 'ValidationException', 400, msg);
  };
  const h = { ComparisonOperator: 'EQ', AttributeValueList: [S('h')] };
  await bad({ KeyConditions: { sk: { ComparisonOperator: 'EQ', AttributeValueList: [N(1)] } } },
    'Query condition missed key schema element: pk');
  await bad({ KeyConditions: { pk: h, other: { ComparisonOperator: 'EQ', AttributeValueList: [N(1)] } } },
    'Query condition missed key schema element: sk');
  await bad({ KeyConditions: { pk: h, sk: { ComparisonOperator: 'NE', AttributeValueList: [N(1)] } } },
    'Attempted conditional constraint is not an indexable operation');
  await bad({ KeyConditions: { pk: { ComparisonOperator: 'GT', AttributeValueList: [S('h')] } } },
    'Query key condition not supported');
  await bad({ KeyConditions: { pk: h, sk: { ComparisonOperator: 'EQ', AttributeValueList: [S('1')] } } },
    INV + 'Condition parameter type does not match schema type');
  await bad({ KeyConditions: { pk: h, sk: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [N(1)] } } },
    INV + 'ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type');
  await bad({ KeyConditions: { pk: h, sk: h, x: h } }, 'Conditions can be of length 1 or 2 only');
  await bad({ KeyConditions: { pk: h }, QueryFilter: { tag: { ComparisonOperator: 'GT',
    AttributeValueList: [{ SS: ['a'] }] } } }, INV + 'ComparisonOperator GT is not valid for SS AttributeValue type');
  await bad({ KeyConditions: { pk: h }, QueryFilter: { tag: { ComparisonOperator: 'CONTAINS',
    AttributeValueList: [{ L: [] }] } } }, INV + 'ComparisonOperator CONTAINS is not valid for L AttributeValue type');
  await bad({ KeyConditions: { pk: h }, QueryFilter: { tag: { ComparisonOperator: 'NOT_NULL',
    AttributeValueList: [S('x')] } } }, INV + 'Invalid number of argument(s) for the NOT_NULL ComparisonOperator');
  await bad({ KeyConditions: { pk: h, sk: { ComparisonOperator: 'BETWEEN', AttributeValueList: [N(5), N(1)] } } },
    'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
  await bad({}, 'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
  await bad({ KeyConditions: { pk: h }, QueryFilter: { sk: { ComparisonOperator: 'GT', AttributeValueList: [N(1)] } } },
    'QueryFilter can only contain non-primary key attributes: Primary key attribute: sk');
  await bad({ KeyConditions: { pk: h }, FilterExpression: 'tag = :t OR sk > :n',
    ExpressionAttributeValues: { ':t': S('x'), ':n': N(1) } },
  'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk');
  await bad({ KeyConditions: { pk: h }, KeyConditionExpression: 'pk = :h', FilterExpression: 'a = :h',
    ProjectionExpression: 'a', AttributesToGet: ['a'], ConditionalOperator: 'OR',
    QueryFilter: { a: h }, ExpressionAttributeValues: { ':h': S('h') } },
  'Can not use both expression and non-expression parameters in the same request: ' +
    'Non-expression parameters: {AttributesToGet, QueryFilter, ConditionalOperator, KeyConditions} ' +
    'Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}');
  await bad({ KeyConditions: { pk: h }, ExpressionAttributeValues: { ':h': S('h') } },
    'ExpressionAttributeValues can only be specified when using expressions: FilterExpression and ' +
    'KeyConditionExpression are null');
});

test('Scan: ScanFilter with every operator family and ConditionalOperator', async () => {
  await legacyRange('lg8');
  const sf = async (filter, cop) => (await send(new ScanCommand({ TableName: 'lg8', ScanFilter: filter,
    ConditionalOperator: cop }))).Items.map((x) => `${x.pk.S}${x.sk.N}`).sort();
  assert.deepEqual(await sf({ name: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [S('n1')] } }), ['h1']);
  assert.deepEqual(await sf({ name: { ComparisonOperator: 'NULL' } }), ['other1']);
  assert.deepEqual(await sf({ sk: { ComparisonOperator: 'GE', AttributeValueList: [N(5)] },
    tag: { ComparisonOperator: 'NOT_NULL' } }), ['h5', 'h6']);
  assert.deepEqual(await sf({ sk: { ComparisonOperator: 'GE', AttributeValueList: [N(6)] },
    tag: { ComparisonOperator: 'NULL' } }, 'OR'), ['h6', 'other1']);
  assert.deepEqual(await sf({ name: { ComparisonOperator: 'CONTAINS', AttributeValueList: [S('3')] } }), ['h3']);
  assert.deepEqual(await sf({ sk: { ComparisonOperator: 'BETWEEN', AttributeValueList: [N(2), N(3)] } }),
    ['h2', 'h3']);
  const err = await awsError(() => send(new ScanCommand({ TableName: 'lg8', FilterExpression: 'a = :a',
    ExpressionAttributeValues: { ':a': S('a') }, ScanFilter: { a: { ComparisonOperator: 'NULL' } } })));
  assertAwsError(err, 'ValidationException', 400, 'Can not use both expression and non-expression ' +
    'parameters in the same request: Non-expression parameters: {ScanFilter} Expression parameters: ' +
    '{FilterExpression}');
});

// ---- streams

let streams = null;
try {
  streams = await import('@aws-sdk/client-dynamodb-streams');
} catch {
  streams = null;
}

test('Streams: INSERT, MODIFY, REMOVE records with images; no record for a no-op write',
  { skip: streams ? false : '@aws-sdk/client-dynamodb-streams is not installed' }, async () => {
    const { DynamoDBStreamsClient, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand } = streams;
    await makeTable('st', { more: { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } });
    const key = { pk: S('a'), sk: N(1) };
    await send(new PutItemCommand({ TableName: 'st', Item: { ...key, v: N(1) } }));
    await send(new PutItemCommand({ TableName: 'st', Item: { ...key, v: N(1) } }));
    await send(new PutItemCommand({ TableName: 'st', Item: { ...key, v: N(2) } }));
    await send(new DeleteItemCommand({ TableName: 'st', Key: key }));
    const arn = (await send(new DescribeTableCommand({ TableName: 'st' }))).Table.LatestStreamArn;
    const sc = new DynamoDBStreamsClient(nimbus.config());
    const d = await sc.send(new DescribeStreamCommand({ StreamArn: arn }));
    const it = await sc.send(new GetShardIteratorCommand({ StreamArn: arn,
      ShardId: d.StreamDescription.Shards[0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const r = await sc.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
    assert.deepEqual(r.Records.map((x) => x.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
    assert.equal(r.Records[1].dynamodb.OldImage.v.N, '1');
    assert.equal(r.Records[1].dynamodb.NewImage.v.N, '2');
    assert.equal(r.Records[0].eventSource, 'aws:dynamodb');
    const seqs = r.Records.map((x) => BigInt(x.dynamodb.SequenceNumber));
    assert.ok(seqs[0] < seqs[1] && seqs[1] < seqs[2]);
  });

// ---- PartiQL
// AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html and the
// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction API references.

const BAD_STMT = "Statement wasn't well formed, can't be processed: ";
const pq = (Statement, Parameters, extra = {}) =>
  send(new ExecuteStatementCommand({ Statement, Parameters, ...extra }));

test('PartiQL INSERT: parameters, literals of every type; a second INSERT is DuplicateItemException', async () => {
  await makeTable('pq1');
  const r = await pq("INSERT INTO \"pq1\" VALUE {'pk': ?, 'sk': ?, 'n': 1.50, 'b': TRUE, 'z': NULL, " +
    "'l': [1, 'x'], 'm': {'k': 'v'}, 'ss': <<'a', 'b'>>, 'ns': <<1, 2>>, 'q': 'it''s'}", [S('a'), N(1)]);
  assert.deepEqual(r.Items, []);
  const g = await send(new GetItemCommand({ TableName: 'pq1', Key: { pk: S('a'), sk: N(1) } }));
  assert.deepEqual(g.Item, { pk: S('a'), sk: N(1), n: N(1.5), b: { BOOL: true }, z: { NULL: true },
    l: { L: [N(1), S('x')] }, m: { M: { k: S('v') } }, ss: { SS: ['a', 'b'] }, ns: { NS: ['1', '2'] },
    q: S("it's") });
  const err = await awsError(() => pq("INSERT INTO pq1 VALUE {'pk': 'a', 'sk': 1}"));
  assertAwsError(err, 'DuplicateItemException', 400, 'Duplicate primary key exists in table');
  const e2 = await awsError(() => pq("INSERT INTO pq1 VALUE {'pk': 'a'}"));
  assertAwsError(e2, 'ValidationException', 400, INV + 'Missing the key sk in the item');
  const e3 = await awsError(() => pq("INSERT INTO pq1 VALUE {'pk': ?, 'sk': 1}"));
  assertAwsError(e3, 'ValidationException', 400, "Number of parameters in request and statement don't match.");
  const e4 = await awsError(() => pq("INSERT INTO nope VALUE {'pk': 'a', 'sk': 1}"));
  assertAwsError(e4, 'ResourceNotFoundException', 400);
});

test('PartiQL SELECT: by key (Query order), by non-key (Scan), projection, Limit and NextToken', async () => {
  await makeTable('pq2');
  for (let i = 1; i <= 5; i++) {
    await pq('INSERT INTO pq2 VALUE {\'pk\': \'h\', \'sk\': ?, \'v\': ?, \'m\': {\'x\': ?}}', [N(i), N(i * 10), S(`x${i}`)]);
  }
  await pq("INSERT INTO pq2 VALUE {'pk': 'o', 'sk': 1, 'v': 30}");
  let r = await pq("SELECT * FROM pq2 WHERE pk = 'h'");
  assert.deepEqual(r.Items.map((x) => x.sk.N), ['1', '2', '3', '4', '5']);
  r = await pq("SELECT * FROM pq2 WHERE pk = 'h' ORDER BY sk DESC");
  assert.deepEqual(r.Items.map((x) => x.sk.N), ['5', '4', '3', '2', '1']);
  r = await pq('SELECT sk, m.x FROM pq2 WHERE pk = ? AND sk BETWEEN ? AND ?', [S('h'), N(2), N(3)]);
  assert.deepEqual(r.Items, [{ sk: N(2), m: { M: { x: S('x2') } } }, { sk: N(3), m: { M: { x: S('x3') } } }]);
  r = await pq('SELECT pk, sk FROM pq2 WHERE v = 30');
  assert.deepEqual(r.Items.map((x) => `${x.pk.S}${x.sk.N}`).sort(), ['h3', 'o1']);
  r = await pq("SELECT * FROM pq2 WHERE pk = 'h' AND (v < 20 OR begins_with(m.x, 'x5'))");
  assert.deepEqual(r.Items.map((x) => x.sk.N), ['1', '5']);
  r = await pq("SELECT * FROM pq2 WHERE pk = 'h' AND sk IN [2, 4] AND nope IS MISSING", undefined,
    { ConsistentRead: true });
  assert.deepEqual(r.Items.map((x) => x.sk.N), ['2', '4']);
  // pages of two
  const seen = [];
  let token;
  do {
    r = await pq("SELECT * FROM pq2 WHERE pk = 'h'", undefined, { Limit: 2, NextToken: token });
    seen.push(...r.Items.map((x) => x.sk.N));
    token = r.NextToken;
    if (token) assert.equal(r.Items.length, 2);
  } while (token);
  assert.deepEqual(seen, ['1', '2', '3', '4', '5']);
  // a sort key condition bounds the read, as in a Query: Limit counts items in the range only
  r = await pq("SELECT * FROM pq2 WHERE pk = 'h' AND sk > 3", undefined, { Limit: 1 });
  assert.deepEqual(r.Items.map((x) => x.sk.N), ['4']);
  r = await pq("SELECT * FROM pq2 WHERE pk = 'h' AND sk > 3", undefined, { Limit: 1, NextToken: r.NextToken });
  assert.deepEqual(r.Items.map((x) => x.sk.N), ['5']);
  const err = await awsError(() => pq('SELEC * FROM pq2'));
  assertAwsError(err, 'ValidationException', 400, BAD_STMT + 'Expected data manipulation');
  const e2 = await awsError(() => pq("SELECT * FROM pq2 WHERE pk = 'h'", undefined, { NextToken: 'bm9wZQ==' }));
  assertAwsError(e2, 'ValidationException', 400, 'Invalid NextToken');
});

test('PartiQL UPDATE and DELETE: SET, REMOVE, arithmetic, RETURNING; missing items; key rules', async () => {
  await makeTable('pq3');
  await pq("INSERT INTO pq3 VALUE {'pk': 'a', 'sk': 1, 'n': 5, 'l': [1], 'gone': 'x', 'ss': <<'p'>>}");
  let r = await pq("UPDATE pq3 SET n = n + 2, l = list_append(l, [2]), t = 'new' SET ss = set_add(ss, <<'q'>>) " +
    "REMOVE gone WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *");
  assert.deepEqual(r.Items, [{ pk: S('a'), sk: N(1), n: N(7), l: { L: [N(1), N(2)] }, t: S('new'),
    ss: { SS: ['p', 'q'] } }]);
  r = await pq("UPDATE pq3 SET n = n - 10 WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED OLD *");
  assert.deepEqual(r.Items, [{ n: N(7) }]);
  let err = await awsError(() => pq("UPDATE pq3 SET n = 1 WHERE pk = 'a' AND sk = 2"));
  assertAwsError(err, 'ConditionalCheckFailedException', 400, 'The conditional request failed');
  err = await awsError(() => pq("UPDATE pq3 SET n = 1 WHERE pk = 'a' AND sk = 1 AND n = 100", undefined,
    { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
  assertAwsError(err, 'ConditionalCheckFailedException', 400, 'The conditional request failed');
  assert.equal(err.Item.n.N, '-3');
  err = await awsError(() => pq("UPDATE pq3 SET n = 1 WHERE pk = 'a'"));
  assertAwsError(err, 'ValidationException', 400,
    'Where clause does not contain a mandatory equality on all key attributes');
  err = await awsError(() => pq("UPDATE pq3 SET sk = 3 WHERE pk = 'a' AND sk = 1"));
  assertAwsError(err, 'ValidationException', 400,
    INV + 'Cannot update attribute sk. This attribute is part of the key');
  r = await pq("DELETE FROM pq3 WHERE pk = 'a' AND sk = 9");
  assert.deepEqual(r.Items, [], 'deleting a missing item does nothing');
  err = await awsError(() => pq("DELETE FROM pq3 WHERE pk = 'a' AND sk = 1 AND n > 0"));
  assertAwsError(err, 'ConditionalCheckFailedException', 400);
  r = await pq('DELETE FROM pq3 WHERE pk = ? AND sk = ? RETURNING ALL OLD *', [S('a'), N(1)]);
  assert.equal(r.Items[0].t.S, 'new');
  const g = await send(new GetItemCommand({ TableName: 'pq3', Key: { pk: S('a'), sk: N(1) } }));
  assert.equal(g.Item, undefined);
});

test('PartiQL writes make stream records like any other write',
  { skip: streams ? false : '@aws-sdk/client-dynamodb-streams is not installed' }, async () => {
    const { DynamoDBStreamsClient, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand } = streams;
    await makeTable('pq4', { more: { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } });
    await pq("INSERT INTO pq4 VALUE {'pk': 'a', 'sk': 1, 'v': 1}");
    await pq("UPDATE pq4 SET v = 2 WHERE pk = 'a' AND sk = 1");
    await pq("DELETE FROM pq4 WHERE pk = 'a' AND sk = 1");
    const arn = (await send(new DescribeTableCommand({ TableName: 'pq4' }))).Table.LatestStreamArn;
    const sc = new DynamoDBStreamsClient(nimbus.config());
    const d = await sc.send(new DescribeStreamCommand({ StreamArn: arn }));
    const it = await sc.send(new GetShardIteratorCommand({ StreamArn: arn,
      ShardId: d.StreamDescription.Shards[0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const r = await sc.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
    assert.deepEqual(r.Records.map((x) => x.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
    assert.equal(r.Records[1].dynamodb.NewImage.v.N, '2');
  });

test('BatchExecuteStatement: per-statement Error, TableName and Item', async () => {
  await makeTable('pq5');
  await pq("INSERT INTO pq5 VALUE {'pk': 'a', 'sk': 1, 'v': 1}");
  await pq("INSERT INTO pq5 VALUE {'pk': 'a', 'sk': 2, 'v': 1}");
  const w = await send(new BatchExecuteStatementCommand({ Statements: [
    { Statement: "INSERT INTO pq5 VALUE {'pk': 'b', 'sk': 1}" },
    { Statement: "INSERT INTO pq5 VALUE {'pk': 'a', 'sk': 1}" },
    { Statement: "UPDATE pq5 SET v = 2 WHERE pk = 'a' AND sk = 2 AND v = 5",
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
    { Statement: 'DELETE FROM pq5 WHERE pk = ? AND sk = ?', Parameters: [S('zz'), N(1)] },
    { Statement: 'UPDATE pq5 SET' },
  ] }));
  assert.deepEqual(w.Responses[0], { TableName: 'pq5' });
  assert.deepEqual(w.Responses[1], { TableName: 'pq5',
    Error: { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' } });
  assert.deepEqual(w.Responses[2], { TableName: 'pq5', Error: { Code: 'ConditionalCheckFailed',
    Message: 'The conditional request failed', Item: { pk: S('a'), sk: N(2), v: N(1) } } });
  assert.deepEqual(w.Responses[3], { TableName: 'pq5' });
  assert.equal(w.Responses[4].Error.Code, 'ValidationError');
  assert.equal(w.Responses[4].Error.Message, BAD_STMT + 'Unexpected end of statement');
  const rd = await send(new BatchExecuteStatementCommand({ Statements: [
    { Statement: "SELECT * FROM pq5 WHERE pk = 'a' AND sk = 1" },
    { Statement: "SELECT * FROM pq5 WHERE pk = 'nobody' AND sk = 1" },
    { Statement: "SELECT * FROM pq5 WHERE pk = 'a'" },
  ] }));
  assert.deepEqual(rd.Responses[0], { TableName: 'pq5', Item: { pk: S('a'), sk: N(1), v: N(1) } });
  assert.deepEqual(rd.Responses[1], { TableName: 'pq5' });
  assert.deepEqual(rd.Responses[2].Error, { Code: 'ValidationError', Message:
    'Select statements within BatchExecuteStatement must specify the primary key in the where clause.' });
  const err = await awsError(() => send(new BatchExecuteStatementCommand({ Statements: [
    { Statement: "SELECT * FROM pq5 WHERE pk = 'a' AND sk = 1" },
    { Statement: "DELETE FROM pq5 WHERE pk = 'a' AND sk = 1" }] })));
  assertAwsError(err, 'ValidationException', 400,
    'Read and write requests together in the same batch is not supported.');
  const e2 = await awsError(() => send(new BatchExecuteStatementCommand({ Statements: [
    { Statement: "UPDATE pq5 SET v = 7 WHERE pk = 'a' AND sk = 1" },
    { Statement: 'DELETE FROM pq5 WHERE pk = ? AND sk = ?', Parameters: [S('a'), N(1)] }] })));
  assertAwsError(e2, 'ValidationException', 400, 'Provided list of item keys contains duplicates');
  const g = await send(new GetItemCommand({ TableName: 'pq5', Key: { pk: S('a'), sk: N(1) } }));
  assert.equal(g.Item.v.N, '1', 'nothing of the rejected batch was written');
});

test('ExecuteTransaction: all or nothing, CancellationReasons, reads, idempotent token', async () => {
  await makeTable('pq6');
  await send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: "INSERT INTO pq6 VALUE {'pk': 'a', 'sk': 1, 'v': 1}" },
    { Statement: "INSERT INTO pq6 VALUE {'pk': 'b', 'sk': 1, 'v': 1}" },
    { Statement: "INSERT INTO pq6 VALUE {'pk': 'c', 'sk': 1}" }] }));
  const err = await awsError(() => send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: "UPDATE pq6 SET v = 2 WHERE pk = 'a' AND sk = 1" },
    { Statement: "INSERT INTO pq6 VALUE {'pk': 'c', 'sk': 1}" },
    { Statement: "UPDATE pq6 SET v = 2 WHERE pk = 'b' AND sk = 1 AND v = 9", ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
  ] })));
  assertAwsError(err, 'TransactionCanceledException', 400, 'Transaction cancelled, please refer ' +
    'cancellation reasons for specific reasons [None, DuplicateItem, ConditionalCheckFailed]');
  assert.deepEqual(err.CancellationReasons.map((x) => x.Code), ['None', 'DuplicateItem', 'ConditionalCheckFailed']);
  assert.deepEqual(err.CancellationReasons[2].Item, { pk: S('b'), sk: N(1), v: N(1) });
  const rd = await send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: 'SELECT v FROM pq6 WHERE pk = ? AND sk = ?', Parameters: [S('a'), N(1)] },
    { Statement: "SELECT * FROM pq6 WHERE pk = 'zz' AND sk = 1" }] }));
  assert.deepEqual(rd.Responses, [{ Item: { v: N(1) } }, {}], 'nothing was written');
  const tx = (v) => send(new ExecuteTransactionCommand({ ClientRequestToken: 'pq-token-1', TransactStatements: [
    { Statement: `UPDATE pq6 SET v = v + ${v} WHERE pk = 'a' AND sk = 1` }] }));
  await tx(1);
  await tx(1);
  const g = await send(new GetItemCommand({ TableName: 'pq6', Key: { pk: S('a'), sk: N(1) } }));
  assert.equal(g.Item.v.N, '2', 'the repeated request did not write again');
  const e2 = await awsError(() => tx(5));
  assertAwsError(e2, 'IdempotentParameterMismatchException', 400);
  const e3 = await awsError(() => send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: "SELECT * FROM pq6 WHERE pk = 'a' AND sk = 1" },
    { Statement: "DELETE FROM pq6 WHERE pk = 'a' AND sk = 1" }] })));
  assertAwsError(e3, 'ValidationException', 400,
    'ExecuteTransaction API does not support both read and write operations in the same request.');
  const e4 = await awsError(() => send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: "DELETE FROM pq6 WHERE pk = 'a' AND sk = 1" },
    { Statement: "UPDATE pq6 SET v = 1 WHERE pk = 'a' AND sk = 1" }] })));
  assertAwsError(e4, 'ValidationException', 400,
    'Transaction request cannot include multiple operations on one item');
});

test('DocumentClient: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction with native values', async () => {
  await makeTable('pq7');
  const doc = DynamoDBDocumentClient.from(ddb());
  await doc.send(new DocExecuteStatementCommand({ Statement: 'INSERT INTO pq7 VALUE {\'pk\': ?, \'sk\': ?, \'tags\': ?, \'n\': ?}',
    Parameters: ['k', 1, ['a', 'b'], 2.5] }));
  const r = await doc.send(new DocExecuteStatementCommand({ Statement: 'SELECT * FROM pq7 WHERE pk = ?', Parameters: ['k'] }));
  assert.deepEqual(r.Items, [{ pk: 'k', sk: 1, tags: ['a', 'b'], n: 2.5 }]);
  await doc.send(new DocExecuteTransactionCommand({ TransactStatements: [
    { Statement: 'UPDATE pq7 SET n = n + ? WHERE pk = ? AND sk = ?', Parameters: [1, 'k', 1] }] }));
  const b = await doc.send(new DocBatchExecuteStatementCommand({ Statements: [
    { Statement: 'SELECT n FROM pq7 WHERE pk = ? AND sk = ?', Parameters: ['k', 1] }] }));
  assert.deepEqual(b.Responses, [{ TableName: 'pq7', Item: { n: 3.5 } }]);
});

// ---- capacity, item collections, table class, size limits
// AWS: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
// (4 KB read units, halved when eventually consistent; 1 KB write units; transactions twice),
// GSI.html#GSI.ThroughputConsiderations.Writes (index writes), LSI.html#LSI.ItemCollections.

async function indexedTable(name) {
  await makeTable(name, {
    defs: [{ AttributeName: 'gk', AttributeType: 'S' }, { AttributeName: 'lk', AttributeType: 'S' }],
    more: {
      GlobalSecondaryIndexes: [{ IndexName: 'gsi', KeySchema: [{ AttributeName: 'gk', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' } }],
      LocalSecondaryIndexes: [{ IndexName: 'lsi', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'lk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
    },
  });
}

test('ConsumedCapacity of writes: table and index units, TOTAL and INDEXES', async () => {
  await indexedTable('cap1');
  const key = { pk: S('a'), sk: N(1) };
  let r = await send(new PutItemCommand({ TableName: 'cap1', ReturnConsumedCapacity: 'INDEXES',
    Item: { ...key, gk: S('g1'), lk: S('l1'), x: S('small') } }));
  assert.deepEqual(r.ConsumedCapacity, { TableName: 'cap1', CapacityUnits: 3, WriteCapacityUnits: 3,
    Table: { CapacityUnits: 1, WriteCapacityUnits: 1 },
    GlobalSecondaryIndexes: { gsi: { CapacityUnits: 1, WriteCapacityUnits: 1 } },
    LocalSecondaryIndexes: { lsi: { CapacityUnits: 1, WriteCapacityUnits: 1 } } });
  // a new GSI key: delete and put in g; the KEYS_ONLY LSI is untouched
  r = await send(new UpdateItemCommand({ TableName: 'cap1', Key: key, ReturnConsumedCapacity: 'TOTAL',
    UpdateExpression: 'SET gk = :g', ExpressionAttributeValues: { ':g': S('g2') } }));
  assert.deepEqual(r.ConsumedCapacity, { TableName: 'cap1', CapacityUnits: 3, WriteCapacityUnits: 3 });
  // a projected attribute only: one write in g (ALL), none in l
  r = await send(new UpdateItemCommand({ TableName: 'cap1', Key: key, ReturnConsumedCapacity: 'INDEXES',
    UpdateExpression: 'SET x = :x', ExpressionAttributeValues: { ':x': S('y'.repeat(1500)) } }));
  assert.equal(r.ConsumedCapacity.Table.CapacityUnits, 2, '1.5 KB item: two write units');
  assert.deepEqual(r.ConsumedCapacity.GlobalSecondaryIndexes, { gsi: { CapacityUnits: 2, WriteCapacityUnits: 2 } });
  assert.equal(r.ConsumedCapacity.LocalSecondaryIndexes, undefined);
  assert.equal(r.ConsumedCapacity.CapacityUnits, 4);
  r = await send(new PutItemCommand({ TableName: 'cap1', ReturnConsumedCapacity: 'TOTAL',
    Item: { pk: S('b'), sk: N(1) } }));
  assert.equal(r.ConsumedCapacity.CapacityUnits, 1, 'no index keys: the table only');
  r = await send(new DeleteItemCommand({ TableName: 'cap1', Key: key, ReturnConsumedCapacity: 'TOTAL' }));
  assert.equal(r.ConsumedCapacity.CapacityUnits, 2 + 2 + 1, 'the item leaves the table, g and l');
  r = await send(new DeleteItemCommand({ TableName: 'cap1', Key: key, ReturnConsumedCapacity: 'TOTAL' }));
  assert.equal(r.ConsumedCapacity.CapacityUnits, 1, 'deleting nothing still costs a unit');
  r = await send(new PutItemCommand({ TableName: 'cap1', Item: key, ReturnConsumedCapacity: 'NONE' }));
  assert.equal(r.ConsumedCapacity, undefined);
});

test('ConsumedCapacity of reads: 4 KB units, consistency, Query and Scan sums, indexes', async () => {
  await indexedTable('cap2');
  const big = S('z'.repeat(3000));
  for (let i = 1; i <= 3; i++) {
    await send(new PutItemCommand({ TableName: 'cap2', Item: { pk: S('a'), sk: N(i), gk: S('g'), big } }));
  }
  const key = { pk: S('a'), sk: N(1) };
  let r = await send(new GetItemCommand({ TableName: 'cap2', Key: key, ReturnConsumedCapacity: 'TOTAL' }));
  assert.deepEqual(r.ConsumedCapacity, { TableName: 'cap2', CapacityUnits: 0.5, ReadCapacityUnits: 0.5 });
  r = await send(new GetItemCommand({ TableName: 'cap2', Key: key, ReturnConsumedCapacity: 'INDEXES',
    ConsistentRead: true, ProjectionExpression: 'pk' }));
  assert.deepEqual(r.ConsumedCapacity.Table, { CapacityUnits: 1, ReadCapacityUnits: 1 });
  r = await send(new GetItemCommand({ TableName: 'cap2', Key: { pk: S('no'), sk: N(1) },
    ReturnConsumedCapacity: 'TOTAL', ConsistentRead: true }));
  assert.equal(r.ConsumedCapacity.CapacityUnits, 1, 'a missing item still costs a unit');
  // three items of about 3 KB: 9 KB read, 3 units, halved
  r = await send(new QueryCommand({ TableName: 'cap2', KeyConditionExpression: 'pk = :a',
    ExpressionAttributeValues: { ':a': S('a') }, ReturnConsumedCapacity: 'TOTAL' }));
  assert.equal(r.ConsumedCapacity.CapacityUnits, 1.5);
  r = await send(new ScanCommand({ TableName: 'cap2', ReturnConsumedCapacity: 'TOTAL', ConsistentRead: true,
    FilterExpression: 'sk = :one', ExpressionAttributeValues: { ':one': N(1) } }));
  assert.equal(r.ConsumedCapacity.CapacityUnits, 3, 'a filter does not lower the cost');
  r = await send(new QueryCommand({ TableName: 'cap2', IndexName: 'gsi', KeyConditionExpression: 'gk = :g',
    ExpressionAttributeValues: { ':g': S('g') }, ReturnConsumedCapacity: 'INDEXES' }));
  assert.deepEqual(r.ConsumedCapacity, { TableName: 'cap2', CapacityUnits: 1.5, ReadCapacityUnits: 1.5,
    GlobalSecondaryIndexes: { gsi: { CapacityUnits: 1.5, ReadCapacityUnits: 1.5 } } });
});

test('ConsumedCapacity of batches and transactions: one entry per table; transactions cost twice', async () => {
  await makeTable('cap3');
  await makeTable('cap4');
  let r = await send(new BatchWriteItemCommand({ ReturnConsumedCapacity: 'TOTAL', RequestItems: {
    cap3: [{ PutRequest: { Item: { pk: S('a'), sk: N(1) } } }, { PutRequest: { Item: { pk: S('b'), sk: N(1) } } }],
    cap4: [{ PutRequest: { Item: { pk: S('a'), sk: N(1) } } }] } }));
  assert.deepEqual(r.ConsumedCapacity, [{ TableName: 'cap3', CapacityUnits: 2, WriteCapacityUnits: 2 },
    { TableName: 'cap4', CapacityUnits: 1, WriteCapacityUnits: 1 }]);
  r = await send(new BatchGetItemCommand({ ReturnConsumedCapacity: 'TOTAL', RequestItems: {
    cap3: { Keys: [{ pk: S('a'), sk: N(1) }, { pk: S('b'), sk: N(1) }], ConsistentRead: true } } }));
  assert.deepEqual(r.ConsumedCapacity, [{ TableName: 'cap3', CapacityUnits: 2, ReadCapacityUnits: 2 }]);
  r = await send(new TransactWriteItemsCommand({ ReturnConsumedCapacity: 'TOTAL', TransactItems: [
    { Put: { TableName: 'cap3', Item: { pk: S('c'), sk: N(1) } } },
    { Update: { TableName: 'cap4', Key: { pk: S('a'), sk: N(1) }, UpdateExpression: 'SET v = :v',
      ExpressionAttributeValues: { ':v': N(1) } } }] }));
  assert.deepEqual(r.ConsumedCapacity, [{ TableName: 'cap3', CapacityUnits: 2, WriteCapacityUnits: 2 },
    { TableName: 'cap4', CapacityUnits: 2, WriteCapacityUnits: 2 }]);
  r = await send(new TransactGetItemsCommand({ ReturnConsumedCapacity: 'TOTAL', TransactItems: [
    { Get: { TableName: 'cap3', Key: { pk: S('c'), sk: N(1) } } }] }));
  assert.deepEqual(r.ConsumedCapacity, [{ TableName: 'cap3', CapacityUnits: 2, ReadCapacityUnits: 2 }]);
});

test('ReturnItemCollectionMetrics SIZE: tables with local secondary indexes only', async () => {
  await indexedTable('icm1');
  await makeTable('icm2');
  let r = await send(new PutItemCommand({ TableName: 'icm1', ReturnItemCollectionMetrics: 'SIZE',
    Item: { pk: S('a'), sk: N(1), lk: S('x') } }));
  assert.deepEqual(r.ItemCollectionMetrics, { ItemCollectionKey: { pk: S('a') }, SizeEstimateRangeGB: [0, 1] });
  r = await send(new UpdateItemCommand({ TableName: 'icm1', Key: { pk: S('a'), sk: N(2) },
    ReturnItemCollectionMetrics: 'SIZE', UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': N(1) } }));
  assert.deepEqual(r.ItemCollectionMetrics.ItemCollectionKey, { pk: S('a') });
  r = await send(new PutItemCommand({ TableName: 'icm2', ReturnItemCollectionMetrics: 'SIZE',
    Item: { pk: S('a'), sk: N(1) } }));
  assert.equal(r.ItemCollectionMetrics, undefined, 'no LSI: no metrics');
  r = await send(new BatchWriteItemCommand({ ReturnItemCollectionMetrics: 'SIZE', RequestItems: {
    icm1: [{ PutRequest: { Item: { pk: S('b'), sk: N(1) } } }],
    icm2: [{ PutRequest: { Item: { pk: S('b'), sk: N(1) } } }] } }));
  assert.deepEqual(r.ItemCollectionMetrics, { icm1: [{ ItemCollectionKey: { pk: S('b') }, SizeEstimateRangeGB: [0, 1] }] });
  r = await send(new TransactWriteItemsCommand({ ReturnItemCollectionMetrics: 'SIZE', TransactItems: [
    { Delete: { TableName: 'icm1', Key: { pk: S('b'), sk: N(1) } } }] }));
  assert.deepEqual(r.ItemCollectionMetrics.icm1[0].ItemCollectionKey, { pk: S('b') });
});

test('TableClass on CreateTable and UpdateTable', async () => {
  await makeTable('tc1', { more: { TableClass: 'STANDARD_INFREQUENT_ACCESS' } });
  let d = (await send(new DescribeTableCommand({ TableName: 'tc1' }))).Table;
  assert.equal(d.TableClassSummary.TableClass, 'STANDARD_INFREQUENT_ACCESS');
  const u = await send(new UpdateTableCommand({ TableName: 'tc1', TableClass: 'STANDARD' }));
  assert.equal(u.TableDescription.TableClassSummary.TableClass, 'STANDARD');
  d = (await send(new DescribeTableCommand({ TableName: 'tc1' }))).Table;
  assert.equal(d.TableClassSummary.TableClass, 'STANDARD');
  assert.ok(d.TableClassSummary.LastUpdateDateTime instanceof Date);
  const err = await awsError(() => send(new UpdateTableCommand({ TableName: 'tc1', TableClass: 'COLD' })));
  assertAwsError(err, 'ValidationException', 400);
});

test('Item and key size limits (AWS messages)', async () => {
  await makeTable('lim1');
  let err = await awsError(() => send(new PutItemCommand({ TableName: 'lim1',
    Item: { pk: S('a'), sk: N(1), big: S('x'.repeat(400 * 1024)) } })));
  assertAwsError(err, 'ValidationException', 400, 'Item size has exceeded the maximum allowed size');
  await send(new PutItemCommand({ TableName: 'lim1', Item: { pk: S('a'), sk: N(1), big: S('x'.repeat(300 * 1024)) } }));
  err = await awsError(() => send(new UpdateItemCommand({ TableName: 'lim1', Key: { pk: S('a'), sk: N(1) },
    UpdateExpression: 'SET more = :m', ExpressionAttributeValues: { ':m': S('y'.repeat(200 * 1024)) } })));
  assertAwsError(err, 'ValidationException', 400, 'Item size to update has exceeded the maximum allowed size');
  err = await awsError(() => send(new PutItemCommand({ TableName: 'lim1', Item: { pk: S('h'.repeat(2049)), sk: N(1) } })));
  assertAwsError(err, 'ValidationException', 400,
    INV + 'Size of hashkey has exceeded the maximum size limit of2048 bytes');
  await makeTable('lim2', { defs: [], more: {
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }] } });
  err = await awsError(() => send(new PutItemCommand({ TableName: 'lim2', Item: { pk: S('a'), sk: S('r'.repeat(1025)) } })));
  assertAwsError(err, 'ValidationException', 400,
    INV + 'Aggregated size of all range keys has exceeded the size limit of 1024 bytes');
  await send(new PutItemCommand({ TableName: 'lim2', Item: { pk: S('h'.repeat(2048)), sk: S('r'.repeat(1024)) } }));
});

test('ReturnValuesOnConditionCheckFailure on UpdateItem, DeleteItem and TransactWriteItems', async () => {
  // AWS: API reference, ReturnValuesOnConditionCheckFailure: ALL_OLD returns the item as it was
  // when the condition failed; NONE (the default) returns nothing.
  await makeTable('rvf');
  const key = { pk: S('a'), sk: N(1) };
  await send(new PutItemCommand({ TableName: 'rvf', Item: { ...key, v: N(1) } }));
  let err = await awsError(() => send(new UpdateItemCommand({ TableName: 'rvf', Key: key,
    UpdateExpression: 'SET v = :v', ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': N(9) },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
  assertAwsError(err, 'ConditionalCheckFailedException', 400, 'The conditional request failed');
  assert.deepEqual(err.Item, { ...key, v: N(1) });
  err = await awsError(() => send(new DeleteItemCommand({ TableName: 'rvf', Key: key,
    Expected: { v: { Value: N(9) } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
  assertAwsError(err, 'ConditionalCheckFailedException', 400);
  assert.deepEqual(err.Item, { ...key, v: N(1) }, 'legacy Expected too');
  err = await awsError(() => send(new DeleteItemCommand({ TableName: 'rvf', Key: key,
    ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': N(9) },
    ReturnValuesOnConditionCheckFailure: 'NONE' })));
  assert.equal(err.Item, undefined);
  err = await awsError(() => send(new UpdateItemCommand({ TableName: 'rvf', Key: { pk: S('zz'), sk: N(1) },
    UpdateExpression: 'SET v = :v', ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':v': N(9) }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
  assert.equal(err.Item, undefined, 'no item, nothing to return');
  err = await awsError(() => send(new TransactWriteItemsCommand({ TransactItems: [
    { Put: { TableName: 'rvf', Item: { pk: S('b'), sk: N(1) } } },
    { Update: { TableName: 'rvf', Key: key, UpdateExpression: 'SET v = :v', ConditionExpression: 'v = :v',
      ExpressionAttributeValues: { ':v': N(9) }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } }] })));
  assertAwsError(err, 'TransactionCanceledException', 400, 'Transaction cancelled, please refer cancellation ' +
    'reasons for specific reasons [None, ConditionalCheckFailed]');
  assert.deepEqual(err.CancellationReasons[1], { Code: 'ConditionalCheckFailed',
    Message: 'The conditional request failed', Item: { ...key, v: N(1) } });
  assert.deepEqual(err.CancellationReasons[0], { Code: 'None' });
});

test('PartiQL ConsumedCapacity: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction', async () => {
  await makeTable('pqc');
  let r = await pq("INSERT INTO pqc VALUE {'pk': 'a', 'sk': 1}", undefined, { ReturnConsumedCapacity: 'TOTAL' });
  assert.deepEqual(r.ConsumedCapacity, { TableName: 'pqc', CapacityUnits: 1, WriteCapacityUnits: 1 });
  r = await pq("SELECT * FROM pqc WHERE pk = 'a'", undefined, { ReturnConsumedCapacity: 'TOTAL', ConsistentRead: true });
  assert.deepEqual(r.ConsumedCapacity, { TableName: 'pqc', CapacityUnits: 1, ReadCapacityUnits: 1 });
  r = await send(new BatchExecuteStatementCommand({ ReturnConsumedCapacity: 'TOTAL', Statements: [
    { Statement: "INSERT INTO pqc VALUE {'pk': 'b', 'sk': 1}" },
    { Statement: "INSERT INTO pqc VALUE {'pk': 'c', 'sk': 1}" }] }));
  assert.deepEqual(r.ConsumedCapacity, [{ TableName: 'pqc', CapacityUnits: 2, WriteCapacityUnits: 2 }]);
  r = await send(new ExecuteTransactionCommand({ ReturnConsumedCapacity: 'TOTAL', TransactStatements: [
    { Statement: "UPDATE pqc SET v = 1 WHERE pk = 'a' AND sk = 1" }] }));
  assert.deepEqual(r.ConsumedCapacity, [{ TableName: 'pqc', CapacityUnits: 2, WriteCapacityUnits: 2 }]);
  r = await send(new ExecuteTransactionCommand({ ReturnConsumedCapacity: 'TOTAL', TransactStatements: [
    { Statement: "SELECT * FROM pqc WHERE pk = 'a' AND sk = 1" }] }));
  assert.deepEqual(r.ConsumedCapacity, [{ TableName: 'pqc', CapacityUnits: 2, ReadCapacityUnits: 2 }]);
});

nimbus.checkExit();
