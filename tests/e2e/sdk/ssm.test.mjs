// SSM Parameter Store through AWS SDK for JavaScript v3. Expected values
// come from the Systems Manager API reference
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/) and
// the Parameter Store user guide. Skipped when @aws-sdk/client-ssm is not
// installed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAwsError, awsError, useNimbus } from './helpers.mjs';

let sdk = null;
try {
  sdk = await import('@aws-sdk/client-ssm');
} catch {
  sdk = null;
}
const skip = sdk ? false : '@aws-sdk/client-ssm is not installed';

const nimbus = useNimbus();
const ssm = () => new sdk.SSMClient(nimbus.config());
const send = (cmd, input) => ssm().send(new sdk[cmd](input));

test('PutParameter and GetParameter: the CDK bootstrap version', { skip }, async () => {
  const put = await send('PutParameterCommand',
    { Name: '/cdk-bootstrap/hnb659fds/version', Type: 'String', Value: '30' });
  assert.equal(put.Version, 1);
  assert.equal(put.Tier, 'Standard');
  const r = await send('GetParameterCommand', { Name: '/cdk-bootstrap/hnb659fds/version' });
  assert.equal(r.Parameter.Value, '30');
  assert.equal(r.Parameter.Type, 'String');
  assert.equal(r.Parameter.Version, 1);
  assert.equal(r.Parameter.DataType, 'text');
  assert.equal(r.Parameter.ARN,
    'arn:aws:ssm:us-east-1:000000000000:parameter/cdk-bootstrap/hnb659fds/version');
  assert.ok(r.Parameter.LastModifiedDate instanceof Date);
});

