// IAM through AWS SDK for JavaScript v3: the flow a CDK app's roles take
// (a role with a trust policy, an inline policy, customer and AWS managed
// policies attached, documents read back), and IAM's errors as the SDK's
// exception classes. Expected values come from the IAM API reference
// (https://docs.aws.amazon.com/IAM/latest/APIReference/) and the IAM model.
// The SDK does not decode the URL-encoded documents IAM returns (RFC 3986),
// so the tests decode them as a client must.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeleteConflictException,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  LimitExceededException,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePolicyCommand,
  paginateListRoles,
} from '@aws-sdk/client-iam';
import { assertAwsError, awsError, useNimbus } from './helpers.mjs';

const nimbus = useNimbus();
const iam = (region) => new IAMClient(nimbus.config(region ? { region } : {}));
const ACCOUNT = '000000000000';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const INLINE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: 'arn:aws:sqs:us-east-1:000000000000:q' }],
});
const MANAGED = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }],
});
const LAMBDA_BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

test('the CDK-like flow: role, inline policy, managed policies, documents back', async () => {
  const c = iam();
  const created = await c.send(new CreateRoleCommand({
    RoleName: 'FnServiceRole', AssumeRolePolicyDocument: TRUST, Path: '/',
    Description: 'Lambda role', Tags: [{ Key: 'aws-cdk:app', Value: 'demo' }],
  }));
  assert.equal(created.Role.Arn, `arn:aws:iam::${ACCOUNT}:role/FnServiceRole`);
  assert.match(created.Role.RoleId, /^AROA[A-Z0-9]{17}$/);
  assert.ok(created.Role.CreateDate instanceof Date);
  // AWS: the document is URL-encoded per RFC 3986
  assert.equal(created.Role.AssumeRolePolicyDocument, encodeURIComponent(TRUST)
    .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`));
  assert.equal(decodeURIComponent(created.Role.AssumeRolePolicyDocument), TRUST);

  await c.send(new PutRolePolicyCommand({
    RoleName: 'FnServiceRole', PolicyName: 'DefaultPolicy', PolicyDocument: INLINE,
  }));
  const inline = await c.send(new GetRolePolicyCommand({
    RoleName: 'FnServiceRole', PolicyName: 'DefaultPolicy',
  }));
  assert.equal(decodeURIComponent(inline.PolicyDocument), INLINE);
  assert.match(inline.PolicyDocument, /^%7B%22Version%22%3A%222012-10-17%22/);

  const pol = await c.send(new CreatePolicyCommand({ PolicyName: 'TableRead', PolicyDocument: MANAGED }));
  assert.equal(pol.Policy.Arn, `arn:aws:iam::${ACCOUNT}:policy/TableRead`);
  assert.equal(pol.Policy.DefaultVersionId, 'v1');
  await c.send(new AttachRolePolicyCommand({ RoleName: 'FnServiceRole', PolicyArn: pol.Policy.Arn }));
  await c.send(new AttachRolePolicyCommand({ RoleName: 'FnServiceRole', PolicyArn: LAMBDA_BASIC }));
  const attached = await c.send(new ListAttachedRolePoliciesCommand({ RoleName: 'FnServiceRole' }));
  assert.deepEqual(attached.AttachedPolicies.map((p) => p.PolicyArn).sort(),
    [LAMBDA_BASIC, pol.Policy.Arn].sort());
  assert.equal(attached.IsTruncated, false);

  const ver = await c.send(new GetPolicyVersionCommand({ PolicyArn: pol.Policy.Arn, VersionId: 'v1' }));
  assert.equal(decodeURIComponent(ver.PolicyVersion.Document), MANAGED);
  assert.equal(ver.PolicyVersion.IsDefaultVersion, true);
  const aws = await c.send(new GetPolicyCommand({ PolicyArn: LAMBDA_BASIC }));
  assert.equal(aws.Policy.PolicyName, 'AWSLambdaBasicExecutionRole');
  assert.equal(aws.Policy.AttachmentCount, 1);

  // IAM is global: the role is there from any region
  const got = await iam('ap-southeast-2').send(new GetRoleCommand({ RoleName: 'FnServiceRole' }));
  assert.equal(got.Role.RoleId, created.Role.RoleId);
  assert.equal(got.Role.MaxSessionDuration, 3600);
  assert.equal(got.Role.Description, 'Lambda role');
  assert.deepEqual(got.Role.Tags, [{ Key: 'aws-cdk:app', Value: 'demo' }]);

  // tearing down in CloudFormation's order
  let err = await awsError(() => c.send(new DeleteRoleCommand({ RoleName: 'FnServiceRole' })));
  assert.ok(err instanceof DeleteConflictException);
  assertAwsError(err, 'DeleteConflictException', 409,
    'Cannot delete entity, must detach all policies first.');
  err = await awsError(() => c.send(new DeletePolicyCommand({ PolicyArn: pol.Policy.Arn })));
  assertAwsError(err, 'DeleteConflictException', 409, 'Cannot delete a policy attached to entities.');
  await c.send(new DetachRolePolicyCommand({ RoleName: 'FnServiceRole', PolicyArn: pol.Policy.Arn }));
  await c.send(new DetachRolePolicyCommand({ RoleName: 'FnServiceRole', PolicyArn: LAMBDA_BASIC }));
  err = await awsError(() => c.send(new DeleteRoleCommand({ RoleName: 'FnServiceRole' })));
  assertAwsError(err, 'DeleteConflictException', 409,
    'Cannot delete entity, must delete policies first.');
  await c.send(new DeleteRolePolicyCommand({ RoleName: 'FnServiceRole', PolicyName: 'DefaultPolicy' }));
  await c.send(new DeleteRoleCommand({ RoleName: 'FnServiceRole' }));
  await c.send(new DeletePolicyCommand({ PolicyArn: pol.Policy.Arn }));
  err = await awsError(() => c.send(new GetRoleCommand({ RoleName: 'FnServiceRole' })));
  assert.ok(err instanceof NoSuchEntityException);
  assertAwsError(err, 'NoSuchEntityException', 404, 'The role with name FnServiceRole cannot be found.');
});

test('errors by name: EntityAlreadyExists, MalformedPolicyDocument, LimitExceeded, NoSuchEntity', async () => {
  const c = iam();
  await c.send(new CreateRoleCommand({ RoleName: 'dup', AssumeRolePolicyDocument: TRUST }));
  let err = await awsError(() => c.send(new CreateRoleCommand({ RoleName: 'dup', AssumeRolePolicyDocument: TRUST })));
  assert.ok(err instanceof EntityAlreadyExistsException);
  assertAwsError(err, 'EntityAlreadyExistsException', 409, 'Role with name dup already exists.');

  err = await awsError(() => c.send(new PutRolePolicyCommand({
    RoleName: 'dup', PolicyName: 'p', PolicyDocument: '{"Version": "2012-10-17",',
  })));
  assert.ok(err instanceof MalformedPolicyDocumentException);
  assertAwsError(err, 'MalformedPolicyDocumentException', 400, 'Syntax errors in policy.');

  err = await awsError(() => c.send(new GetRolePolicyCommand({ RoleName: 'dup', PolicyName: 'none' })));
  assertAwsError(err, 'NoSuchEntityException', 404, 'The role policy with name none cannot be found.');

  const pol = await c.send(new CreatePolicyCommand({ PolicyName: 'versions', PolicyDocument: MANAGED }));
  for (let i = 2; i <= 5; i++) {
    const v = await c.send(new CreatePolicyVersionCommand({ PolicyArn: pol.Policy.Arn, PolicyDocument: MANAGED }));
    assert.equal(v.PolicyVersion.VersionId, `v${i}`);
    assert.equal(v.PolicyVersion.IsDefaultVersion, false);
  }
  err = await awsError(() => c.send(new CreatePolicyVersionCommand({ PolicyArn: pol.Policy.Arn, PolicyDocument: MANAGED })));
  assert.ok(err instanceof LimitExceededException);
  assertAwsError(err, 'LimitExceededException', 409,
    'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');

  err = await awsError(() => c.send(new AttachRolePolicyCommand({
    RoleName: 'dup', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/missing`,
  })));
  assertAwsError(err, 'NoSuchEntityException', 404,
    `Policy arn:aws:iam::${ACCOUNT}:policy/missing does not exist or is not attachable.`);

  err = await awsError(() => c.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'bad name' })));
  assertAwsError(err, 'ValidationError', 400,
    "1 validation error detected: Value 'bad name' at 'instanceProfileName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
});

