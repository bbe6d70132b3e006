// KMS through AWS SDK for JavaScript v3: symmetric keys, aliases, states,
// policy, tags, rotation, and the cryptography round trips, errors by name
// and status. Expected values come from the AWS KMS API reference
// (https://docs.aws.amazon.com/kms/latest/APIReference/); error texts are
// AWS's as LocalStack's snapshot tests against AWS record them. Skipped
// when @aws-sdk/client-kms is not installed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAwsError, awsError, secondsFromNow, useNimbus } from './helpers.mjs';

let sdk = null;
try {
  sdk = await import('@aws-sdk/client-kms');
} catch {
  sdk = null;
}
const skip = sdk ? false : '@aws-sdk/client-kms is not installed';

const nimbus = useNimbus();
const send = (cmd, input, extra) => new sdk.KMSClient(nimbus.config(extra)).send(new sdk[cmd](input));
const PREFIX = 'arn:aws:kms:us-east-1:000000000000';
const enc = new TextEncoder();
const dec = new TextDecoder();
let key;
let key2;

test('CreateKey: a symmetric key with the default policy', { skip }, async () => {
  const r = await send('CreateKeyCommand',
    { Description: 'sdk key', Tags: [{ TagKey: 'app', TagValue: 'x' }] });
  const m = r.KeyMetadata;
  key = m.KeyId;
  assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(m.Arn, `${PREFIX}:key/${key}`);
  assert.equal(m.AWSAccountId, '000000000000');
  assert.equal(m.Description, 'sdk key');
  assert.equal(m.Enabled, true);
  assert.equal(m.KeyState, 'Enabled');
  assert.equal(m.KeyUsage, 'ENCRYPT_DECRYPT');
  assert.equal(m.KeySpec, 'SYMMETRIC_DEFAULT');
  assert.equal(m.Origin, 'AWS_KMS');
  assert.equal(m.KeyManager, 'CUSTOMER');
  assert.equal(m.MultiRegion, false);
  assert.deepEqual(m.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
  assert.ok(m.CreationDate instanceof Date);
  assert.ok(Math.abs(secondsFromNow(m.CreationDate)) < 600);
  const p = await send('GetKeyPolicyCommand', { KeyId: key, PolicyName: 'default' });
  const doc = JSON.parse(p.Policy);
  assert.equal(doc.Statement[0].Principal.AWS, 'arn:aws:iam::000000000000:root');
  assert.equal(doc.Statement[0].Action, 'kms:*');
  key2 = (await send('CreateKeyCommand', { KeySpec: 'SYMMETRIC_DEFAULT' })).KeyMetadata.KeyId;
});

test('CreateKey: unsupported and invalid requests', { skip }, async () => {
  let err = await awsError(() =>
    send('CreateKeyCommand', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
  assert.equal(err.name, 'UnsupportedOperationException');
  assert.equal(err.$metadata.httpStatusCode, 400);
  err = await awsError(() => send('CreateKeyCommand', { KeySpec: 'ECC_NIST_P384' }));
  assertAwsError(err, 'ValidationException', 400,
    'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.');
  err = await awsError(() => send('CreateKeyCommand', { KeyUsage: 'SIGN_VERIFY' }));
  assertAwsError(err, 'ValidationException', 400,
    'KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT');
  err = await awsError(() =>
    send('CreateKeyCommand', { Tags: [{ TagKey: 'aws:reserved', TagValue: 'v' }] }));
  assertAwsError(err, 'TagException', 400, 'Tags beginning with aws: are reserved');
});

test('DescribeKey: by id, ARN, alias name and alias ARN; NotFoundException', { skip }, async () => {
  await send('CreateAliasCommand', { AliasName: 'alias/sdk', TargetKeyId: key });
  for (const id of [key, `${PREFIX}:key/${key}`, 'alias/sdk', `${PREFIX}:alias/sdk`]) {
    const r = await send('DescribeKeyCommand', { KeyId: id });
    assert.equal(r.KeyMetadata.KeyId, key, id);
  }
  let err = await awsError(() =>
    send('DescribeKeyCommand', { KeyId: '11111111-2222-3333-4444-555555555555' }));
  assertAwsError(err, 'NotFoundException', 400,
    `Key '${PREFIX}:key/11111111-2222-3333-4444-555555555555' does not exist`);
  err = await awsError(() => send('DescribeKeyCommand', { KeyId: 'alias/missing' }));
  assertAwsError(err, 'NotFoundException', 400, `Alias ${PREFIX}:alias/missing is not found.`);
});

test('Aliases: create, list, update, delete', { skip }, async () => {
  let err = await awsError(() =>
    send('CreateAliasCommand', { AliasName: 'alias/sdk', TargetKeyId: key2 }));
  assertAwsError(err, 'AlreadyExistsException', 400,
    `An alias with the name ${PREFIX}:alias/sdk already exists`);
  err = await awsError(() =>
    send('CreateAliasCommand', { AliasName: 'alias/aws/s3', TargetKeyId: key2 }));
  assert.equal(err.name, 'NotAuthorizedException');
  await send('CreateAliasCommand', { AliasName: 'alias/two', TargetKeyId: key2 });
  let l = await send('ListAliasesCommand', {});
  assert.deepEqual(l.Aliases.map((a) => [a.AliasName, a.TargetKeyId]),
    [['alias/sdk', key], ['alias/two', key2]]);
  assert.equal(l.Aliases[0].AliasArn, `${PREFIX}:alias/sdk`);
  assert.ok(l.Aliases[0].CreationDate instanceof Date);
  assert.equal(l.Truncated, false);
  const page = await send('ListAliasesCommand', { Limit: 1 });
  assert.equal(page.Aliases.length, 1);
  assert.equal(page.Truncated, true);
  const rest = await send('ListAliasesCommand', { Limit: 1, Marker: page.NextMarker });
  assert.equal(rest.Aliases[0].AliasName, 'alias/two');
  await send('UpdateAliasCommand', { AliasName: 'alias/two', TargetKeyId: key });
  l = await send('ListAliasesCommand', { KeyId: key2 });
  assert.deepEqual(l.Aliases, []);
  await send('DeleteAliasCommand', { AliasName: 'alias/two' });
  err = await awsError(() => send('DeleteAliasCommand', { AliasName: 'alias/two' }));
  assertAwsError(err, 'NotFoundException', 400, `Alias ${PREFIX}:alias/two is not found.`);
});

test('ListKeys: pages with Marker, Limit and Truncated', { skip }, async () => {
  const all = await send('ListKeysCommand', {});
  assert.deepEqual(all.Keys.map((k) => k.KeyId).sort(), [key, key2].sort());
  assert.equal(all.Truncated, false);
  const p1 = await send('ListKeysCommand', { Limit: 1 });
  assert.equal(p1.Keys.length, 1);
  assert.equal(p1.Truncated, true);
  assert.equal(p1.Keys[0].KeyArn, `${PREFIX}:key/${p1.Keys[0].KeyId}`);
  const p2 = await send('ListKeysCommand', { Limit: 1, Marker: p1.NextMarker });
  assert.equal(p2.Keys.length, 1);
  assert.equal(p2.Truncated, false);
  assert.notEqual(p2.Keys[0].KeyId, p1.Keys[0].KeyId);
});

test('Encrypt and Decrypt: context, key in the blob, wrong key', { skip }, async () => {
  const ctx = { tenant: 'a', purpose: 'test' };
  const e = await send('EncryptCommand',
    { KeyId: 'alias/sdk', Plaintext: enc.encode('hello kms'), EncryptionContext: ctx });
  assert.equal(e.KeyId, `${PREFIX}:key/${key}`);
  assert.equal(e.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
  assert.ok(e.CiphertextBlob instanceof Uint8Array);
  const d = await send('DecryptCommand',
    { CiphertextBlob: e.CiphertextBlob, EncryptionContext: { purpose: 'test', tenant: 'a' } });
  assert.equal(dec.decode(d.Plaintext), 'hello kms');
  assert.equal(d.KeyId, `${PREFIX}:key/${key}`);
  let err = await awsError(() => send('DecryptCommand',
    { CiphertextBlob: e.CiphertextBlob, EncryptionContext: { tenant: 'b', purpose: 'test' } }));
  assert.equal(err.name, 'InvalidCiphertextException');
  assert.equal(err.$metadata.httpStatusCode, 400);
  err = await awsError(() => send('DecryptCommand',
    { CiphertextBlob: e.CiphertextBlob, EncryptionContext: ctx, KeyId: key2 }));
  assertAwsError(err, 'IncorrectKeyException', 400,
    'The key ID in the request does not identify a CMK that can perform this operation.');
  const tampered = Uint8Array.from(e.CiphertextBlob);
  tampered[tampered.length - 1] ^= 1;
  err = await awsError(() =>
    send('DecryptCommand', { CiphertextBlob: tampered, EncryptionContext: ctx }));
  assert.equal(err.name, 'InvalidCiphertextException');
  const r = await send('ReEncryptCommand', { CiphertextBlob: e.CiphertextBlob,
    SourceEncryptionContext: ctx, DestinationKeyId: key2 });
  assert.equal(r.SourceKeyId, `${PREFIX}:key/${key}`);
  assert.equal(r.KeyId, `${PREFIX}:key/${key2}`);
  const d2 = await send('DecryptCommand', { CiphertextBlob: r.CiphertextBlob });
  assert.equal(dec.decode(d2.Plaintext), 'hello kms');
  err = await awsError(() => send('EncryptCommand',
    { KeyId: key, Plaintext: enc.encode('x'), DryRun: true }));
  assertAwsError(err, 'DryRunOperationException', 400,
    'The request would have succeeded, but the DryRun option is set.');
});

test('GenerateDataKey, WithoutPlaintext, GenerateRandom', { skip }, async () => {
  const g = await send('GenerateDataKeyCommand', { KeyId: key, KeySpec: 'AES_256' });
  assert.equal(g.Plaintext.length, 32);
  const d = await send('DecryptCommand', { CiphertextBlob: g.CiphertextBlob });
  assert.deepEqual(Buffer.from(d.Plaintext), Buffer.from(g.Plaintext));
  const g16 = await send('GenerateDataKeyCommand', { KeyId: key, NumberOfBytes: 16 });
  assert.equal(g16.Plaintext.length, 16);
  const w = await send('GenerateDataKeyWithoutPlaintextCommand',
    { KeyId: 'alias/sdk', KeySpec: 'AES_128', EncryptionContext: { k: 'v' } });
  assert.equal(w.Plaintext, undefined);
  const dw = await send('DecryptCommand',
    { CiphertextBlob: w.CiphertextBlob, EncryptionContext: { k: 'v' } });
  assert.equal(dw.Plaintext.length, 16);
  let err = await awsError(() => send('GenerateDataKeyCommand', { KeyId: key }));
  assertAwsError(err, 'ValidationException', 400,
    'Please specify either number of bytes or key spec.');
  const r = await send('GenerateRandomCommand', { NumberOfBytes: 100 });
  assert.equal(r.Plaintext.length, 100);
  err = await awsError(() => send('GenerateRandomCommand', { NumberOfBytes: 0 }));
  assert.equal(err.name, 'ValidationException');
});

test('Key policy, tags and rotation', { skip }, async () => {
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow',
    Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }] });
  await send('PutKeyPolicyCommand', { KeyId: key, PolicyName: 'default', Policy: policy });
  const p = await send('GetKeyPolicyCommand', { KeyId: key, PolicyName: 'default' });
  assert.equal(p.Policy, policy);
  assert.deepEqual((await send('ListKeyPoliciesCommand', { KeyId: key })).PolicyNames,
    ['default']);
  await send('TagResourceCommand', { KeyId: key, Tags: [{ TagKey: 'env', TagValue: 'prod' }] });
  await send('UntagResourceCommand', { KeyId: key, TagKeys: ['app'] });
  const t = await send('ListResourceTagsCommand', { KeyId: key });
  assert.deepEqual(t.Tags, [{ TagKey: 'env', TagValue: 'prod' }]);
  assert.equal(t.Truncated, false);
  // Pages of ListResourceTags, in key order (AWS: Limit, Truncated, NextMarker).
  await send('TagResourceCommand', { KeyId: key,
    Tags: [{ TagKey: 'b', TagValue: '2' }, { TagKey: 'a', TagValue: '1' }] });
  const p1 = await send('ListResourceTagsCommand', { KeyId: key, Limit: 2 });
  assert.deepEqual(p1.Tags, [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'b', TagValue: '2' }]);
  assert.equal(p1.Truncated, true);
  const p2 = await send('ListResourceTagsCommand', { KeyId: key, Limit: 2, Marker: p1.NextMarker });
  assert.deepEqual(p2.Tags, [{ TagKey: 'env', TagValue: 'prod' }]);
  assert.equal(p2.Truncated, false);
  assert.equal(p2.NextMarker, undefined);
  await send('UntagResourceCommand', { KeyId: key, TagKeys: ['a', 'b'] });
  await send('EnableKeyRotationCommand', { KeyId: key, RotationPeriodInDays: 120 });
  const s = await send('GetKeyRotationStatusCommand', { KeyId: key });
  assert.equal(s.KeyRotationEnabled, true);
  assert.equal(s.RotationPeriodInDays, 120);
  assert.ok(s.NextRotationDate instanceof Date);
  const err = await awsError(() =>
    send('EnableKeyRotationCommand', { KeyId: key, RotationPeriodInDays: 30 }));
  assert.equal(err.name, 'ValidationException');
  await send('DisableKeyRotationCommand', { KeyId: key });
  assert.equal((await send('GetKeyRotationStatusCommand', { KeyId: key })).KeyRotationEnabled,
    false);
});

