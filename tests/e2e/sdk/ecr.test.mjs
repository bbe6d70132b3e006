// ECR through AWS SDK for JavaScript v3: repositories, policies, tags and
// login tokens, errors by name and status. Expected values come from the
// Amazon ECR API reference
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/) and the
// texts ECR sends. nimbus has no image registry: repositories stay empty.
// Skipped when @aws-sdk/client-ecr is not installed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAwsError, awsError, secondsFromNow, useNimbus } from './helpers.mjs';

let sdk = null;
try {
  sdk = await import('@aws-sdk/client-ecr');
} catch {
  sdk = null;
}
const skip = sdk ? false : '@aws-sdk/client-ecr is not installed';

const nimbus = useNimbus();
const send = (cmd, input, extra) => new sdk.ECRClient(nimbus.config(extra)).send(new sdk[cmd](input));
const ACCOUNT = '000000000000';
const notFound = (name, registry = ACCOUNT) =>
  `The repository with name '${name}' does not exist in the registry with id '${registry}'`;

test('CreateRepository: the CDK assets repository', { skip }, async () => {
  const r = await send('CreateRepositoryCommand', {
    repositoryName: 'cdk-assets',
    imageTagMutability: 'IMMUTABLE',
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'alias/assets' },
    tags: [{ Key: 'app', Value: 'cdk' }],
  });
  const repo = r.repository;
  assert.equal(repo.repositoryName, 'cdk-assets');
  assert.equal(repo.repositoryArn, `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/cdk-assets`);
  assert.equal(repo.registryId, ACCOUNT);
  assert.equal(repo.repositoryUri, `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/cdk-assets`);
  assert.ok(repo.createdAt instanceof Date);
  assert.ok(Math.abs(secondsFromNow(repo.createdAt)) < 600);
  assert.equal(repo.imageTagMutability, 'IMMUTABLE');
  assert.deepEqual(repo.imageScanningConfiguration, { scanOnPush: true });
  assert.deepEqual(repo.encryptionConfiguration,
    { encryptionType: 'KMS', kmsKey: 'alias/assets' });
});

test('CreateRepository: errors', { skip }, async () => {
  let err = await awsError(() => send('CreateRepositoryCommand', { repositoryName: 'cdk-assets' }));
  assertAwsError(err, 'RepositoryAlreadyExistsException', 400,
    `The repository with name 'cdk-assets' already exists in the registry with id '${ACCOUNT}'`);
  err = await awsError(() => send('CreateRepositoryCommand', { repositoryName: 'Bad_Name!' }));
  assertAwsError(err, 'InvalidParameterException', 400,
    "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular " +
    "expression '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*''");
  err = await awsError(() => send('CreateRepositoryCommand', { repositoryName: 'x' }));
  assert.equal(err.name, 'InvalidParameterException');
  assert.equal(err.$metadata.httpStatusCode, 400);
});

test('DescribeRepositories: names, pages, not found', { skip }, async () => {
  for (const n of ['alpha', 'beta/one', 'gamma']) {
    await send('CreateRepositoryCommand', { repositoryName: n });
  }
  const all = await send('DescribeRepositoriesCommand', {});
  assert.deepEqual(all.repositories.map((r) => r.repositoryName),
    ['alpha', 'beta/one', 'cdk-assets', 'gamma']);
  assert.equal(all.nextToken, undefined);
  const seen = [];
  let nextToken;
  do {
    const page = await send('DescribeRepositoriesCommand', { maxResults: 3, nextToken });
    assert.ok(page.repositories.length <= 3);
    seen.push(...page.repositories.map((r) => r.repositoryName));
    nextToken = page.nextToken;
  } while (nextToken);
  assert.deepEqual(seen, ['alpha', 'beta/one', 'cdk-assets', 'gamma']);
  const named = await send('DescribeRepositoriesCommand', { repositoryNames: ['gamma'] });
  assert.equal(named.repositories.length, 1);
  assert.equal(named.repositories[0].imageTagMutability, 'MUTABLE');
  assert.equal(named.repositories[0].encryptionConfiguration.encryptionType, 'AES256');
  const err = await awsError(() =>
    send('DescribeRepositoriesCommand', { repositoryNames: ['gamma', 'missing'] }));
  assertAwsError(err, 'RepositoryNotFoundException', 400, notFound('missing'));
});

test('Settings: tag mutability and scanning', { skip }, async () => {
  const m = await send('PutImageTagMutabilityCommand',
    { repositoryName: 'alpha', imageTagMutability: 'IMMUTABLE' });
  assert.equal(m.imageTagMutability, 'IMMUTABLE');
  assert.equal(m.repositoryName, 'alpha');
  const s = await send('PutImageScanningConfigurationCommand',
    { repositoryName: 'alpha', imageScanningConfiguration: { scanOnPush: true } });
  assert.deepEqual(s.imageScanningConfiguration, { scanOnPush: true });
  const d = await send('DescribeRepositoriesCommand', { repositoryNames: ['alpha'] });
  assert.equal(d.repositories[0].imageTagMutability, 'IMMUTABLE');
  assert.equal(d.repositories[0].imageScanningConfiguration.scanOnPush, true);
  const err = await awsError(() => send('PutImageTagMutabilityCommand',
    { repositoryName: 'missing', imageTagMutability: 'MUTABLE' }));
  assertAwsError(err, 'RepositoryNotFoundException', 400, notFound('missing'));
});

