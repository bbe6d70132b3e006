// SQS through AWS SDK for JavaScript v3 (awsJson1_0 with x-amzn-query-mode;
// errors carry the query codes in x-amzn-query-error, which the SDK turns
// into err.name). The SDK checks MD5OfMessageBody on every send and
// receive, so each successful call here also checks the digests.
// Expected values come from the SQS API reference
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/)
// and AWS answers recorded against real SQS by LocalStack
// (tests/aws/services/sqs/test_sqs.snapshot.json, test_sqs_move_task.snapshot.json).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AddPermissionCommand,
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueueTagsCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SQSClient,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  StartMessageMoveTaskCommand,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import { assertAwsError, awsError, useNimbus } from './helpers.mjs';

const nimbus = useNimbus();
let client;
const sqs = () => (client ??= new SQSClient(nimbus.config()));
const send = (cmd) => sqs().send(cmd);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const arn = (name) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

// The SDK names a modeled error after its shape (QueueDoesNotExist) and
// gives the query code from x-amzn-query-error in err.Code
// (AWS.SimpleQueueService.NonExistentQueue); unmodeled errors are named by
// that code.
const QUERY_CODES = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  QueueNameExists: 'QueueAlreadyExists',
  PurgeQueueInProgress: 'AWS.SimpleQueueService.PurgeQueueInProgress',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
};
function assertSqsError(err, name, status, message) {
  assertAwsError(err, name, status, message);
  assert.equal(err.Code, QUERY_CODES[name] ?? name, 'query-compatible code (x-amzn-query-error)');
  assert.equal(err.Type, 'Sender');
}

async function queue(name, Attributes, tags) {
  return (await send(new CreateQueueCommand({ QueueName: name, Attributes, tags }))).QueueUrl;
}

async function receive(QueueUrl, extra = {}) {
  const r = await send(new ReceiveMessageCommand({ QueueUrl, ...extra }));
  return r.Messages ?? [];
}

test('CreateQueue, GetQueueUrl, ListQueues, DeleteQueue', async () => {
  const url = await queue('sdk-q1');
  assert.equal(url, `${nimbus.endpoint}/000000000000/sdk-q1`);
  assert.equal(await queue('sdk-q1', { VisibilityTimeout: '30' }), url);
  const err = await awsError(() => queue('sdk-q1', { DelaySeconds: '1' }));
  assertSqsError(err, 'QueueNameExists', 400,
    'A queue already exists with the same name and a different value for attribute DelaySeconds');
  assert.equal((await send(new GetQueueUrlCommand({ QueueName: 'sdk-q1' }))).QueueUrl, url);
  await queue('sdk-q2');
  const all = await send(new ListQueuesCommand({ QueueNamePrefix: 'sdk-q' }));
  assert.deepEqual(all.QueueUrls, [url, `${nimbus.endpoint}/000000000000/sdk-q2`]);
  const page = await send(new ListQueuesCommand({ QueueNamePrefix: 'sdk-q', MaxResults: 1 }));
  assert.deepEqual(page.QueueUrls, [url]);
  const next = await send(new ListQueuesCommand({
    QueueNamePrefix: 'sdk-q', MaxResults: 1, NextToken: page.NextToken,
  }));
  assert.deepEqual(next.QueueUrls, [`${nimbus.endpoint}/000000000000/sdk-q2`]);
  await send(new DeleteQueueCommand({ QueueUrl: `${nimbus.endpoint}/000000000000/sdk-q2` }));
  const gone = await awsError(() => send(new GetQueueUrlCommand({ QueueName: 'sdk-q2' })));
  assertSqsError(gone, 'QueueDoesNotExist', 400,
    'The specified queue does not exist.');
});

test('a queue URL on another host or as a bare path names the same queue', async () => {
  await queue('sdk-url');
  for (const QueueUrl of ['http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/sdk-url',
    'https://sqs.us-east-1.amazonaws.com/000000000000/sdk-url', '/000000000000/sdk-url']) {
    const r = await send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    assert.equal(r.Attributes.QueueArn, arn('sdk-url'), QueueUrl);
  }
});

