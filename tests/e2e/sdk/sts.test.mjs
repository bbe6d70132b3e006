// STS through AWS SDK for JavaScript v3. Expected values come from the STS
// API reference (https://docs.aws.amazon.com/STS/latest/APIReference/) and
// the STS model; the default account 000000000000 and "a 12-digit access
// key is its account" are nimbus's (and LocalStack's) rules for test
// credentials. The SDK does not check required members or ranges itself,
// so the error cases reach nimbus as sent.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetAccessKeyInfoCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { assertAwsError, awsError, secondsFromNow, useNimbus } from './helpers.mjs';

const nimbus = useNimbus();
const sts = (credentials) => new STSClient(nimbus.config(credentials ? { credentials } : {}));
const asCredentials = (c) => ({
  accessKeyId: c.AccessKeyId,
  secretAccessKey: c.SecretAccessKey,
  sessionToken: c.SessionToken,
});
const near = (actual, want, what) =>
  assert.ok(Math.abs(actual - want) <= 120, `${what}: ${Math.round(actual)} s, want about ${want} s`);
const validation = (what) => `1 validation error detected: ${what}`;

function assertTemporaryCredentials(c) {
  assert.match(c.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
  assert.match(c.SecretAccessKey, /^[A-Za-z0-9/+]{40}$/);
  assert.match(c.SessionToken, /^\S+$/);
  assert.ok(c.Expiration instanceof Date && !Number.isNaN(c.Expiration.getTime()));
}

test('GetCallerIdentity: test credentials are the root of account 000000000000', async () => {
  const r = await sts().send(new GetCallerIdentityCommand({}));
  assert.equal(r.Account, '000000000000');
  assert.equal(r.Arn, 'arn:aws:iam::000000000000:root');
  assert.ok(r.UserId);
  assert.ok(r.$metadata.requestId, 'x-amzn-RequestId');
});

test('GetCallerIdentity: a 12-digit access key id is the account', async () => {
  const r = await sts({ accessKeyId: '111122223333', secretAccessKey: 'test' })
    .send(new GetCallerIdentityCommand({}));
  assert.equal(r.Account, '111122223333');
  assert.equal(r.Arn, 'arn:aws:iam::111122223333:root');
});

test('AssumeRole: temporary credentials for the assumed-role user', async () => {
  const r = await sts().send(new AssumeRoleCommand({
    RoleArn: 'arn:aws:iam::000000000000:role/demo',
    RoleSessionName: 's1',
  }));
  assertTemporaryCredentials(r.Credentials);
  near(secondsFromNow(r.Credentials.Expiration), 3600, 'default duration');
  assert.equal(r.AssumedRoleUser.Arn, 'arn:aws:sts::000000000000:assumed-role/demo/s1');
  assert.match(r.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z0-9]+:s1$/);

  const me = await sts(asCredentials(r.Credentials)).send(new GetCallerIdentityCommand({}));
  assert.equal(me.Account, '000000000000');
  assert.equal(me.Arn, 'arn:aws:sts::000000000000:assumed-role/demo/s1');
  assert.equal(me.UserId, r.AssumedRoleUser.AssumedRoleId);
});

test('AssumeRole: a role in another account gives credentials of that account', async () => {
  const r = await sts().send(new AssumeRoleCommand({
    RoleArn: 'arn:aws:iam::123456789012:role/xacct',
    RoleSessionName: 's2',
    DurationSeconds: 900,
  }));
  near(secondsFromNow(r.Credentials.Expiration), 900, 'DurationSeconds 900');
  assert.equal(r.AssumedRoleUser.Arn, 'arn:aws:sts::123456789012:assumed-role/xacct/s2');
  const me = await sts(asCredentials(r.Credentials)).send(new GetCallerIdentityCommand({}));
  assert.equal(me.Account, '123456789012');
  assert.equal(me.Arn, 'arn:aws:sts::123456789012:assumed-role/xacct/s2');

  const info = await sts().send(new GetAccessKeyInfoCommand({ AccessKeyId: r.Credentials.AccessKeyId }));
  assert.equal(info.Account, '123456789012', 'GetAccessKeyInfo of the issued key');
});