test('ListRoles pages with Marker and MaxItems', async () => {
  const c = iam();
  for (let i = 0; i < 5; i++) {
    await c.send(new CreateRoleCommand({ RoleName: `pg-${i}`, Path: '/pg/', AssumeRolePolicyDocument: TRUST }));
  }
  const first = await c.send(new ListRolesCommand({ PathPrefix: '/pg/', MaxItems: 2 }));
  assert.deepEqual(first.Roles.map((r) => r.RoleName), ['pg-0', 'pg-1']);
  assert.equal(first.IsTruncated, true);
  assert.ok(first.Marker);
  const second = await c.send(new ListRolesCommand({ PathPrefix: '/pg/', MaxItems: 2, Marker: first.Marker }));
  assert.deepEqual(second.Roles.map((r) => r.RoleName), ['pg-2', 'pg-3']);
  const names = [];
  for await (const page of paginateListRoles({ client: c, pageSize: 2 }, { PathPrefix: '/pg/' })) {
    names.push(...page.Roles.map((r) => r.RoleName));
  }
  assert.deepEqual(names, ['pg-0', 'pg-1', 'pg-2', 'pg-3', 'pg-4']);
  const last = await c.send(new ListRolesCommand({ PathPrefix: '/pg/', Marker: second.Marker }));
  assert.deepEqual(last.Roles.map((r) => r.RoleName), ['pg-4']);
  assert.equal(last.IsTruncated, false);
  assert.equal(last.Marker, undefined);
});