test('Lifecycle and repository policies round trip', { skip }, async () => {
  const lp = JSON.stringify({ rules: [{ rulePriority: 1, description: 'expire untagged',
    selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days',
      countNumber: 1 }, action: { type: 'expire' } }] });
  let err = await awsError(() => send('GetLifecyclePolicyCommand', { repositoryName: 'gamma' }));
  assertAwsError(err, 'LifecyclePolicyNotFoundException', 400,
    `Lifecycle policy does not exist for the repository with name 'gamma' in the registry with id '${ACCOUNT}'`);
  await send('PutLifecyclePolicyCommand', { repositoryName: 'gamma', lifecyclePolicyText: lp });
  const got = await send('GetLifecyclePolicyCommand', { repositoryName: 'gamma' });
  assert.equal(got.lifecyclePolicyText, lp);
  assert.equal(got.registryId, ACCOUNT);
  const del = await send('DeleteLifecyclePolicyCommand', { repositoryName: 'gamma' });
  assert.equal(del.lifecyclePolicyText, lp);
  err = await awsError(() => send('DeleteLifecyclePolicyCommand', { repositoryName: 'gamma' }));
  assert.equal(err.name, 'LifecyclePolicyNotFoundException');

  const rp = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'ecr:*' }] });
  err = await awsError(() => send('GetRepositoryPolicyCommand', { repositoryName: 'gamma' }));
  assertAwsError(err, 'RepositoryPolicyNotFoundException', 400,
    `Repository policy does not exist for the repository with name 'gamma' in the registry with id '${ACCOUNT}'`);
  const set = await send('SetRepositoryPolicyCommand', { repositoryName: 'gamma', policyText: rp });
  assert.equal(set.policyText, rp);
  assert.equal((await send('GetRepositoryPolicyCommand', { repositoryName: 'gamma' })).policyText,
    rp);
  await send('DeleteRepositoryPolicyCommand', { repositoryName: 'gamma' });
  err = await awsError(() => send('DeleteRepositoryPolicyCommand', { repositoryName: 'gamma' }));
  assert.equal(err.name, 'RepositoryPolicyNotFoundException');
  err = await awsError(() =>
    send('SetRepositoryPolicyCommand', { repositoryName: 'gamma', policyText: 'not json' }));
  assertAwsError(err, 'InvalidParameterException', 400,
    "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'");
});

test('Tags by ARN', { skip }, async () => {
  const resourceArn = `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/cdk-assets`;
  await send('TagResourceCommand', { resourceArn, tags: [{ Key: 'env', Value: 'test' }] });
  let t = await send('ListTagsForResourceCommand', { resourceArn });
  assert.deepEqual(t.tags, [{ Key: 'app', Value: 'cdk' }, { Key: 'env', Value: 'test' }]);
  await send('UntagResourceCommand', { resourceArn, tagKeys: ['app'] });
  t = await send('ListTagsForResourceCommand', { resourceArn });
  assert.deepEqual(t.tags, [{ Key: 'env', Value: 'test' }]);
  const err = await awsError(() => send('ListTagsForResourceCommand',
    { resourceArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/missing` }));
  assertAwsError(err, 'RepositoryNotFoundException', 400, notFound('missing'));
});

test('GetAuthorizationToken: AWS:<password>, 12 hours', { skip }, async () => {
  const r = await send('GetAuthorizationTokenCommand', {});
  assert.equal(r.authorizationData.length, 1);
  const d = r.authorizationData[0];
  assert.match(Buffer.from(d.authorizationToken, 'base64').toString('utf8'), /^AWS:.+/);
  assert.equal(d.proxyEndpoint, `https://${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`);
  const s = secondsFromNow(d.expiresAt);
  assert.ok(s > 11 * 3600 && s <= 12 * 3600 + 60, `expiresAt in ${s} s`);
});

test('Images: an empty repository', { skip }, async () => {
  assert.deepEqual((await send('ListImagesCommand', { repositoryName: 'gamma' })).imageIds, []);
  assert.deepEqual(
    (await send('DescribeImagesCommand', { repositoryName: 'gamma' })).imageDetails, []);
  let err = await awsError(() => send('DescribeImagesCommand',
    { repositoryName: 'gamma', imageIds: [{ imageTag: 'v1' }] }));
  assertAwsError(err, 'ImageNotFoundException', 400,
    `The image with imageId {imageDigest:'null', imageTag:'v1'} does not exist within the repository with name 'gamma' in the registry with id '${ACCOUNT}'`);
  const g = await send('BatchGetImageCommand',
    { repositoryName: 'gamma', imageIds: [{ imageTag: 'v1' }] });
  assert.deepEqual(g.images, []);
  assert.deepEqual(g.failures, [{ imageId: { imageTag: 'v1' }, failureCode: 'ImageNotFound',
    failureReason: 'Requested image not found' }]);
  const d = await send('BatchDeleteImageCommand',
    { repositoryName: 'gamma', imageIds: [{ imageTag: 'v1' }] });
  assert.deepEqual(d.imageIds, []);
  assert.equal(d.failures[0].failureCode, 'ImageNotFound');
  err = await awsError(() => send('ListImagesCommand', { repositoryName: 'missing' }));
  assertAwsError(err, 'RepositoryNotFoundException', 400, notFound('missing'));
});

test('DeleteRepository', { skip }, async () => {
  const d = await send('DeleteRepositoryCommand', { repositoryName: 'beta/one', force: true });
  assert.equal(d.repository.repositoryName, 'beta/one');
  const err = await awsError(() => send('DeleteRepositoryCommand', { repositoryName: 'beta/one' }));
  assertAwsError(err, 'RepositoryNotFoundException', 400, notFound('beta/one'));
  const other = await send('DescribeRepositoriesCommand', {}, { region: 'eu-west-1' });
  assert.deepEqual(other.repositories, []);
});

nimbus.checkExit();