test('GetQueueAttributes and SetQueueAttributes', async () => {
  const url = await queue('sdk-attrs');
  const r = await send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  assert.equal(r.Attributes.VisibilityTimeout, '30');
  assert.equal(r.Attributes.DelaySeconds, '0');
  assert.equal(r.Attributes.ReceiveMessageWaitTimeSeconds, '0');
  assert.equal(r.Attributes.QueueArn, arn('sdk-attrs'));
  assert.match(r.Attributes.CreatedTimestamp, /^\d{10}$/);
  await send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: '7' } }));
  const r2 = await send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['DelaySeconds'] }));
  assert.deepEqual(r2.Attributes, { DelaySeconds: '7' });
  const bad = await awsError(() => send(new SetQueueAttributesCommand({
    QueueUrl: url, Attributes: { VisibilityTimeout: '-1' },
  })));
  assertSqsError(bad, 'InvalidAttributeValue', 400, 'Invalid value for the parameter VisibilityTimeout.');
  const unknown = await awsError(() => send(new GetQueueAttributesCommand({
    QueueUrl: url, AttributeNames: ['Nope'],
  })));
  assertSqsError(unknown, 'InvalidAttributeName', 400, 'Unknown Attribute Nope.');
  const missing = await awsError(() => send(new GetQueueAttributesCommand({
    QueueUrl: `${nimbus.endpoint}/000000000000/nope`, AttributeNames: ['All'],
  })));
  assertSqsError(missing, 'QueueDoesNotExist', 400,
    'The specified queue does not exist.');
});

test('tags and permissions', async () => {
  const url = await queue('sdk-tags', undefined, { a: '1' });
  await send(new TagQueueCommand({ QueueUrl: url, Tags: { b: '2', c: '3' } }));
  await send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['c'] }));
  assert.deepEqual((await send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { a: '1', b: '2' });
  await send(new AddPermissionCommand({
    QueueUrl: url, Label: 'l1', AWSAccountIds: ['111122223333'], Actions: ['ReceiveMessage'],
  }));
  const p = await send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }));
  const policy = JSON.parse(p.Attributes.Policy);
  assert.equal(policy.Statement[0].Sid, 'l1');
  assert.deepEqual(policy.Statement[0].Action, ['SQS:ReceiveMessage']);
  await send(new RemovePermissionCommand({ QueueUrl: url, Label: 'l1' }));
  const err = await awsError(() => send(new RemovePermissionCommand({ QueueUrl: url, Label: 'l1' })));
  assertSqsError(err, 'InvalidParameterValue', 400,
    "Value l1 for parameter Label is invalid. Reason: can't find label.");
});

test('SendMessage, ReceiveMessage, DeleteMessage with attributes and MD5s', async () => {
  const url = await queue('sdk-msg');
  const s = await send(new SendMessageCommand({
    QueueUrl: url,
    MessageBody: 'héllo ✓',
    MessageAttributes: {
      Foo: { DataType: 'String', StringValue: 'Bar' },
      Bin: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) },
    },
    MessageSystemAttributes: {
      AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' },
    },
  }));
  assert.match(s.MessageId, /^[0-9a-f-]{36}$/);
  assert.match(s.MD5OfMessageAttributes, /^[0-9a-f]{32}$/);
  assert.match(s.MD5OfMessageSystemAttributes, /^[0-9a-f]{32}$/);
  const [m] = await receive(url, {
    MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'],
  });
  assert.equal(m.MessageId, s.MessageId);
  assert.equal(m.Body, 'héllo ✓');
  assert.equal(m.MD5OfMessageAttributes, s.MD5OfMessageAttributes);
  assert.equal(m.MessageAttributes.Foo.StringValue, 'Bar');
  assert.deepEqual([...m.MessageAttributes.Bin.BinaryValue], [0, 1, 2, 255]);
  assert.equal(m.Attributes.AWSTraceHeader, 'Root=1-5759e988-bd862e3fe1be46a994272793');
  assert.equal(m.Attributes.ApproximateReceiveCount, '1');
  assert.equal(m.Attributes.SenderId, '000000000000');
  // only the attributes asked for, and their digest
  await send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
  const [m2] = await receive(url, { MessageAttributeNames: ['Foo'] });
  assert.deepEqual(Object.keys(m2.MessageAttributes), ['Foo']);
  // AWS: MD5 of {Foo: String "Bar"} as SQS computed it
  assert.equal(m2.MD5OfMessageAttributes, 'ae7155c6026991b6d54b11589678bf9c');
  assert.notEqual(m2.ReceiptHandle, m.ReceiptHandle);
  await send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m2.ReceiptHandle }));
  assert.deepEqual(await receive(url), []);
  const bad = await awsError(() => send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'x' })));
  assertSqsError(bad, 'ReceiptHandleIsInvalid', 404, 'The input receipt handle "x" is not a valid receipt handle.');
});