test('PutParameter: ParameterAlreadyExists, then Overwrite makes version 2', { skip }, async () => {
  const err = await awsError(() => send('PutParameterCommand',
    { Name: '/cdk-bootstrap/hnb659fds/version', Type: 'String', Value: '31' }));
  assertAwsError(err, 'ParameterAlreadyExists', 400,
    'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
  const put = await send('PutParameterCommand',
    { Name: '/cdk-bootstrap/hnb659fds/version', Value: '31', Overwrite: true });
  assert.equal(put.Version, 2);
});

test('GetParameter: missing name is ParameterNotFound', { skip }, async () => {
  const err = await awsError(() => send('GetParameterCommand', { Name: '/missing' }));
  assert.equal(err.name, 'ParameterNotFound');
  assert.equal(err.$metadata.httpStatusCode, 400);
});

test('GetParameter: version and label selectors', { skip }, async () => {
  const v1 = await send('GetParameterCommand', { Name: '/cdk-bootstrap/hnb659fds/version:1' });
  assert.equal(v1.Parameter.Value, '30');
  assert.equal(v1.Parameter.Selector, ':1');
  const err = await awsError(() =>
    send('GetParameterCommand', { Name: '/cdk-bootstrap/hnb659fds/version:7' }));
  assertAwsError(err, 'ParameterVersionNotFound', 400,
    'Systems Manager could not find version 7 of /cdk-bootstrap/hnb659fds/version. Verify the version and try again.');
  const l = await send('LabelParameterVersionCommand',
    { Name: '/cdk-bootstrap/hnb659fds/version', ParameterVersion: 1, Labels: ['stable', 'aws-x'] });
  assert.deepEqual(l.InvalidLabels, ['aws-x']);
  assert.equal(l.ParameterVersion, 1);
  const byLabel = await send('GetParameterCommand', { Name: '/cdk-bootstrap/hnb659fds/version:stable' });
  assert.equal(byLabel.Parameter.Value, '30');
  assert.equal(byLabel.Parameter.Selector, ':stable');
});

test('SecureString: hidden unless WithDecryption', { skip }, async () => {
  await send('PutParameterCommand', { Name: '/s/secret', Type: 'SecureString', Value: 'pw' });
  const hidden = await send('GetParameterCommand', { Name: '/s/secret' });
  assert.notEqual(hidden.Parameter.Value, 'pw');
  const shown = await send('GetParameterCommand', { Name: '/s/secret', WithDecryption: true });
  assert.equal(shown.Parameter.Value, 'pw');
  const d = await send('DescribeParametersCommand',
    { ParameterFilters: [{ Key: 'Name', Values: ['/s/secret'] }] });
  assert.equal(d.Parameters.length, 1);
  assert.equal(d.Parameters[0].KeyId, 'alias/aws/ssm');
  assert.equal(d.Parameters[0].Type, 'SecureString');
});

test('GetParametersByPath: levels, recursion and pages', { skip }, async () => {
  for (const n of ['/p/a', '/p/b', '/p/c/d', '/p/c/e'])
    await send('PutParameterCommand', { Name: n, Type: 'String', Value: n });
  const one = await send('GetParametersByPathCommand', { Path: '/p' });
  assert.deepEqual(one.Parameters.map((p) => p.Name).sort(), ['/p/a', '/p/b']);
  const names = [];
  let NextToken;
  do {
    const r = await send('GetParametersByPathCommand',
      { Path: '/p/', Recursive: true, MaxResults: 3, NextToken });
    assert.ok(r.Parameters.length <= 3);
    names.push(...r.Parameters.map((p) => p.Name));
    NextToken = r.NextToken;
  } while (NextToken);
  assert.deepEqual(names.sort(), ['/p/a', '/p/b', '/p/c/d', '/p/c/e']);
  const err = await awsError(() => send('GetParametersByPathCommand', { Path: '/p', MaxResults: 11 }));
  assert.equal(err.name, 'ValidationException');
});

test('GetParameters and DeleteParameters report invalid names', { skip }, async () => {
  const g = await send('GetParametersCommand', { Names: ['/p/a', '/nope'] });
  assert.deepEqual(g.Parameters.map((p) => p.Name), ['/p/a']);
  assert.deepEqual(g.InvalidParameters, ['/nope']);
  const d = await send('DeleteParametersCommand', { Names: ['/p/a', '/nope'] });
  assert.deepEqual(d.DeletedParameters, ['/p/a']);
  assert.deepEqual(d.InvalidParameters, ['/nope']);
  const err = await awsError(() => send('DeleteParameterCommand', { Name: '/p/a' }));
  assert.equal(err.name, 'ParameterNotFound');
});

test('GetParameterHistory lists every version with labels', { skip }, async () => {
  const h = await send('GetParameterHistoryCommand', { Name: '/cdk-bootstrap/hnb659fds/version' });
  assert.deepEqual(h.Parameters.map((p) => p.Version), [1, 2]);
  assert.deepEqual(h.Parameters[0].Labels, ['stable']);
  assert.deepEqual(h.Parameters[1].Labels, []);
});

test('Tags on parameters', { skip }, async () => {
  await send('PutParameterCommand',
    { Name: '/t/x', Type: 'String', Value: 'v', Tags: [{ Key: 'k', Value: 'v1' }] });
  await send('AddTagsToResourceCommand',
    { ResourceType: 'Parameter', ResourceId: '/t/x', Tags: [{ Key: 'a', Value: 'b' }] });
  const t = await send('ListTagsForResourceCommand', { ResourceType: 'Parameter', ResourceId: '/t/x' });
  assert.deepEqual(t.TagList, [{ Key: 'a', Value: 'b' }, { Key: 'k', Value: 'v1' }]);
  const err = await awsError(() => send('ListTagsForResourceCommand',
    { ResourceType: 'Parameter', ResourceId: '/t/none' }));
  assert.equal(err.name, 'InvalidResourceId');
  await send('RemoveTagsFromResourceCommand',
    { ResourceType: 'Parameter', ResourceId: '/t/x', TagKeys: ['k', 'absent'] });
  const left = await send('ListTagsForResourceCommand',
    { ResourceType: 'Parameter', ResourceId: '/t/x' });
  assert.deepEqual(left.TagList, [{ Key: 'a', Value: 'b' }]);
  // AWS: at most 50 tags a resource (TooManyTagsError); the request adds none.
  const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  const over = await awsError(() => send('AddTagsToResourceCommand',
    { ResourceType: 'Parameter', ResourceId: '/t/x', Tags: many }));
  assert.equal(over.name, 'TooManyTagsError');
  const after = await send('ListTagsForResourceCommand',
    { ResourceType: 'Parameter', ResourceId: '/t/x' });
  assert.deepEqual(after.TagList, [{ Key: 'a', Value: 'b' }]);
});

nimbus.checkExit();
