// Durability with --data-dir: nimbus replies only after its transaction
// commits, so every write a client saw acknowledged must survive the process
// being killed with SIGKILL at any moment. Writers issue STS AssumeRole calls
// (each stores a new access key) as fast as they can; nimbus is killed at a
// random moment; a new nimbus on the same folder must know every key whose
// AssumeRole was answered: GetCallerIdentity signed with it returns the
// assumed-role ARN (an unknown key would be the account root instead).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startNimbus, clientConfig } from './helpers.mjs';

const ROUNDS = 3;
const WRITERS = 8;

async function writeUntilKilled(endpoint, acked, stopAt) {
  const sts = new STSClient(clientConfig(endpoint));
  for (let i = 0; Date.now() < stopAt + 2000; i++) {
    try {
      const r = await sts.send(new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::123456789012:role/durable',
        RoleSessionName: `s${i}`,
      }));
      acked.push({ creds: r.Credentials, arn: r.AssumedRoleUser.Arn });
    } catch {
      return; // the server is gone: only acknowledged writes count
    }
  }
}

async function verify(endpoint, acked) {
  let missing = 0;
  for (let i = 0; i < acked.length; i += 16) {
    await Promise.all(acked.slice(i, i + 16).map(async ({ creds, arn }) => {
      const sts = new STSClient(clientConfig(endpoint, {
        credentials: {
          accessKeyId: creds.AccessKeyId,
          secretAccessKey: creds.SecretAccessKey,
          sessionToken: creds.SessionToken,
        },
      }));
      const id = await sts.send(new GetCallerIdentityCommand({}));
      if (id.Arn !== arn || id.Account !== '123456789012') missing++;
    }));
  }
  return missing;
}

for (let round = 1; round <= ROUNDS; round++) {
  test(`round ${round}: every acknowledged write survives kill -9`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nimbus-kill9-'));
    try {
      const first = await startNimbus(['--data-dir', dir]);
      const acked = [];
      const killAt = Date.now() + 300 + Math.floor(Math.random() * 1200);
      const writers = Array.from({ length: WRITERS },
        () => writeUntilKilled(first.endpoint, acked, killAt));
      await new Promise((r) => setTimeout(r, killAt - Date.now()));
      first.child.kill('SIGKILL');
      await Promise.all(writers);
      await first.stop();
      assert.ok(acked.length > 0, 'no write was acknowledged before the kill');

      const second = await startNimbus(['--data-dir', dir]);
      try {
        const missing = await verify(second.endpoint, acked);
        assert.equal(missing, 0, `${missing} of ${acked.length} acknowledged writes lost`);
      } finally {
        const r = await second.stop();
        assert.equal(r.code, 0, `second nimbus exit ${JSON.stringify(r)}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
