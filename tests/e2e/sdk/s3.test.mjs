// S3 through AWS SDK for JavaScript v3 (@aws-sdk/client-s3 with its
// default checksums). Expected values come from the S3 API reference
// (https://docs.aws.amazon.com/AmazonS3/latest/API/) and its error list
// (ErrorResponses.html). The lib-storage and presigned-URL tests are
// skipped when @aws-sdk/lib-storage or @aws-sdk/s3-request-presigner is not
// installed.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { assertAwsError, awsError, useNimbus } from './helpers.mjs';

const optional = async (name) => {
  try {
    return await import(name);
  } catch {
    return null;
  }
};
const storage = await optional('@aws-sdk/lib-storage');
const presigner = await optional('@aws-sdk/s3-request-presigner');

const nimbus = useNimbus();
const s3 = (extra = {}) => new S3Client(nimbus.config(extra));
const B = 'cdk-hnb659fds-assets-000000000000-us-east-1';
const md5 = (s) => `"${createHash('md5').update(s).digest('hex')}"`;

test('CreateBucket, HeadBucket, GetBucketLocation, ListBuckets', async () => {
  const c = await s3().send(new CreateBucketCommand({ Bucket: B }));
  assert.equal(c.Location, `/${B}`);
  const h = await s3().send(new HeadBucketCommand({ Bucket: B }));
  assert.equal(h.BucketRegion, 'us-east-1');
  const loc = await s3().send(new GetBucketLocationCommand({ Bucket: B }));
  assert.equal(loc.LocationConstraint, undefined);
  const eu = s3({ region: 'eu-west-1' });
  await eu.send(new CreateBucketCommand({
    Bucket: 'sdk-euro', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
  }));
  const loc2 = await eu.send(new GetBucketLocationCommand({ Bucket: 'sdk-euro' }));
  assert.equal(loc2.LocationConstraint, 'eu-west-1');
  const l = await s3().send(new ListBucketsCommand({}));
  assert.deepEqual(l.Buckets.map((b) => b.Name), [B, 'sdk-euro']);
  assert.deepEqual(l.Buckets.map((b) => b.BucketRegion), ['us-east-1', 'eu-west-1']);
  assert.ok(l.Buckets[0].CreationDate instanceof Date);
});

test('CreateBucket errors: BucketAlreadyOwnedByYou, InvalidBucketName', async () => {
  const eu = s3({ region: 'eu-west-1' });
  const err = await awsError(() => eu.send(new CreateBucketCommand({
    Bucket: 'sdk-euro', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
  })));
  assertAwsError(err, 'BucketAlreadyOwnedByYou', 409,
    'Your previous request to create the named bucket succeeded and you already own it.');
  const bad = await awsError(() => s3().send(new CreateBucketCommand({ Bucket: 'bad..name' })));
  assertAwsError(bad, 'InvalidBucketName', 400, 'The specified bucket is not valid.');
  assert.equal(bad.BucketName, 'bad..name');
});