test('visibility timeout expiry and ChangeMessageVisibility', async () => {
  const url = await queue('sdk-vis');
  await send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'v' }));
  const [m] = await receive(url, { VisibilityTimeout: 1 });
  assert.equal(m.Body, 'v');
  assert.deepEqual(await receive(url), [], 'hidden while in flight');
  const counts = await send(new GetQueueAttributesCommand({
    QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
  }));
  assert.equal(counts.Attributes.ApproximateNumberOfMessagesNotVisible, '1');
  await sleep(1100);
  const [again] = await receive(url, { AttributeNames: ['ApproximateReceiveCount'] });
  assert.equal(again.Attributes.ApproximateReceiveCount, '2');
  await send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again.ReceiptHandle, VisibilityTimeout: 0 }));
  assert.equal((await receive(url)).length, 1, 'visible again after ChangeMessageVisibility 0');
});

test('DelaySeconds per message and per queue', async () => {
  const url = await queue('sdk-delay', { DelaySeconds: '1' });
  await send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'q' }));
  await send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'now', DelaySeconds: 0 }));
  const first = await receive(url, { MaxNumberOfMessages: 10 });
  assert.deepEqual(first.map((m) => m.Body), ['now']);
  const c = await send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }));
  assert.equal(c.Attributes.ApproximateNumberOfMessagesDelayed, '1');
  const later = await receive(url, { WaitTimeSeconds: 3 });
  assert.deepEqual(later.map((m) => m.Body), ['q']);
});

test('long polling returns as soon as a message is sent', async () => {
  const url = await queue('sdk-lp');
  const t0 = Date.now();
  const waiting = receive(url, { WaitTimeSeconds: 10 });
  await sleep(300);
  await send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake' }));
  const got = await waiting;
  const ms = Date.now() - t0;
  assert.deepEqual(got.map((m) => m.Body), ['wake']);
  assert.ok(ms < 3000, `returned after ${ms} ms`);
  // an empty long poll answers at its deadline with no messages
  const t1 = Date.now();
  assert.deepEqual(await receive(url, { WaitTimeSeconds: 1 }), []);
  assert.ok(Date.now() - t1 >= 900, 'waited about 1 s');
});

test('ReceiveMessage parameter errors', async () => {
  const url = await queue('sdk-rerr');
  assertSqsError(await awsError(() => receive(url, { MaxNumberOfMessages: 11 })),
    'InvalidParameterValue', 400,
    'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.');
  assertSqsError(await awsError(() => receive(url, { WaitTimeSeconds: -1 })),
    'InvalidParameterValue', 400,
    'Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.');
  assertSqsError(await awsError(() => send(new SendMessageCommand({ QueueUrl: url, MessageBody: '' }))),
    'MissingParameter', 400, 'The request must contain the parameter MessageBody.');
  assertSqsError(await awsError(() => send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a\u0000b' }))),
    'InvalidMessageContents', 400);
});

test('batches: send, change visibility, delete, and batch errors', async () => {
  const url = await queue('sdk-batch');
  const s = await send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [{ Id: 'a', MessageBody: 'one' }, { Id: 'b', MessageBody: 'two' },
      { Id: 'c', MessageBody: 'three', DelaySeconds: 901 }],
  }));
  assert.deepEqual(s.Successful.map((e) => e.Id), ['a', 'b']);
  assert.equal(s.Failed[0].Id, 'c');
  assert.equal(s.Failed[0].Code, 'InvalidParameterValue');
  assert.equal(s.Failed[0].SenderFault, true);
  const msgs = await receive(url, { MaxNumberOfMessages: 10 });
  assert.equal(msgs.length, 2);
  const cv = await send(new ChangeMessageVisibilityBatchCommand({
    QueueUrl: url,
    Entries: msgs.map((m, i) => ({ Id: `e${i}`, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 60 })),
  }));
  assert.equal(cv.Successful.length, 2);
  const d = await send(new DeleteMessageBatchCommand({
    QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
  }));
  assert.equal(d.Successful.length, 2);
  assertSqsError(await awsError(() => send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] }))),
    'EmptyBatchRequest', 400);
  assertSqsError(await awsError(() => send(new SendMessageBatchCommand({
    QueueUrl: url, Entries: [{ Id: 'x', MessageBody: '1' }, { Id: 'x', MessageBody: '2' }],
  }))), 'BatchEntryIdsNotDistinct', 400, 'Id x repeated.');
  assertSqsError(await awsError(() => send(new DeleteMessageBatchCommand({
    QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `i${i}`, ReceiptHandle: 'r' })),
  }))), 'TooManyEntriesInBatchRequest', 400,
  'Maximum number of entries per request are 10. You have sent 11.');
  assertSqsError(await awsError(() => send(new SendMessageBatchCommand({
    QueueUrl: url, Entries: [{ Id: 'bad id', MessageBody: '1' }],
  }))), 'InvalidBatchEntryId', 400);
});