// AWS: AssumeRole's AssumedRoleUser.AssumedRoleId is "<RoleId>:<session>",
// and GetCallerIdentity's UserId is the same for the session's keys
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumedRoleUser.html);
// RoleLastUsed moves once the role is assumed.
test('STS AssumeRole carries the RoleId IAM gave the role', async () => {
  const { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
  });
  const made = await iam().send(new CreateRoleCommand({ RoleName: 'sts-linked', AssumeRolePolicyDocument: trust }));
  const roleId = made.Role.RoleId;
  const sts = new STSClient(nimbus.config());
  const got = await sts.send(new AssumeRoleCommand({ RoleArn: made.Role.Arn, RoleSessionName: 's1' }));
  assert.equal(got.AssumedRoleUser.AssumedRoleId, `${roleId}:s1`);
  const as = new STSClient(nimbus.config({
    credentials: {
      accessKeyId: got.Credentials.AccessKeyId,
      secretAccessKey: got.Credentials.SecretAccessKey,
      sessionToken: got.Credentials.SessionToken,
    },
  }));
  const me = await as.send(new GetCallerIdentityCommand({}));
  assert.equal(me.UserId, `${roleId}:s1`);
  const role = await iam().send(new GetRoleCommand({ RoleName: 'sts-linked' }));
  assert.ok(role.Role.RoleLastUsed?.LastUsedDate instanceof Date, 'RoleLastUsed.LastUsedDate is set');
  assert.equal(role.Role.RoleLastUsed.Region, 'us-east-1');
});

nimbus.checkExit();