test('GetBucketEncryption: SSE-S3 by default (what cdk-assets reads)', async () => {
  const e = await s3().send(new GetBucketEncryptionCommand({ Bucket: B }));
  const rule = e.ServerSideEncryptionConfiguration.Rules[0];
  assert.equal(rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
});

test('PutObject with the default checksum, then GetObject validates it', async () => {
  const body = JSON.stringify({ asset: 1 });
  const p = await s3().send(new PutObjectCommand({
    Bucket: B, Key: 'abc123.json', Body: body, ContentType: 'application/json',
  }));
  assert.equal(p.ETag, md5(body));
  assert.equal(p.ServerSideEncryption, 'AES256');
  const g = await s3().send(new GetObjectCommand({ Bucket: B, Key: 'abc123.json', ChecksumMode: 'ENABLED' }));
  assert.equal(await g.Body.transformToString(), body);
  assert.equal(g.ContentType, 'application/json');
  assert.equal(g.ContentLength, body.length);
  assert.equal(g.ETag, md5(body));
  assert.ok(g.LastModified instanceof Date);
});

test('PutObject with SHA256 as cdk-assets sends it', async () => {
  const body = Buffer.alloc(50000, 7);
  const sha = createHash('sha256').update(body).digest('base64');
  const p = await s3().send(new PutObjectCommand({
    Bucket: B, Key: 'big.zip', Body: body, ChecksumAlgorithm: 'SHA256',
  }));
  assert.equal(p.ChecksumSHA256, sha);
  const h = await s3().send(new HeadObjectCommand({ Bucket: B, Key: 'big.zip', ChecksumMode: 'ENABLED' }));
  assert.equal(h.ContentLength, 50000);
  assert.equal(h.ChecksumSHA256, sha);
});

test('PutObject: wrong checksum is BadDigest', async () => {
  const err = await awsError(() => s3().send(new PutObjectCommand({
    Bucket: B, Key: 'x', Body: 'abc', ChecksumSHA256: createHash('sha256').update('abd').digest('base64'),
  })));
  assertAwsError(err, 'BadDigest', 400);
});

test('Keys with +, spaces, unicode and ../ round-trip', async () => {
  for (const Key of ['a+b c', 'ü/ñ/日本.txt', '../up/./x', 'sp ace/+plus']) {
    await s3().send(new PutObjectCommand({ Bucket: B, Key, Body: Key }));
    const g = await s3().send(new GetObjectCommand({ Bucket: B, Key }));
    assert.equal(await g.Body.transformToString(), Key);
  }
  const l = await s3().send(new ListObjectsV2Command({ Bucket: B, Prefix: 'sp ace/' }));
  assert.deepEqual(l.Contents.map((c) => c.Key), ['sp ace/+plus']);
  const enc = await s3().send(new ListObjectsV2Command({ Bucket: B, Prefix: 'ü/', EncodingType: 'url' }));
  assert.deepEqual(enc.Contents.map((c) => decodeURIComponent(c.Key.replace(/\+/g, ' '))),
    ['ü/ñ/日本.txt']);
});

test('GetObject: Range, conditional requests, metadata, NoSuchKey', async () => {
  await s3().send(new PutObjectCommand({
    Bucket: B, Key: 'r.txt', Body: '0123456789', Metadata: { owner: 'me' },
  }));
  const r = await s3().send(new GetObjectCommand({ Bucket: B, Key: 'r.txt', Range: 'bytes=2-5' }));
  assert.equal(await r.Body.transformToString(), '2345');
  assert.equal(r.ContentRange, 'bytes 2-5/10');
  assert.equal(r.$metadata.httpStatusCode, 206);
  const suffix = await s3().send(new GetObjectCommand({ Bucket: B, Key: 'r.txt', Range: 'bytes=-3' }));
  assert.equal(await suffix.Body.transformToString(), '789');
  const h = await s3().send(new HeadObjectCommand({ Bucket: B, Key: 'r.txt' }));
  assert.deepEqual(h.Metadata, { owner: 'me' });
  const nm = await awsError(() => s3().send(new GetObjectCommand({ Bucket: B, Key: 'r.txt', IfNoneMatch: h.ETag })));
  assert.equal(nm.$metadata.httpStatusCode, 304);
  const pf = await awsError(() => s3().send(new GetObjectCommand({ Bucket: B, Key: 'r.txt', IfMatch: '"nope"' })));
  assertAwsError(pf, 'PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
  const ims = await awsError(() => s3().send(new GetObjectCommand({
    Bucket: B, Key: 'r.txt', IfModifiedSince: new Date(),
  })));
  assert.equal(ims.$metadata.httpStatusCode, 304);
  const range = await awsError(() => s3().send(new GetObjectCommand({ Bucket: B, Key: 'r.txt', Range: 'bytes=10-' })));
  assertAwsError(range, 'InvalidRange', 416, 'The requested range is not satisfiable');
  const nk = await awsError(() => s3().send(new GetObjectCommand({ Bucket: B, Key: 'none' })));
  assertAwsError(nk, 'NoSuchKey', 404, 'The specified key does not exist.');
  assert.equal(nk.Key, 'none');
  const nb = await awsError(() => s3().send(new GetObjectCommand({ Bucket: 'no-such-bkt', Key: 'k' })));
  assertAwsError(nb, 'NoSuchBucket', 404, 'The specified bucket does not exist');
  const hk = await awsError(() => s3().send(new HeadObjectCommand({ Bucket: B, Key: 'none' })));
  assert.equal(hk.$metadata.httpStatusCode, 404);
});

test('ListObjectsV2: prefix, delimiter, pages', async () => {
  for (const k of ['l/a', 'l/b', 'l/c/1', 'l/c/2', 'l/d'])
    await s3().send(new PutObjectCommand({ Bucket: 'sdk-euro', Key: k, Body: k }));
  const eu = s3({ region: 'eu-west-1' });
  const seen = [];
  let ContinuationToken;
  do {
    const r = await eu.send(new ListObjectsV2Command({
      Bucket: 'sdk-euro', Prefix: 'l/', Delimiter: '/', MaxKeys: 2, ContinuationToken,
    }));
    assert.ok(r.KeyCount <= 2);
    seen.push(...(r.Contents ?? []).map((c) => c.Key), ...(r.CommonPrefixes ?? []).map((p) => p.Prefix));
    ContinuationToken = r.NextContinuationToken;
    assert.equal(r.IsTruncated, !!ContinuationToken);
  } while (ContinuationToken);
  assert.deepEqual(seen.sort(), ['l/a', 'l/b', 'l/c/', 'l/d']);
  const owner = await eu.send(new ListObjectsV2Command({ Bucket: 'sdk-euro', FetchOwner: true, MaxKeys: 1 }));
  assert.match(owner.Contents[0].Owner.ID, /^[0-9a-f]{64}$/);
});

test('CopyObject, DeleteObjects, DeleteBucket', async () => {
  const c = await s3().send(new CopyObjectCommand({ Bucket: 'sdk-euro', Key: 'copy', CopySource: `${B}/r.txt` }));
  assert.equal(c.CopyObjectResult.ETag, md5('0123456789'));
  const eu = s3({ region: 'eu-west-1' });
  const notEmpty = await awsError(() => eu.send(new DeleteBucketCommand({ Bucket: 'sdk-euro' })));
  assertAwsError(notEmpty, 'BucketNotEmpty', 409, 'The bucket you tried to delete is not empty');
  const keys = ['l/a', 'l/b', 'l/c/1', 'l/c/2', 'l/d', 'copy'];
  const d = await eu.send(new DeleteObjectsCommand({
    Bucket: 'sdk-euro', Delete: { Objects: keys.map((Key) => ({ Key })) },
  }));
  assert.deepEqual(d.Deleted.map((x) => x.Key).sort(), [...keys].sort());
  await eu.send(new DeleteBucketCommand({ Bucket: 'sdk-euro' }));
  const gone = await awsError(() => eu.send(new HeadBucketCommand({ Bucket: 'sdk-euro' })));
  assert.equal(gone.$metadata.httpStatusCode, 404);
});

test('Versioning: version ids and delete markers', async () => {
  await s3().send(new CreateBucketCommand({ Bucket: 'sdk-versions' }));
  await s3().send(new PutBucketVersioningCommand({ Bucket: 'sdk-versions', VersioningConfiguration: { Status: 'Enabled' } }));
  const v = await s3().send(new GetBucketVersioningCommand({ Bucket: 'sdk-versions' }));
  assert.equal(v.Status, 'Enabled');
  const p1 = await s3().send(new PutObjectCommand({ Bucket: 'sdk-versions', Key: 'k', Body: 'one' }));
  const p2 = await s3().send(new PutObjectCommand({ Bucket: 'sdk-versions', Key: 'k', Body: 'two' }));
  assert.ok(p1.VersionId && p2.VersionId && p1.VersionId !== p2.VersionId);
  const old = await s3().send(new GetObjectCommand({ Bucket: 'sdk-versions', Key: 'k', VersionId: p1.VersionId }));
  assert.equal(await old.Body.transformToString(), 'one');
  const del = await s3().send(new DeleteObjectCommand({ Bucket: 'sdk-versions', Key: 'k' }));
  assert.equal(del.DeleteMarker, true);
  const err = await awsError(() => s3().send(new GetObjectCommand({ Bucket: 'sdk-versions', Key: 'k' })));
  assert.equal(err.name, 'NoSuchKey');
  const still = await s3().send(new GetObjectCommand({ Bucket: 'sdk-versions', Key: 'k', VersionId: p2.VersionId }));
  assert.equal(await still.Body.transformToString(), 'two');
});

test('Bucket policy kept exactly as given', async () => {
  const Policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${B}/*` }],
  });
  await s3().send(new PutBucketPolicyCommand({ Bucket: B, Policy }));
  const g = await s3().send(new GetBucketPolicyCommand({ Bucket: B }));
  assert.equal(g.Policy, Policy);
});

test('lib-storage Upload of a small file (one PutObject)', { skip: storage ? false : '@aws-sdk/lib-storage is not installed' }, async () => {
  const up = new storage.Upload({ client: s3(), params: { Bucket: B, Key: 'up.bin', Body: Buffer.alloc(1000, 1) } });
  const r = await up.done();
  assert.equal(r.ETag, md5(Buffer.alloc(1000, 1)));
});

test('presigned GET and PUT URLs fetched with plain HTTP', { skip: presigner ? false : '@aws-sdk/s3-request-presigner is not installed' }, async () => {
  const put = await presigner.getSignedUrl(s3(), new PutObjectCommand({ Bucket: B, Key: 'signed.txt' }), { expiresIn: 60 });
  const pr = await fetch(put, { method: 'PUT', body: 'signed body' });
  assert.equal(pr.status, 200);
  const get = await presigner.getSignedUrl(s3(), new GetObjectCommand({ Bucket: B, Key: 'signed.txt' }), { expiresIn: 60 });
  const gr = await fetch(get);
  assert.equal(gr.status, 200);
  assert.equal(await gr.text(), 'signed body');
});

nimbus.checkExit();