test('GetSessionToken: temporary credentials for the same principal', async () => {
  const caller = await sts().send(new GetCallerIdentityCommand({}));
  const r = await sts().send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  assertTemporaryCredentials(r.Credentials);
  near(secondsFromNow(r.Credentials.Expiration), 900, 'DurationSeconds 900');
  const me = await sts(asCredentials(r.Credentials)).send(new GetCallerIdentityCommand({}));
  assert.equal(me.Account, caller.Account);
  assert.equal(me.Arn, caller.Arn);
});

test('GetAccessKeyInfo: the account is decoded from an AWS key id', async () => {
  // A published key id of account 609629065308.
  const r = await sts().send(new GetAccessKeyInfoCommand({ AccessKeyId: 'ASIAY34FZKBOKMUTVV7A' }));
  assert.equal(r.Account, '609629065308');
});

test('AssumeRoleWithWebIdentity: unsigned, subject and audience from the token', async () => {
  const b64 = (o) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
  const token = [
    b64({ alg: 'RS256', typ: 'JWT' }),
    b64({ iss: 'https://idp.example.com', sub: 'user-1', aud: 'client-1', iat: 1700000000, exp: 4102444800 }),
    b64('signature'),
  ].join('.');
  const r = await sts().send(new AssumeRoleWithWebIdentityCommand({
    RoleArn: 'arn:aws:iam::000000000000:role/web',
    RoleSessionName: 'w1',
    WebIdentityToken: token,
  }));
  assertTemporaryCredentials(r.Credentials);
  assert.equal(r.AssumedRoleUser.Arn, 'arn:aws:sts::000000000000:assumed-role/web/w1');
  assert.match(r.AssumedRoleUser.AssumedRoleId, /^AROA[A-Z0-9]+:w1$/);
  assert.equal(r.SubjectFromWebIdentityToken, 'user-1');
  assert.equal(r.Audience, 'client-1');
});

test('AssumeRole without RoleArn: ValidationError', async () => {
  const err = await awsError(() => sts().send(new AssumeRoleCommand({ RoleSessionName: 's1' })));
  assertAwsError(err, 'ValidationError', 400,
    validation("Value null at 'roleArn' failed to satisfy constraint: Member must not be null"));
  assert.equal(err.$fault, 'client');
  assert.ok(err.$metadata.requestId, 'RequestId of the error');
});

test('AssumeRole with a RoleArn under 20 characters: ValidationError', async () => {
  const err = await awsError(() => sts().send(new AssumeRoleCommand({
    RoleArn: 'arn:aws:iam::1',
    RoleSessionName: 's1',
  })));
  assertAwsError(err, 'ValidationError', 400, validation("Value 'arn:aws:iam::1' at 'roleArn' " +
    'failed to satisfy constraint: Member must have length greater than or equal to 20'));
});

test('AssumeRole with DurationSeconds out of range: ValidationError', async () => {
  const assume = (DurationSeconds) => awsError(() => sts().send(new AssumeRoleCommand({
    RoleArn: 'arn:aws:iam::000000000000:role/demo',
    RoleSessionName: 's1',
    DurationSeconds,
  })));
  assertAwsError(await assume(100), 'ValidationError', 400, validation("Value '100' at " +
    "'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"));
  assertAwsError(await assume(50000), 'ValidationError', 400, validation("Value '50000' at " +
    "'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"));
});

test('GetSessionToken with DurationSeconds under 900: ValidationError', async () => {
  const err = await awsError(() => sts().send(new GetSessionTokenCommand({ DurationSeconds: 899 })));
  assertAwsError(err, 'ValidationError', 400, validation("Value '899' at 'durationSeconds' " +
    'failed to satisfy constraint: Member must have value greater than or equal to 900'));
});

nimbus.checkExit();
