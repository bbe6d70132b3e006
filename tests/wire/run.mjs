// run.mjs: runs the wire cases (tests/wire/<dir>/*.case, format in README.md)
// against one nimbus binary and prints TAP. It starts the binary on a free
// port, resets it before each case, sends each request over a plain TCP
// socket, compares status, headers and body with the case's expectations,
// and at the end stops the server with SIGTERM and checks that it exited 0
// without a sanitizer report. Node.js only, no packages.
//
// Usage: node tests/wire/run.mjs BINARY [CASE|DIR ...]
//        node tests/wire/run.mjs --url http://127.0.0.1:4566 [CASE|DIR ...]
// With no CASE or DIR, every tests/wire/*/*.case runs, sorted.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const START_TIMEOUT_MS = 10000; // sanitizer builds start slower
const CASE_TIMEOUT_MS = 10000;
const NONE_WAIT_MS = 2000; // how long "status: none" waits for a reply
const STOP_TIMEOUT_MS = 10000;
const SANITIZER_RE = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|UndefinedBehaviorSanitizer|ThreadSanitizer/;

// ---------------------------------------------------------------- TAP

let tapN = 0;
let tapFailed = 0;

function diag(text) {
  for (const line of String(text).split('\n')) console.log(`#   ${line}`);
}

function tap(ok, name, problems = [], directive = '') {
  tapN++;
  if (!ok) tapFailed++;
  console.log(`${ok ? 'ok' : 'not ok'} ${tapN} - ${name}${directive ? ` # ${directive}` : ''}`);
  for (const p of problems) diag(p);
}

function clip(s, n = 1500) {
  s = String(s);
  return s.length > n ? `${s.slice(0, n)}... (${s.length - n} more characters)` : s;
}

// ---------------------------------------------------------------- placeholders

// Turns expected text with {{placeholders}} into a RegExp source.
// `line` limits {{any}} to one line (headers).
const PLACEHOLDERS = {
  uuid: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
  iso8601: '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})',
  httpdate: '(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d{2}:\\d{2}:\\d{2} GMT',
  epoch: '\\d+(\\.\\d+)?',
  int: '-?\\d+',
  hex: '[0-9a-fA-F]+',
  base64: '[A-Za-z0-9+/]+={0,2}',
};

function patternSource(text, { line = false, port = '' } = {}) {
  let src = '';
  let last = 0;
  // {{re:...}} ends at the "}}" that closes a run of braces, so that
  // {{re:[A-Z]{16}}} holds the regex [A-Z]{16}.
  const re = /\{\{(re:.*?|[a-z0-9]+)\}\}(?!\})/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    src += escapeRe(text.slice(last, m.index));
    const p = m[1];
    if (p.startsWith('re:')) src += `(?:${p.slice(3)})`;
    else if (p === 'any') src += line ? '.*?' : '[\\s\\S]*?';
    else if (p === 'port') src += escapeRe(String(port));
    else if (PLACEHOLDERS[p]) src += `(?:${PLACEHOLDERS[p]})`;
    else throw new Error(`unknown placeholder {{${p}}}`);
    last = re.lastIndex;
  }
  return src + escapeRe(text.slice(last));
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Whole-string match of got against expected text with placeholders.
function matches(expected, got, opts) {
  return new RegExp(`^(?:${patternSource(expected, opts)})$`).test(got);
}

// ---------------------------------------------------------------- case files

function parseCase(file) {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const c = { file, title: '', skip: null, request: null, raw: null, expect: null };
  const sections = {};
  let cur = null;
  for (const line of lines) {
    const m = /^--- (request|raw|response)\s*$/.exec(line);
    if (m) {
      if (sections[m[1]]) throw new Error(`two '--- ${m[1]}' sections`);
      cur = sections[m[1]] = [];
      continue;
    }
    if (cur) {
      cur.push(line);
      continue;
    }
    const h = /^#\s?(.*)$/.exec(line);
    if (h) {
      if (!c.title && h[1].trim()) c.title = h[1].trim();
    } else if (/^skip:/.test(line)) {
      c.skip = line.slice(5).trim() || 'skipped';
    } else if (line.trim()) {
      throw new Error(`unexpected line before the first section: ${line}`);
    }
  }
  if (!!sections.request === !!sections.raw) throw new Error("need one '--- request' or '--- raw' section");
  if (!sections.response) throw new Error("no '--- response' section");
  c.request = sections.request || null;
  c.raw = sections.raw || null;
  c.expect = parseResponseSpec(sections.response);
  return c;
}