test('States: disabled, pending deletion, canceled', { skip }, async () => {
  const arn = `${PREFIX}:key/${key2}`;
  await send('DisableKeyCommand', { KeyId: key2 });
  let err = await awsError(() =>
    send('EncryptCommand', { KeyId: key2, Plaintext: enc.encode('x') }));
  assertAwsError(err, 'DisabledException', 400, `${arn} is disabled.`);
  await send('EnableKeyCommand', { KeyId: key2 });
  err = await awsError(() =>
    send('ScheduleKeyDeletionCommand', { KeyId: key2, PendingWindowInDays: 31 }));
  assertAwsError(err, 'ValidationException', 400,
    'PendingWindowInDays should be between 7 and 30, but it is 31');
  const s = await send('ScheduleKeyDeletionCommand', { KeyId: key2 });
  assert.equal(s.KeyId, arn);
  assert.equal(s.KeyState, 'PendingDeletion');
  assert.equal(s.PendingWindowInDays, 30);
  const days = secondsFromNow(s.DeletionDate) / 86400;
  assert.ok(days > 29.9 && days <= 30.01, `DeletionDate in ${days} days`);
  const m = (await send('DescribeKeyCommand', { KeyId: key2 })).KeyMetadata;
  assert.equal(m.KeyState, 'PendingDeletion');
  assert.equal(m.Enabled, false);
  assert.ok(m.DeletionDate instanceof Date);
  err = await awsError(() =>
    send('GenerateDataKeyCommand', { KeyId: key2, KeySpec: 'AES_256' }));
  assertAwsError(err, 'KMSInvalidStateException', 400, `${arn} is pending deletion.`);
  const c = await send('CancelKeyDeletionCommand', { KeyId: key2 });
  assert.equal(c.KeyId, arn);
  assert.equal((await send('DescribeKeyCommand', { KeyId: key2 })).KeyMetadata.KeyState,
    'Disabled');
  const other = await send('ListKeysCommand', {}, { region: 'eu-west-1' });
  assert.deepEqual(other.Keys, []);
});