test('PurgeQueue', async () => {
  const url = await queue('sdk-purge');
  await send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'p' }));
  await send(new PurgeQueueCommand({ QueueUrl: url }));
  assert.deepEqual(await receive(url), []);
  assertSqsError(await awsError(() => send(new PurgeQueueCommand({ QueueUrl: url }))),
    'PurgeQueueInProgress', 403,
    'Only one PurgeQueue operation on sdk-purge is allowed every 60 seconds.');
});

test('dead-letter queue: moved after maxReceiveCount, then redriven by a move task', async () => {
  const dlq = await queue('sdk-dlq');
  const src = await queue('sdk-src', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('sdk-dlq'), maxReceiveCount: 2 }),
    VisibilityTimeout: '0',
  });
  await send(new SendMessageCommand({ QueueUrl: src, MessageBody: 'poison' }));
  assert.equal((await receive(src)).length, 1);
  assert.equal((await receive(src)).length, 1);
  assert.deepEqual(await receive(src), [], 'moved on the third receive');
  const srcs = await send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
  assert.deepEqual(srcs.queueUrls, [src]);
  const [dead] = await receive(dlq, { MessageSystemAttributeNames: ['DeadLetterQueueSourceArn'], VisibilityTimeout: 0 });
  assert.equal(dead.Body, 'poison');
  assert.equal(dead.Attributes.DeadLetterQueueSourceArn, arn('sdk-src'));

  const notDlq = await awsError(() => send(new StartMessageMoveTaskCommand({ SourceArn: arn('sdk-src') })));
  assertSqsError(notDlq, 'InvalidParameterValue', 400, 'Source queue must be configured as a Dead Letter Queue.');
  const missing = await awsError(() => send(new StartMessageMoveTaskCommand({ SourceArn: arn('nope') })));
  assertSqsError(missing, 'ResourceNotFoundException', 404,
    "The resource that you specified for the SourceArn parameter doesn't exist.");

  const { TaskHandle } = await send(new StartMessageMoveTaskCommand({ SourceArn: arn('sdk-dlq') }));
  assert.ok(TaskHandle);
  const again = await awsError(() => send(new StartMessageMoveTaskCommand({ SourceArn: arn('sdk-dlq') })));
  assertSqsError(again, 'InvalidParameterValue', 400,
    'There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
  let task;
  for (let i = 0; i < 30; i++) {
    [task] = (await send(new ListMessageMoveTasksCommand({ SourceArn: arn('sdk-dlq') }))).Results;
    if (task.Status === 'COMPLETED') break;
    await sleep(100);
  }
  assert.equal(task.Status, 'COMPLETED');
  assert.equal(task.ApproximateNumberOfMessagesMoved, 1);
  assert.equal(task.SourceArn, arn('sdk-dlq'));
  const [back] = await receive(src);
  assert.equal(back.Body, 'poison', 'back in its source queue');
  const cancel = await awsError(() => send(new CancelMessageMoveTaskCommand({ TaskHandle: 'bm9wZQ==' })));
  assertSqsError(cancel, 'InvalidParameterValue', 400, 'Value for parameter TaskHandle is invalid.');
});