function parseResponseSpec(lines) {
  const spec = { status: null, headers: [], present: [], absent: [], bodyMode: null, body: null };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim() || /^#/.test(line)) continue;
    let m;
    if ((m = /^status:\s*(.+)$/.exec(line))) {
      spec.status = m[1].split(/[\s,]+/).filter(Boolean);
      for (const s of spec.status) {
        if (s !== 'none' && !/^\d{3}$/.test(s)) throw new Error(`bad status: ${line}`);
      }
    } else if ((m = /^header:\s*([^:\s]+):\s?(.*)$/.exec(line))) {
      spec.headers.push({ name: m[1].toLowerCase(), value: m[2] });
    } else if ((m = /^header-present:\s*(\S+)\s*$/.exec(line))) {
      spec.present.push(m[1].toLowerCase());
    } else if ((m = /^header-absent:\s*(\S+)\s*$/.exec(line))) {
      spec.absent.push(m[1].toLowerCase());
    } else if ((m = /^(body|body-contains|body-json|body-json-subset|body-xml):\s?(.*)$/.exec(line))) {
      spec.bodyMode = m[1];
      const rest = m[2] ? [m[2], ...lines.slice(i + 1)] : lines.slice(i + 1);
      spec.body = rest.join('\n').replace(/\s+$/, '');
      break;
    } else {
      throw new Error(`unknown response line: ${line}`);
    }
  }
  if (!spec.status) throw new Error("the response section needs a 'status:' line");
  return spec;
}

// The bytes to send for a case: a '--- request' section becomes CRLF lines
// with the body after the first empty line (Content-Length added when the
// body is not empty and the case gave none); a '--- raw' section is bytes
// written with escapes.
function requestBytes(c, port) {
  const sub = (s) => s.replaceAll('{{port}}', String(port));
  if (c.raw) return rawBytes(sub(c.raw.join('')));
  const lines = c.request.map(sub);
  const blank = lines.indexOf('');
  const head = blank < 0 ? lines : lines.slice(0, blank);
  const body = blank < 0 ? '' : lines.slice(blank + 1).join('\n').replace(/\n+$/, '');
  const bodyBuf = Buffer.from(body, 'utf8');
  if (body && !head.some((h) => /^content-length:/i.test(h) || /^transfer-encoding:/i.test(h))) {
    head.push(`Content-Length: ${bodyBuf.length}`);
  }
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), bodyBuf]);
}

function rawBytes(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '\\') {
      out.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const n = s[++i];
    if (n === 'r') out.push(13);
    else if (n === 'n') out.push(10);
    else if (n === 't') out.push(9);
    else if (n === '0') out.push(0);
    else if (n === '\\') out.push(92);
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else throw new Error(`bad escape \\${n ?? ''} in '--- raw'`);
  }
  return Buffer.from(out);
}

// ---------------------------------------------------------------- HTTP over a socket

// Sends bytes, reads one response. Resolves {status, headers, body} or
// {none: true} when the server closed (or stayed silent noneWaitMs) without
// sending a byte. HEAD-aware; handles Content-Length, chunked and
// close-delimited bodies; skips 1xx responses.
function exchange(port, bytes, { head = false, timeoutMs = CASE_TIMEOUT_MS, noneWaitMs = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (err, res) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(res);
    };
    const timer = setTimeout(() => {
      if (noneWaitMs && buf.length === 0) finish(null, { none: true });
      else finish(new Error(`no complete response within ${timeoutMs} ms (${buf.length} bytes read)`));
    }, noneWaitMs || timeoutMs);
    const tryParse = (closed) => {
      for (;;) {
        const res = parseResponse(buf, head, closed);
        if (!res) {
          if (closed) {
            if (buf.length === 0) finish(null, { none: true });
            else finish(new Error(`connection closed mid-response: ${clip(buf.toString('latin1'), 300)}`));
          }
          return;
        }
        if (res.status >= 100 && res.status < 200) {
          buf = buf.subarray(res.length);
          continue;
        }
        finish(null, res);
        return;
      }
    };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      tryParse(false);
    });
    sock.on('end', () => tryParse(true));
    sock.on('close', () => tryParse(true));
    sock.on('error', (e) => {
      if (buf.length) tryParse(true);
      else if (noneWaitMs && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) finish(null, { none: true });
      else finish(e);
    });
    sock.write(bytes);
  });
}