test('Asymmetric keys: Sign and Verify (RSA, ECC), GetPublicKey, RSA OAEP', { skip }, async () => {
  const crypto = await import('node:crypto');
  const cases = [
    ['RSA_2048', 'RSASSA_PSS_SHA_256', { padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32 }, 'sha256'],
    ['RSA_3072', 'RSASSA_PKCS1_V1_5_SHA_384', {}, 'sha384'],
    ['ECC_NIST_P384', 'ECDSA_SHA_384', {}, 'sha384'],
    ['ECC_SECG_P256K1', 'ECDSA_SHA_256', {}, 'sha256'],
  ];
  for (const [spec, alg, opts, hash] of cases) {
    const k = (await send('CreateKeyCommand', { KeySpec: spec, KeyUsage: 'SIGN_VERIFY' }))
      .KeyMetadata;
    assert.equal(k.KeySpec, spec);
    assert.ok(k.SigningAlgorithms.includes(alg), `${spec}: ${k.SigningAlgorithms}`);
    const message = enc.encode(`message for ${spec}`);
    const s = await send('SignCommand', { KeyId: k.KeyId, Message: message,
      SigningAlgorithm: alg });
    assert.equal(s.SigningAlgorithm, alg);
    assert.equal(s.KeyId, k.Arn);
    const v = await send('VerifyCommand', { KeyId: k.KeyId, Message: message,
      Signature: s.Signature, SigningAlgorithm: alg });
    assert.equal(v.SignatureValid, true);
    const pub = await send('GetPublicKeyCommand', { KeyId: k.KeyId });
    assert.equal(pub.KeySpec, spec);
    assert.equal(pub.KeyUsage, 'SIGN_VERIFY');
    const key = crypto.createPublicKey({ key: Buffer.from(pub.PublicKey), format: 'der',
      type: 'spki' });
    assert.ok(crypto.verify(hash, message, { key, ...opts }, Buffer.from(s.Signature)),
      `${spec}: node:crypto verifies the signature`);
    const digest = crypto.createHash(hash).update(message).digest();
    const sd = await send('SignCommand', { KeyId: k.KeyId, Message: digest,
      MessageType: 'DIGEST', SigningAlgorithm: alg });
    const vd = await send('VerifyCommand', { KeyId: k.KeyId, Message: message,
      Signature: sd.Signature, SigningAlgorithm: alg });
    assert.equal(vd.SignatureValid, true, `${spec}: DIGEST signature verifies the RAW message`);
    const err = await awsError(() => send('VerifyCommand', { KeyId: k.KeyId,
      Message: enc.encode('tampered'), Signature: s.Signature, SigningAlgorithm: alg }));
    assert.equal(err.name, 'KMSInvalidSignatureException');
  }
  const rsa = (await send('CreateKeyCommand', { KeySpec: 'RSA_2048',
    KeyUsage: 'ENCRYPT_DECRYPT' })).KeyMetadata;
  assert.deepEqual(rsa.EncryptionAlgorithms, ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
  const pub = await send('GetPublicKeyCommand', { KeyId: rsa.KeyId });
  const ct = crypto.publicEncrypt({ key: Buffer.from(pub.PublicKey), format: 'der', type: 'spki',
    padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('hi rsa'));
  const d = await send('DecryptCommand', { KeyId: rsa.KeyId, CiphertextBlob: ct,
    EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' });
  assert.equal(dec.decode(d.Plaintext), 'hi rsa');
  const e = await send('EncryptCommand', { KeyId: rsa.KeyId, Plaintext: enc.encode('back'),
    EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
  const d2 = await send('DecryptCommand', { KeyId: rsa.KeyId, CiphertextBlob: e.CiphertextBlob,
    EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' });
  assert.equal(dec.decode(d2.Plaintext), 'back');
  const err = await awsError(() => send('SignCommand', { KeyId: rsa.KeyId,
    Message: enc.encode('x'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
  assertAwsError(err, 'InvalidKeyUsageException', 400,
    `${rsa.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.`);
});

nimbus.checkExit();