test('CancelMessageMoveTask while a task runs', async () => {
  await queue('sdk-dlq2');
  const src = await queue('sdk-src2', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('sdk-dlq2'), maxReceiveCount: 1 }),
  });
  const { TaskHandle } = await send(new StartMessageMoveTaskCommand({
    SourceArn: arn('sdk-dlq2'), DestinationArn: arn('sdk-src2'), MaxNumberOfMessagesPerSecond: 1,
  }));
  const c = await send(new CancelMessageMoveTaskCommand({ TaskHandle }));
  assert.equal(c.ApproximateNumberOfMessagesMoved, 0);
  await sleep(250);
  const [task] = (await send(new ListMessageMoveTasksCommand({ SourceArn: arn('sdk-dlq2'), MaxResults: 10 }))).Results;
  assert.equal(task.Status, 'CANCELLED');
  assert.equal(task.DestinationArn, arn('sdk-src2'));
  assert.equal(task.MaxNumberOfMessagesPerSecond, 1);
  assert.ok(src);
});

test('FIFO: ordering, group lock, deduplication by id and by content', async () => {
  const url = await queue('sdk.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  const a1 = await send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a1', MessageGroupId: 'a' }));
  const dup = await send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a1', MessageGroupId: 'a' }));
  assert.equal(dup.MessageId, a1.MessageId, 'content-based duplicate');
  await send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a2', MessageGroupId: 'a', MessageDeduplicationId: 'x' }));
  await send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'other', MessageGroupId: 'a', MessageDeduplicationId: 'x' }));
  await send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b1', MessageGroupId: 'b' }));
  const [m1] = await receive(url, { AttributeNames: ['All'] });
  assert.equal(m1.Body, 'a1');
  assert.equal(m1.Attributes.MessageGroupId, 'a');
  assert.match(m1.Attributes.SequenceNumber, /^\d+$/);
  const [m2] = await receive(url);
  assert.equal(m2.Body, 'b1', 'group a is locked while a1 is in flight');
  assert.deepEqual(await receive(url), []);
  await send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m1.ReceiptHandle }));
  const rest = await receive(url, { MaxNumberOfMessages: 10 });
  assert.deepEqual(rest.map((m) => m.Body), ['a2'], 'the id duplicate was dropped');
  const noGroup = await awsError(() => send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })));
  assertSqsError(noGroup, 'MissingParameter', 400, 'The request must contain the parameter MessageGroupId.');
  const hi = await queue('sdk-hi.fifo', {
    FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId',
  });
  const attrs = await send(new GetQueueAttributesCommand({ QueueUrl: hi, AttributeNames: ['All'] }));
  assert.equal(attrs.Attributes.DeduplicationScope, 'messageGroup');
  assert.equal(attrs.Attributes.FifoThroughputLimit, 'perMessageGroupId');
  const std = await awsError(() => queue('sdk-std', { FifoThroughputLimit: 'perQueue' }));
  assertSqsError(std, 'InvalidAttributeName', 400,
    'You can specify the FifoThroughputLimit only when FifoQueue is set to true.');
});

// Sends and receives read their queue from what nimbus kept of it: a
// change of its attributes, its deletion and a reset must all be seen by
// the very next send.
test('a send sees the queue as just changed, deleted or reset', async () => {
  const url = await queue('sdk-kept');
  await send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(2000) }));
  await send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MaximumMessageSize: '1024' } }));
  const big = await awsError(() => send(new SendMessageCommand({
    QueueUrl: url, MessageBody: 'x'.repeat(2000),
  })));
  assertSqsError(big, 'InvalidParameterValue', 400,
    'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.');
  await send(new DeleteQueueCommand({ QueueUrl: url }));
  const gone = await awsError(() => send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' })));
  assertSqsError(gone, 'QueueDoesNotExist', 400, 'The specified queue does not exist.');
  const again = await queue('sdk-kept');
  await send(new SendMessageCommand({ QueueUrl: again, MessageBody: 'x'.repeat(2000) }));
  const r = await fetch(`${nimbus.endpoint}/_nimbus/reset`, { method: 'POST' });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  const reset = await awsError(() => send(new SendMessageCommand({ QueueUrl: again, MessageBody: 'a' })));
  assertSqsError(reset, 'QueueDoesNotExist', 400, 'The specified queue does not exist.');
});

nimbus.checkExit();
