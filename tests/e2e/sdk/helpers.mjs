// helpers.mjs: what every tests/e2e/sdk/*.test.mjs needs: a private nimbus
// on a free port for the file (started before its first test, stopped by
// its last one, which checks that nimbus exited 0 with no sanitizer
// report), and client settings for AWS SDK for JavaScript v3: that
// endpoint, us-east-1, static credentials test/test, no retries.
//
//   import { useNimbus } from './helpers.mjs';
//   const nimbus = useNimbus();              // at the top of the file
//   test('...', async () => { const sts = new STSClient(nimbus.config()); ... });
//   nimbus.checkExit();                      // at the end of the file
//
// The binary is $NIMBUS (default build/nimbus); scripts/run-tests.sh sets
// NIMBUS=build/asan/nimbus.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const NIMBUS = path.resolve(process.env.NIMBUS || path.join(ROOT, 'build/nimbus'));
export const REGION = 'us-east-1';

const START_TIMEOUT_MS = 5000;
const STOP_TIMEOUT_MS = 10000;
const SANITIZER_RE = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|UndefinedBehaviorSanitizer|ThreadSanitizer/;

// No configuration from the machine: the SDK reads these files and
// variables for defaults (region, retries, endpoints, credentials).
for (const k of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
  delete process.env[k];
}
process.env.AWS_CONFIG_FILE = '/dev/null';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function healthy(endpoint) {
  try {
    const r = await fetch(`${endpoint}/_nimbus/health`, { signal: AbortSignal.timeout(1000) });
    await r.arrayBuffer();
    return r.status === 200;
  } catch {
    return false;
  }
}

// Starts nimbus on a free port and waits for its health endpoint. Resolves
// { port, endpoint, child, output(), stop() }; stop() resolves { code, signal,
// timedOut, output }.
export async function startNimbus(extraArgs = []) {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(NIMBUS, ['start', '--port', String(port), '--log-level', 'warn', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d) => {
    if (output.length < 1 << 20) output += d.toString('utf8');
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exit = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve((exit = { code, signal })));
    child.on('error', (err) => {
      output += `spawn failed: ${err.message}\n`;
      resolve((exit = { code: null, signal: null, error: err.message }));
    });
  });
  const stop = async () => {
    let timedOut = false;
    if (!exit) {
      child.kill('SIGTERM');
      let timer;
      const t = new Promise((r) => {
        timer = setTimeout(() => r('timeout'), STOP_TIMEOUT_MS);
      });
      if ((await Promise.race([exited, t])) === 'timeout') {
        timedOut = true;
        child.kill('SIGKILL');
      }
      clearTimeout(timer);
    }
    const e = await exited;
    return { ...e, timedOut, output };
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !exit) {
    if (await healthy(endpoint)) return { port, endpoint, child, output: () => output, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`${NIMBUS} did not answer ${endpoint}/_nimbus/health within ` +
    `${START_TIMEOUT_MS / 1000} s (exit: ${JSON.stringify(exit)})\n${output.slice(0, 4000)}`);
}

// Settings for any v3 client: new STSClient(clientConfig(endpoint)).
export function clientConfig(endpoint, extra = {}) {
  return {
    endpoint,
    region: REGION,
    // A fresh object each time: the SDK records on it where it came from.
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    ...extra,
  };
}

// One nimbus for the whole test file. The handle's endpoint is set once
// the before hook ran; config(extra) gives client settings for it.
export function useNimbus(extraArgs = []) {
  const handle = {
    server: null,
    get endpoint() {
      assert.ok(handle.server, 'nimbus is not running (did the before hook fail?)');
      return handle.server.endpoint;
    },
    config(extra = {}) {
      return clientConfig(handle.endpoint, extra);
    },
    // Registers the file's last test: stop nimbus, check how it exited.
    checkExit() {
      test('nimbus exits 0 on SIGTERM with no sanitizer report', async () => {
        assert.ok(handle.server, 'nimbus was not started');
        const r = await handle.server.stop();
        handle.server = null;
        assert.equal(r.timedOut, false, `no exit within ${STOP_TIMEOUT_MS / 1000} s\n${r.output}`);
        assert.equal(r.code, 0, `exit ${JSON.stringify(r)}`);
        assert.doesNotMatch(r.output, SANITIZER_RE, 'sanitizer report');
      });
    },
  };
  before(async () => {
    handle.server = await startNimbus(extraArgs);
  });
  after(async () => {
    if (handle.server) await handle.server.stop();
  });
  return handle;
}

// Runs fn, which must reject with an AWS error; returns the error.
export async function awsError(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  assert.fail('the call succeeded; an AWS error was expected');
}

// Asserts an AWS error: its code (err.name), HTTP status and, when given,
// its exact message.
export function assertAwsError(err, code, status, message) {
  assert.equal(err.name, code, `error: ${err.name}: ${err.message}`);
  assert.equal(err.$metadata?.httpStatusCode, status);
  if (message !== undefined) assert.equal(err.message, message);
}

// Seconds from now to date (a Date or a string).
export function secondsFromNow(date) {
  return (new Date(date).getTime() - Date.now()) / 1000;
}
