// S3 bodies larger than nimbus keeps in memory (core/limits.h NB_SPOOL_MIN,
// 1 MiB): the server spools them to a file under <data-dir>/blobs/tmp and
// the object keeps that file (store/blob.c). Through AWS SDK for
// JavaScript v3 with its default checksums, lib-storage for multipart, and
// raw HTTP for an upload cut off midway. The issue: "Bodies are streamed to
// and from disk ...: a 5 GB object never sits in memory, and an upload cut
// off midway leaves no object behind."

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { awsError, clientConfig, startNimbus } from './helpers.mjs';

const MiB = 1024 * 1024;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nimbus-s3-large-'));
const blobs = path.join(dir, 'blobs');
let server = await startNimbus(['--data-dir', dir]);
let s3 = new S3Client(clientConfig(server.endpoint, { forcePathStyle: true }));
const Bucket = 'large-bodies';

after(async () => {
  if (server) await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const md5 = (b) => createHash('md5').update(b).digest('hex');
const files = () => fs.readdirSync(blobs).filter((f) => f !== 'tmp').sort();
const spooled = () => fs.readdirSync(path.join(blobs, 'tmp'));
// A request's spool file goes when the server ends the request, which may
// be a turn of its loop after the client read the reply or hung up.
async function spoolEmpty() {
  for (let i = 0; i < 50 && spooled().length; i++) await new Promise((r) => setTimeout(r, 20));
  return spooled();
}

async function bytesOf(key, extra = {}) {
  const r = await s3.send(new GetObjectCommand({ Bucket, Key: key, ...extra }));
  return { r, body: Buffer.from(await r.Body.transformToByteArray()) };
}

// Files of the store change only once the call's transaction committed,
// which happens before the reply: no waiting needed.
const big = randomBytes(24 * MiB);

test('a 24 MiB PutObject is kept in a file and read back whole', async () => {
  await s3.send(new CreateBucketCommand({ Bucket }));
  const before = files().length;
  const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'big', Body: big }));
  assert.equal(put.ETag, `"${md5(big)}"`);
  assert.equal(files().length, before + 1, 'one new file in blobs/');
  assert.deepEqual(await spoolEmpty(), [], 'no spool file left');
  const { r, body } = await bytesOf('big');
  assert.equal(r.ContentLength, big.length);
  assert.ok(body.equals(big), 'same bytes');
});

test('a Range read of a large object sends that slice (206)', async () => {
  const { r, body } = await bytesOf('big', { Range: 'bytes=5000000-6999999' });
  assert.equal(r.$metadata.httpStatusCode, 206);
  assert.equal(r.ContentRange, `bytes 5000000-6999999/${big.length}`);
  assert.ok(body.equals(big.subarray(5000000, 7000000)));
});

test('a streamed body (aws-chunked with a trailing checksum) of 9 MiB', async () => {
  const data = randomBytes(9 * MiB);
  const chunks = [];
  for (let i = 0; i < data.length; i += 300 * 1024) chunks.push(data.subarray(i, i + 300 * 1024));
  const put = await s3.send(new PutObjectCommand({
    Bucket, Key: 'streamed', Body: Readable.from(chunks), ContentLength: data.length,
    ChecksumAlgorithm: 'CRC32',
  }));
  assert.equal(put.ETag, `"${md5(data)}"`);
  assert.ok(put.ChecksumCRC32, 'the checksum is echoed');
  const { body } = await bytesOf('streamed');
  assert.ok(body.equals(data));
});

test('lib-storage multipart upload of 20 MiB in 6 MiB parts', async () => {
  const data = randomBytes(20 * MiB);
  const up = new Upload({
    client: s3, params: { Bucket, Key: 'multi', Body: data }, partSize: 6 * MiB, queueSize: 2,
  });
  const r = await up.done();
  assert.match(r.ETag, /-4"$/);
  const { body } = await bytesOf('multi');
  assert.ok(body.equals(data));
  const part2 = await bytesOf('multi', { PartNumber: 2 });
  assert.ok(part2.body.equals(data.subarray(6 * MiB, 12 * MiB)), 'partNumber read');
  assert.deepEqual(await spoolEmpty(), []);
});

test('a copy shares the file; each side outlives the other', async () => {
  const before = files().length;
  await s3.send(new CopyObjectCommand({ Bucket, Key: 'big-copy', CopySource: `${Bucket}/big` }));
  assert.equal(files().length, before, 'no new file for a copy');
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'big' }));
  assert.equal(files().length, before, 'the copy still holds the file');
  const { body } = await bytesOf('big-copy');
  assert.ok(body.equals(big));
  await s3.send(new DeleteObjectCommand({ Bucket, Key: 'big-copy' }));
  assert.equal(files().length, before - 1, 'the last delete frees the file');
});

test('an upload cut off midway leaves no object and no file behind', async () => {
  const before = files();
  await new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1', () => {
      sock.write(`PUT /${Bucket}/cut HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
        `Content-Length: ${8 * MiB}\r\nContent-Type: application/octet-stream\r\n\r\n`);
      sock.write(randomBytes(3 * MiB), () => setTimeout(() => {
        sock.destroy();
        resolve();
      }, 200));
    });
    sock.on('error', reject);
  });
  assert.deepEqual(await spoolEmpty(), [], 'the spool file is gone');
  assert.deepEqual(files(), before, 'no new file');
  const err = await awsError(() => s3.send(new HeadObjectCommand({ Bucket, Key: 'cut' })));
  assert.equal(err.$metadata.httpStatusCode, 404);
});

test('a body over NB_BODY_MAX to a non-streaming operation gets 413', async () => {
  const r = await fetch(`${server.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
    body: Buffer.alloc(17 * MiB, 32),
  });
  assert.equal(r.status, 413);
  await r.arrayBuffer();
  assert.deepEqual(await spoolEmpty(), []);
});

test('large objects survive a restart with --data-dir', async () => {
  const r = await server.stop();
  assert.equal(r.code, 0, r.output);
  server = await startNimbus(['--data-dir', dir]);
  s3 = new S3Client(clientConfig(server.endpoint, { forcePathStyle: true }));
  const { body } = await bytesOf('streamed');
  assert.equal(body.length, 9 * MiB);
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'multi' }));
  assert.equal(head.ContentLength, 20 * MiB);
});

test('POST /_nimbus/reset removes the files', async () => {
  assert.ok(files().length > 0);
  const r = await fetch(`${server.endpoint}/_nimbus/reset`, { method: 'POST' });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  assert.deepEqual(files(), []);
});

test('nimbus exits 0 on SIGTERM with no sanitizer report', async () => {
  const r = await server.stop();
  server = null;
  assert.equal(r.code, 0, r.output);
  assert.doesNotMatch(r.output, /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/);
});