function parseResponse(buf, head, closed) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) throw new Error(`bad status line: ${lines[0]}`);
  const status = Number(m[1]);
  const headers = [];
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    headers.push({ name: l.slice(0, i).trim().toLowerCase(), value: l.slice(i + 1).trim() });
  }
  const get = (n) => headers.find((h) => h.name === n)?.value;
  let pos = end + 4;
  if (head || status < 200 || status === 204 || status === 304) {
    return { status, headers, body: Buffer.alloc(0), length: pos };
  }
  if (/chunked/i.test(get('transfer-encoding') || '')) {
    const parts = [];
    for (;;) {
      const e = buf.indexOf('\r\n', pos);
      if (e < 0) return null;
      const size = parseInt(buf.subarray(pos, e).toString('latin1'), 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size');
      if (size === 0) {
        const t = buf.indexOf('\r\n\r\n', e);
        if (t < 0 && buf.indexOf('\r\n', e + 2) !== e + 2) return null;
        return { status, headers, body: Buffer.concat(parts), length: (t < 0 ? e + 4 : t + 4) };
      }
      if (buf.length < e + 2 + size + 2) return null;
      parts.push(buf.subarray(e + 2, e + 2 + size));
      pos = e + 2 + size + 2;
    }
  }
  const cl = get('content-length');
  if (cl !== undefined) {
    const n = Number(cl);
    if (buf.length < pos + n) return null;
    return { status, headers, body: buf.subarray(pos, pos + n), length: pos + n };
  }
  if (!closed) return null;
  return { status, headers, body: buf.subarray(pos), length: buf.length };
}

function simpleRequest(port, method, urlPath, timeoutMs = 2000) {
  const req = `${method} ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\n\r\n`;
  return exchange(port, Buffer.from(req, 'latin1'), { timeoutMs });
}

// ---------------------------------------------------------------- comparing

function checkResponse(spec, res, port) {
  const problems = [];
  const want = spec.status.join(' or ');
  if (res.none) {
    if (!spec.status.includes('none')) problems.push(`status: got no response, want ${want}`);
    return problems;
  }
  if (!spec.status.includes(String(res.status))) {
    problems.push(`status: got ${res.status}, want ${want}`);
  }
  const values = (n) => res.headers.filter((h) => h.name === n).map((h) => h.value);
  for (const h of spec.headers) {
    const got = values(h.name);
    if (!got.some((v) => matches(h.value, v, { line: true, port }))) {
      problems.push(`header ${h.name}: got ${got.length ? got.map((v) => JSON.stringify(v)).join(', ') : 'none'}, want ${JSON.stringify(h.value)}`);
    }
  }
  for (const n of spec.present) if (!values(n).length) problems.push(`header ${n}: missing`);
  for (const n of spec.absent) if (values(n).length) problems.push(`header ${n}: present (${values(n)[0]}), want absent`);
  if (spec.bodyMode) {
    const body = res.body.toString('utf8');
    problems.push(...checkBody(spec, body, port));
    if (problems.length) problems.push(`got body:\n${clip(body)}`);
  }
  return problems;
}

function checkBody(spec, body, port) {
  const exp = spec.body;
  switch (spec.bodyMode) {
    case 'body':
      return matches(exp, body.replace(/\s+$/, ''), { port }) ? [] : [`body differs; want:\n${clip(exp)}`];
    case 'body-contains':
      return new RegExp(patternSource(exp, { port })).test(body) ? [] : [`body does not contain:\n${clip(exp)}`];
    case 'body-json':
    case 'body-json-subset': {
      let e, g;
      try {
        e = JSON.parse(exp);
      } catch (err) {
        return [`expected body is not JSON: ${err.message}`];
      }
      try {
        g = JSON.parse(body);
      } catch (err) {
        return [`body is not JSON: ${err.message}`];
      }
      return compareJson(e, g, spec.bodyMode === 'body-json-subset', '$', port);
    }
    case 'body-xml': {
      let e, g;
      try {
        e = parseXml(exp);
      } catch (err) {
        return [`expected body is not XML: ${err.message}`];
      }
      try {
        g = parseXml(body);
      } catch (err) {
        return [`body is not XML: ${err.message}`];
      }
      return compareXml(e, g, `/${e.name}`, port);
    }
  }
  return [`unknown body mode ${spec.bodyMode}`];
}

function jsonType(v) {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

// A string that is one placeholder alone ("{{int}}") also matches a number
// or boolean whose text matches; "{{any}}" matches any value.
function compareJson(e, g, subset, where, port) {
  if (typeof e === 'string' && /^\{\{[^{}]+\}\}$/.test(e)) {
    if (e === '{{any}}' && g !== undefined) return [];
    if (typeof g === 'number' || typeof g === 'boolean') {
      return matches(e, String(g), { port }) ? [] : [`${where}: got ${JSON.stringify(g)}, want ${e}`];
    }
  }
  if (jsonType(e) !== jsonType(g)) return [`${where}: got ${clip(JSON.stringify(g), 200)}, want ${clip(JSON.stringify(e), 200)}`];
  if (typeof e === 'string') return matches(e, g, { port }) ? [] : [`${where}: got ${JSON.stringify(g)}, want ${JSON.stringify(e)}`];
  if (jsonType(e) === 'array') {
    if (e.length !== g.length) return [`${where}: got ${g.length} items, want ${e.length}`];
    return e.flatMap((x, i) => compareJson(x, g[i], subset, `${where}[${i}]`, port));
  }
  if (jsonType(e) === 'object') {
    const out = [];
    for (const k of Object.keys(e)) {
      if (!(k in g)) out.push(`${where}.${k}: missing`);
      else out.push(...compareJson(e[k], g[k], subset, `${where}.${k}`, port));
    }
    if (!subset) for (const k of Object.keys(g)) if (!(k in e)) out.push(`${where}.${k}: unexpected member`);
    return out;
  }
  return e === g ? [] : [`${where}: got ${JSON.stringify(g)}, want ${JSON.stringify(e)}`];
}

// A small XML reader for responses: elements, attributes, text, CDATA,
// entities; the declaration, comments and processing instructions are
// skipped. Returns the root {name, attrs, children, text}.
function parseXml(s) {
  let i = 0;
  const decode = (t) => t.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#\d+);/g, (_, n) => {
    if (n[0] === '#') return String.fromCodePoint(n[1] === 'x' ? parseInt(n.slice(2), 16) : parseInt(n.slice(1), 10));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[n];
  });
  const skipMisc = () => {
    for (;;) {
      while (i < s.length && /\s/.test(s[i])) i++;
      if (s.startsWith('<?', i)) i = need(s.indexOf('?>', i), '?>') + 2;
      else if (s.startsWith('<!--', i)) i = need(s.indexOf('-->', i), '-->') + 3;
      else if (s.startsWith('<!DOCTYPE', i)) i = need(s.indexOf('>', i), '>') + 1;
      else return;
    }
  };
  const need = (pos, what) => {
    if (pos < 0) throw new Error(`unterminated, expected ${what}`);
    return pos;
  };
  const element = () => {
    if (s[i] !== '<') throw new Error(`expected '<' at offset ${i}`);
    const m = /^<([^\s/>]+)/.exec(s.slice(i, i + 300));
    if (!m) throw new Error(`bad tag at offset ${i}`);
    const el = { name: m[1], attrs: {}, children: [], text: '' };
    i += m[0].length;
    for (;;) {
      while (/\s/.test(s[i])) i++;
      if (s.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (s[i] === '>') {
        i++;
        break;
      }
      const a = /^([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/.exec(s.slice(i, i + 5000));
      if (!a) throw new Error(`bad attribute at offset ${i}`);
      el.attrs[a[1]] = decode(a[3] ?? a[4]);
      i += a[0].length;
    }
    for (;;) {
      if (i >= s.length) throw new Error(`unclosed <${el.name}>`);
      if (s.startsWith('</', i)) {
        const e = need(s.indexOf('>', i), '>');
        const name = s.slice(i + 2, e).trim();
        if (name !== el.name) throw new Error(`</${name}> closes <${el.name}>`);
        i = e + 1;
        return el;
      }
      if (s.startsWith('<![CDATA[', i)) {
        const e = need(s.indexOf(']]>', i), ']]>');
        el.text += s.slice(i + 9, e);
        i = e + 3;
      } else if (s.startsWith('<!--', i)) {
        i = need(s.indexOf('-->', i), '-->') + 3;
      } else if (s[i] === '<') {
        el.children.push(element());
      } else {
        const e = s.indexOf('<', i);
        el.text += decode(s.slice(i, e < 0 ? s.length : e));
        i = e < 0 ? s.length : e;
      }
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i < s.length) throw new Error(`content after the root element at offset ${i}`);
  return root;
}

// Elements with other names may come in any order; elements of one name
// keep their order (lists). Text between child elements is ignored when it
// is only white space.
function compareXml(e, g, where, port) {
  const out = [];
  if (e.name !== g.name) return [`${where}: got <${g.name}>, want <${e.name}>`];
  for (const [k, v] of Object.entries(e.attrs)) {
    if (!(k in g.attrs)) out.push(`${where}/@${k}: missing`);
    else if (!matches(v, g.attrs[k], { port })) out.push(`${where}/@${k}: got ${JSON.stringify(g.attrs[k])}, want ${JSON.stringify(v)}`);
  }
  for (const k of Object.keys(g.attrs)) if (!(k in e.attrs)) out.push(`${where}/@${k}: unexpected attribute`);
  if (!e.children.length) {
    if (g.children.length) out.push(`${where}: got child elements <${g.children.map((c) => c.name).join('>, <')}>, want text`);
    else if (!matches(e.text, g.text, { port })) out.push(`${where}: got ${JSON.stringify(g.text)}, want ${JSON.stringify(e.text)}`);
    return out;
  }
  if (e.text.trim() !== g.text.trim()) out.push(`${where}: text got ${JSON.stringify(g.text.trim())}, want ${JSON.stringify(e.text.trim())}`);
  const byName = (els) => {
    const m = new Map();
    for (const c of els) m.set(c.name, [...(m.get(c.name) || []), c]);
    return m;
  };
  const eb = byName(e.children);
  const gb = byName(g.children);
  for (const [name, list] of eb) {
    const gl = gb.get(name) || [];
    if (gl.length !== list.length) {
      out.push(`${where}/${name}: got ${gl.length} element(s), want ${list.length}`);
      continue;
    }
    list.forEach((c, k) => out.push(...compareXml(c, gl[k], `${where}/${name}${list.length > 1 ? `[${k + 1}]` : ''}`, port)));
  }
  for (const name of gb.keys()) if (!eb.has(name)) out.push(`${where}/${name}: unexpected element`);
  return out;
}

// ---------------------------------------------------------------- the server

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer(bin) {
  const port = await freePort();
  const child = spawn(bin, ['start', '--port', String(port), '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const srv = { bin, port, child, output: '', exit: null };
  const keep = (d) => {
    if (srv.output.length < 1 << 20) srv.output += d.toString('utf8');
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  srv.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      srv.exit = { code, signal };
      resolve(srv.exit);
    });
    child.on('error', (err) => {
      srv.output += `spawn failed: ${err.message}\n`;
      srv.exit = { code: null, signal: null, error: err };
      resolve(srv.exit);
    });
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !srv.exit) {
    try {
      const r = await simpleRequest(port, 'GET', '/_nimbus/health', 1000);
      if (r.status === 200) return srv;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ...srv, failed: true };
}

async function stopServer(srv) {
  if (!srv.exit) {
    srv.child.kill('SIGTERM');
    let timer;
    const timeout = new Promise((r) => {
      timer = setTimeout(() => r(null), STOP_TIMEOUT_MS);
    });
    if (!(await Promise.race([srv.exited, timeout]))) {
      srv.child.kill('SIGKILL');
      await srv.exited;
      srv.exit.timedOut = true;
    }
    clearTimeout(timer);
  }
  return srv.exit;
}

// ---------------------------------------------------------------- main

function findCases(args) {
  const roots = args.length ? args : fs.readdirSync(HERE, { withFileTypes: true })
    .filter((d) => d.isDirectory()).map((d) => path.join(HERE, d.name));
  const out = [];
  const walk = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const n of fs.readdirSync(p)) walk(path.join(p, n));
    else if (p.endsWith('.case')) out.push(p);
  };
  for (const r of roots) walk(path.resolve(r));
  return out.sort();
}

function caseName(file, title) {
  const rel = path.relative(HERE, file).replace(/\.case$/, '');
  return title ? `${rel}: ${title}` : rel;
}

async function runCase(file, port) {
  let c;
  try {
    c = parseCase(file);
  } catch (err) {
    tap(false, caseName(file, ''), [`bad case file: ${err.message}`]);
    return;
  }
  const name = caseName(file, c.title);
  if (c.skip) {
    tap(true, name, [], `SKIP ${c.skip}`);
    return;
  }
  try {
    const reset = await simpleRequest(port, 'POST', '/_nimbus/reset', CASE_TIMEOUT_MS);
    if (reset.status < 200 || reset.status > 299) {
      tap(false, name, [`POST /_nimbus/reset before the case answered ${reset.status}`]);
      return;
    }
    const bytes = requestBytes(c, port);
    const head = /^HEAD /.test(bytes.subarray(0, 5).toString('latin1'));
    const res = await exchange(port, bytes, {
      head,
      noneWaitMs: c.expect.status.includes('none') ? NONE_WAIT_MS : 0,
    });
    const problems = checkResponse(c.expect, res, port);
    tap(problems.length === 0, name, problems);
  } catch (err) {
    tap(false, name, [err.message]);
  }
}

async function main() {
  const argv = process.argv.slice(2);
  if (!argv.length || argv[0] === '-h' || argv[0] === '--help') {
    console.error('usage: node tests/wire/run.mjs BINARY|--url URL [CASE|DIR ...]');
    process.exit(2);
  }
  let srv = null;
  let port;
  let rest;
  if (argv[0] === '--url') {
    port = Number(new URL(argv[1]).port || 80);
    rest = argv.slice(2);
  } else {
    const bin = path.resolve(argv[0]);
    rest = argv.slice(1);
    console.log(`# wire cases against ${path.relative(ROOT, bin) || bin}`);
    srv = await startServer(bin);
    if (srv.failed || srv.exit) {
      tap(false, `${path.relative(ROOT, bin)} starts and answers GET /_nimbus/health within ${START_TIMEOUT_MS / 1000} s`,
        [srv.exit ? `exited: ${JSON.stringify(srv.exit)}` : 'no answer', clip(srv.output, 4000)]);
      await stopServer(srv);
      console.log(`1..${tapN}`);
      process.exit(1);
    }
    port = srv.port;
  }
  const cases = findCases(rest);
  for (const file of cases) await runCase(file, port);
  if (srv) {
    const exit = await stopServer(srv);
    const problems = [];
    if (exit.timedOut) problems.push(`did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM`);
    else if (exit.code !== 0) problems.push(`exit: ${JSON.stringify(exit)}`);
    if (SANITIZER_RE.test(srv.output)) problems.push('sanitizer report in its output');
    if (problems.length) problems.push(`output:\n${clip(srv.output, 6000)}`);
    tap(problems.length === 0, 'nimbus exits 0 on SIGTERM with no sanitizer report', problems);
  }
  console.log(`1..${tapN}`);
  process.exit(tapFailed ? 1 : 0);
}

main().catch((err) => {
  console.log(`not ok ${tapN + 1} - wire runner crashed`);
  diag(err.stack || String(err));
  console.log(`1..${tapN + 1}`);
  process.exit(1);
});
