// The external benchmark (issue #8 item 5): the published broker driven by a Node.js client and a
// Node.js fake upstream, as an independent benchmark would. Started by `./bench --external`; see
// docs/BENCHMARKS.md "External client" for the method.
//
//   node run.mjs --dll PATH/Mix2Api.Host.dll [--quick] [--only s1,s2,s3,s4,startup,node]
//                [--streams 1000,10000] [--broker-env K=V ...] [--seconds S] [--warmup-requests N]
//                [--json PATH] [--doc PATH] [--label TEXT]
//
// Processes: the broker pinned to CPU 0 (taskset -c 0); this process (load generator) and the fake
// upstream (a child) on CPU 1 (./bench starts this process under taskset -c 1). Broker CPU is
// utime+stime from /proc/<pid>/stat, memory VmRSS from /proc/<pid>/status.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { target, closedLoop, request, chatBody, newAgent, percentile } from './loadgen.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (n) => argv.includes(n);
const opt = (n, f) => (argv.indexOf(n) >= 0 ? argv[argv.indexOf(n) + 1] : f);
const many = (n) => argv.flatMap((a, i) => (a === n ? [argv[i + 1]] : []));

const quick = flag('--quick');
const o = {
  dll: opt('--dll'),
  only: opt('--only', 's1,s2,s4,s3,startup,node').split(','),
  seconds: Number(opt('--seconds', quick ? '6' : '20')),
  warmupRequests: Number(opt('--warmup-requests', quick ? '400' : '400')),
  startupWindow: Number(opt('--startup-window', '10')),
  streams: opt('--streams', quick ? '1000' : '1000,10000').split(',').map(Number),
  brokerEnv: Object.fromEntries(many('--broker-env').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  brokerCore: opt('--broker-core', '0'),
  benchCore: opt('--bench-core', '1'),
  json: opt('--json'),
  doc: opt('--doc'),
  label: opt('--label', ''),
};
if (!o.dll || !fs.existsSync(o.dll)) {
  console.error(`external bench: --dll PATH/Mix2Api.Host.dll is required (got '${o.dll}')`);
  process.exit(2);
}
const runs = (s) => o.only.includes(s);

const KEY = 'bench-inbound-key';
const UPSTREAM_TOKEN = 'bench-upstream-token';
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const hasTaskset = (() => { try { execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }); return true; } catch { return false; } })();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (s) => process.stderr.write(`external bench: ${s}\n`);

// ---- /proc readings ----
function cpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK; // utime, stime
}
function statusKb(pid, field) {
  const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}
function coreTicks() {
  const lines = fs.readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l));
  return lines.map((l) => {
    const v = l.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + v[4];
    return { busy: v.reduce((a, b) => a + b, 0) - idle, total: v.reduce((a, b) => a + b, 0) };
  });
}
/** Voluntary context switches of all the broker's threads (a thread that blocks or waits): a hand-off between threads costs one or two. */
function voluntarySwitches(pid) {
  let n = 0;
  for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const m = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8'));
      if (m) n += Number(m[1]);
    } catch { /* the thread ended */ }
  }
  return n;
}
const selfCpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** Bytes the broker has allocated since it started (its /metrics), NaN when it does not say. */
async function allocatedBytes(broker) {
  const m = /^dotnet_gc_allocated_bytes_total (\S+)$/m.exec(await get(`${broker.base}/metrics`));
  return m ? Number(m[1]) : NaN;
}

/** CPU of the broker, the upstream and this process, both cores' load and the broker's allocations, over one phase. */
async function meter(broker, upstream) {
  const a0 = await allocatedBytes(broker);
  const v0 = voluntarySwitches(broker.pid);
  const b0 = cpuMs(broker.pid), u0 = cpuMs(upstream.pid), s0 = selfCpuMs(), c0 = coreTicks(), t0 = Date.now();
  return async () => {
    const c1 = coreTicks();
    const wall = Date.now() - t0;
    const core = (i) => (c1[i] && c0[i] ? (100 * (c1[i].busy - c0[i].busy)) / Math.max(1, c1[i].total - c0[i].total) : NaN);
    const brokerMs = cpuMs(broker.pid) - b0;
    const switches = voluntarySwitches(broker.pid) - v0;
    return {
      wallMs: wall, brokerMs, switches, allocatedBytes: (await allocatedBytes(broker)) - a0,
      upstreamMs: cpuMs(upstream.pid) - u0, loadgenMs: selfCpuMs() - s0,
      brokerCorePct: core(Number(o.brokerCore)), benchCorePct: core(Number(o.benchCore)),
      otherOnBrokerCorePct: core(Number(o.brokerCore)) - (100 * brokerMs) / wall,
    };
  };
}

// ---- processes ----
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}
const children = new Set();
function pinned(core, cmd, args) {
  return hasTaskset && core !== 'none' ? ['taskset', ['-c', core, cmd, ...args]] : [cmd, args];
}
process.on('exit', () => { for (const c of children) try { c.kill('SIGKILL'); } catch { /* gone */ } });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

async function startUpstream() {
  const [cmd, args] = pinned(o.benchCore, process.execPath, [path.join(here, 'upstream.mjs'), '--token', UPSTREAM_TOKEN]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  const port = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      const m = /upstream listening (\d+)/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`fake upstream exited with ${code}`)));
  });
  return { pid: child.pid, port, child, base: `http://127.0.0.1:${port}` };
}

/** The published host, configured as a user would run it: inbound key, static upstream token, Information logs to a file. */
async function startBroker(upstream, name) {
  const port = await freePort();
  const logPath = path.join(os.tmpdir(), `mix2api-external-${name}-${process.pid}.log`);
  const fd = fs.openSync(logPath, 'w');
  const env = {
    ...process.env,
    ASPNETCORE_URLS: `http://127.0.0.1:${port}`,
    ASPNETCORE_ENVIRONMENT: 'Production',
    DOTNET_ENVIRONMENT: 'Production',
    ADMIN_PORT: '0',
    CLUSTER_PORT: '0',
    UPSTREAM_SIMULATOR: 'off',
    UPSTREAM_API_BASE: upstream.base,
    UPSTREAM_AUTH_MODE: 'static',
    UPSTREAM_BEARER_TOKEN: UPSTREAM_TOKEN,
    INBOUND_AUTH_MODE: 'bearer',
    INBOUND_BEARER_TOKEN: KEY,
    LOG_LEVEL: 'Information',
    // s3 reads memory per stream as an RSS difference; an idle trim between its two readings would falsify it.
    MEMORY_TRIM_IDLE_MS: '0',
    ...o.brokerEnv,
  };
  const [cmd, args] = pinned(o.brokerCore, 'dotnet', [o.dll]);
  const startedAt = Date.now();
  const child = spawn(cmd, args, { env, stdio: ['ignore', fd, fd], cwd: path.dirname(o.dll) });
  fs.closeSync(fd);
  children.add(child);
  let exited = null;
  child.on('exit', (code, sig) => { exited = `${code ?? sig}`; });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exited !== null) throw new Error(`the broker exited with ${exited} before it was ready; log: ${logPath}\n${fs.readFileSync(logPath, 'utf8').slice(0, 3000)}`);
    if (Date.now() - startedAt > 60_000) throw new Error(`the broker was not ready within 60 s; log: ${logPath}`);
    const ok = await new Promise((resolve) => {
      const r = http.get(`${base}/health/live`, (res) => { res.resume(); resolve(res.statusCode === 200); });
      r.on('error', () => resolve(false));
    });
    if (ok) break;
    await sleep(20);
  }
  const broker = {
    pid: child.pid, base, logPath, readyMs: Date.now() - startedAt, startedAt,
    chat: target({ url: `${base}/v1/chat/completions`, key: KEY }),
    async stop() {
      if (exited === null) { child.kill('SIGTERM'); await new Promise((r) => { child.once('exit', r); setTimeout(r, 10_000); }); }
      children.delete(child);
    },
    get exited() { return exited; },
    logLines() { try { return fs.readFileSync(logPath, 'utf8').split('\n').filter(Boolean).length; } catch { return 0; } },
  };
  return broker;
}

function get(url) {
  return new Promise((resolve) => {
    http.get(url, (res) => { let t = ''; res.on('data', (d) => { t += d; }); res.on('end', () => resolve(t)); }).on('error', () => resolve(''));
  });
}
function post(url) {
  return new Promise((resolve) => {
    const r = http.request(url, { method: 'POST' }, (res) => { let t = ''; res.on('data', (d) => { t += d; }); res.on('end', () => resolve(t)); });
    r.on('error', () => resolve(''));
    r.end();
  });
}
async function brokerOpenStreams(broker) {
  const text = await get(`${broker.base}/metrics`);
  const m = /^mix2api_active_streams (\d+)/m.exec(text);
  return m ? Number(m[1]) : -1;
}

// ---- scenarios ----
const result = {
  when: new Date().toISOString(), label: o.label, quick, options: { ...o, dll: o.dll },
  machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, kernel: os.release(), load: os.loadavg() },
};
const direct = (upstream) => target({ url: `${upstream.base}/v2/chats`, key: UPSTREAM_TOKEN, direct: true });

async function warm(t, shape) {
  await closedLoop(t, { ...shape, requests: o.warmupRequests, seconds: undefined });
}

/** s1: C=1, 20 chunks; broker and direct requests alternate, so both see the same machine. */
async function ttfb(broker, upstream, seconds, warmup = true) {
  const agentB = newAgent(1), agentD = newAgent(1);
  const body = chatBody({ chunks: 20 });
  const d = direct(upstream);
  if (warmup) for (let i = 0; i < o.warmupRequests; i++) { await request(agentB, broker.chat, body, { stream: true }); await request(agentD, d, body, { stream: true }); }
  const m = await meter(broker, upstream);
  const b = [], x = [], at = [];
  let failures = 0, n = 0, firstError = null;
  const startedAt = Date.now(), stopAt = startedAt + seconds * 1000;
  while (Date.now() < stopAt) {
    const first = n++ % 2 === 0;
    const pair = first ? [[broker.chat, agentB, b], [d, agentD, x]] : [[d, agentD, x], [broker.chat, agentB, b]];
    for (const [t, a, into] of pair) {
      const r = await request(a, t, body, { stream: true });
      if (!r.ok || r.chunks !== 20) { failures++; firstError ??= r.error ?? `${r.chunks} chunks`; } else {
        into.push(r.ttfbMs);
        if (into === b) at.push(Date.now() - startedAt);
      }
    }
  }
  const use = await m();
  agentB.destroy(); agentD.destroy();
  // TTFB_SAMPLES=path: every broker request's time into the phase and its TTFB, to see where a p99 comes from.
  if (process.env.TTFB_SAMPLES) {
    fs.appendFileSync(process.env.TTFB_SAMPLES, b.map((ms, i) => `${warmup ? 'steady' : 'start-up'},${at[i]},${ms.toFixed(3)}\n`).join(''));
  }
  const s = {
    requests: b.length, failures, firstError,
    broker: { p50: percentile(b, 50), p99: percentile(b, 99) }, direct: { p50: percentile(x, 50), p99: percentile(x, 99) },
    brokerCpuPerRequestMs: use.brokerMs / Math.max(1, b.length), kbAllocatedPerRequest: use.allocatedBytes / 1024 / Math.max(1, b.length), use,
  };
  s.added = { p50: s.broker.p50 - s.direct.p50, p99: s.broker.p99 - s.direct.p99 };
  return s;
}

/** s2 (stream) and s4 (non-stream): closed loop through the broker; CPU per 1,000 chunks / per request. */
async function loadPhase(broker, upstream, shape, seconds, warmup = true) {
  if (warmup) await warm(broker.chat, shape);
  const m = await meter(broker, upstream);
  const r = await closedLoop(broker.chat, { ...shape, seconds });
  const use = await m();
  return {
    requests: r.requests, chunks: r.chunks, failures: r.failures, firstError: r.firstError, seconds: r.seconds,
    rps: r.requests / r.seconds, chunksPerSecond: r.chunks / r.seconds,
    cpuPer1000ChunksMs: (1000 * use.brokerMs) / Math.max(1, r.chunks), cpuPerRequestMs: use.brokerMs / Math.max(1, r.requests),
    switchesPerRequest: use.switches / Math.max(1, r.requests), kbAllocatedPerRequest: use.allocatedBytes / 1024 / Math.max(1, r.requests),
    ttfbP50: percentile(r.ttfb, 50), use,
  };
}

/** The fake upstream alone through the same load generator: what the Node side costs and can do. */
async function nodeBaseline(upstream, shape, seconds) {
  const d = direct(upstream);
  await warm(d, shape);
  const u0 = cpuMs(upstream.pid), s0 = selfCpuMs(), c0 = coreTicks();
  const r = await closedLoop(d, { ...shape, seconds });
  const c1 = coreTicks(), i = Number(o.benchCore);
  return {
    requests: r.requests, chunks: r.chunks, failures: r.failures, rps: r.requests / r.seconds, chunksPerSecond: r.chunks / r.seconds,
    upstreamCpuPerRequestMs: (cpuMs(upstream.pid) - u0) / Math.max(1, r.requests), loadgenCpuPerRequestMs: (selfCpuMs() - s0) / Math.max(1, r.requests),
    benchCorePct: (100 * (c1[i].busy - c0[i].busy)) / Math.max(1, c1[i].total - c0[i].total),
  };
}

/**
 * S3_PROBE=command runs `command <broker pid> idle|open <N>` just before each s3 memory reading, for example to take
 * a heap dump (docs/BENCHMARKS.md, "the managed-heap method"). Its own cost lands in the readings: RSS figures of a
 * probed run are not comparable.
 */
function probe(broker, when, n) {
  if (process.env.S3_PROBE) execFileSync(process.env.S3_PROBE, [String(broker.pid), when, String(n)], { stdio: 'inherit' });
}

/** s3: N paced streams held open at once; memory per stream = (RSS all open − RSS idle) / N. */
async function openStreams(broker, upstream, n) {
  const body = chatBody({ chunks: 2, paceMs: 1000, hold: true });
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  probe(broker, 'idle', n);
  const idleRss = statusKb(broker.pid, 'VmRSS');
  const m = await meter(broker, upstream);
  const burst = 256;
  let connecting = 0, firstSeen = 0, failures = 0, firstError = null;
  const waiters = [];
  const t0 = Date.now();
  const all = [];
  for (let i = 0; i < n; i++) {
    while (connecting >= burst) await new Promise((r) => waiters.push(r));
    connecting++;
    let released = false;
    const release = () => { if (!released) { released = true; connecting--; firstSeen++; waiters.shift()?.(); } };
    all.push(new Promise((resolve) => {
      const t = broker.chat;
      const req = http.request({ agent, host: t.url.hostname, port: t.url.port, path: t.url.pathname, method: 'POST', headers: t.headers(body) }, (res) => {
        let text = '';
        res.on('data', (d) => { if (text.length < 4096) text += d; else text = text.slice(-64) + d; if (text.includes('"content":"w')) release(); });
        res.on('end', () => {
          release();
          const ok = res.statusCode === 200 && text.includes('[DONE]');
          if (!ok) { failures++; firstError ??= `HTTP ${res.statusCode}: ${text.slice(0, 200)}`; }
          resolve();
        });
        res.on('error', (e) => { release(); failures++; firstError ??= e.message; resolve(); });
      });
      req.on('error', (e) => { release(); failures++; firstError ??= e.message; resolve(); });
      req.end(body);
    }));
  }
  while (firstSeen < n && Date.now() - t0 < 180_000) await sleep(50);
  const rampS = (Date.now() - t0) / 1000;
  await sleep(1500);
  probe(broker, 'open', n);
  const openRss = statusKb(broker.pid, 'VmRSS');
  const seenOpen = await brokerOpenStreams(broker);
  const threads = statusKb(broker.pid, 'Threads');
  await post(`${upstream.base}/control/release`);
  await Promise.all(all);
  agent.destroy();
  return {
    n, failures, firstError, rampS, idleRssKb: idleRss, openRssKb: openRss, kbPerStream: (openRss - idleRss) / n, brokerSawOpen: seenOpen, threads, use: await m(),
  };
}

function fdCap(requested) {
  let limit = 1024;
  try { limit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim()); } catch { /* default */ }
  return Math.min(requested, Math.floor((limit - 600) / 2));
}

// ---- main ----
const STREAM = { concurrency: 64, chunks: 200, stream: true };
const NONSTREAM = { concurrency: 32, chunks: 20, stream: false };

async function main() {
  const upstream = await startUpstream();
  try {
    if (runs('node')) {
      log('node baseline: the fake upstream alone through the load generator');
      const secs = Math.min(o.seconds, quick ? 4 : 10);
      result.node = { s2: await nodeBaseline(upstream, STREAM, secs), s4: await nodeBaseline(upstream, NONSTREAM, secs) };
    }
    if (['s1', 's2', 's4'].some(runs)) {
      const broker = await startBroker(upstream, 'steady');
      result.steady = { readyMs: broker.readyMs };
      try {
        if (runs('s1')) { log(`s1 TTFB (C=1, 20 chunks): ${o.warmupRequests} warm-up pairs, ${o.seconds} s`); result.steady.s1 = await ttfb(broker, upstream, o.seconds); }
        if (runs('s2')) { log(`s2 (C=64, 200 chunks): ${o.warmupRequests} warm-up, ${o.seconds} s`); result.steady.s2 = await loadPhase(broker, upstream, STREAM, o.seconds); }
        if (runs('s4')) { log(`s4 (C=32, non-stream): ${o.warmupRequests} warm-up, ${o.seconds} s`); result.steady.s4 = await loadPhase(broker, upstream, NONSTREAM, o.seconds); }
        result.steady.elapsedS = (Date.now() - broker.startedAt) / 1000;
        result.steady.peakRssKb = statusKb(broker.pid, 'VmHWM');
        result.steady.logLines = broker.logLines();
      } finally {
        await broker.stop();
      }
    }
    if (runs('s3')) {
      // Its own broker: after s2/s4 the managed heap has room to spare, and streams opened then would
      // not show in the RSS. A short warm-up of the same shape first, so that code is not counted.
      const broker = await startBroker(upstream, 's3');
      try {
        log('s3: warm-up, 256 paced streams');
        await openStreams(broker, upstream, 256);
        await sleep(1000);
        result.s3 = [];
        for (const asked of o.streams) {
          const n = fdCap(asked);
          log(`s3: ${n} paced streams open at once${n < asked ? ` (asked ${asked}; capped by the open-files limit)` : ''}`);
          result.s3.push({ asked, ...(await openStreams(broker, upstream, n)) });
          await sleep(1000);
        }
      } finally {
        await broker.stop();
      }
    }
    if (runs('startup')) {
      // A fresh node takes traffic at once: no warm-up; each scenario on its own fresh broker, measured
      // from ready until startupWindow seconds after the process started.
      result.startup = {};
      for (const [name, fn] of [
        ['s1', (b, left) => ttfb(b, upstream, left, false)],
        ['s2', (b, left) => loadPhase(b, upstream, STREAM, left, false)],
        ['s4', (b, left) => loadPhase(b, upstream, NONSTREAM, left, false)],
      ]) {
        if (!runs(name)) continue;
        const broker = await startBroker(upstream, `startup-${name}`);
        try {
          const left = Math.max(1, o.startupWindow - (Date.now() - broker.startedAt) / 1000);
          log(`start-up ${name}: ready after ${broker.readyMs} ms, ${left.toFixed(1)} s of load`);
          result.startup[name] = { readyMs: broker.readyMs, ...(await fn(broker, left)) };
        } finally {
          await broker.stop();
        }
      }
    }
  } finally {
    upstream.child.kill('SIGTERM');
    children.delete(upstream.child);
  }
  result.machine.loadAtEnd = os.loadavg();
}

const f = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const g = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');
function verdict(v, goal) { return Number.isFinite(v) ? (v <= goal ? 'met' : 'MISSED') : '-'; }

function markdown() {
  const L = [];
  const s = result.steady ?? {}, u = result.startup ?? {};
  L.push(`## External client: ${result.when.slice(0, 16).replace('T', ' ')} UTC${quick ? ' (quick)' : ''}${o.label ? ` — ${o.label}` : ''}`, '');
  L.push(`- Machine: ${result.machine.cores} cores, ${result.machine.cpu}, Linux ${result.machine.kernel}; load average at start ${result.machine.load.map((x) => x.toFixed(2)).join(' ')}, at end ${(result.machine.loadAtEnd ?? []).map((x) => x.toFixed(2)).join(' ')}`);
  L.push(`- Broker: \`dotnet ${path.basename(o.dll)}\` (published), CPU ${o.brokerCore}; load generator + fake upstream CPU ${o.benchCore}; ${o.warmupRequests} warm-up requests, ${o.seconds} s per phase${Object.keys(o.brokerEnv).length ? `; env ${Object.entries(o.brokerEnv).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`);
  if (s.logLines !== undefined) L.push(`- Steady broker: peak RSS ${f(s.peakRssKb / 1024, 1)} MiB, ${g(s.logLines)} log lines (request.completed at Information)`);
  L.push('', '| target | goal | steady (after warm-up) | within 10 s of start-up |', '|---|---|---|---|');
  const row = (name, goal, a, b, unit = ' ms') => L.push(`| ${name} | ≤ ${goal}${unit} | ${f(a)}${unit} ${verdict(a, goal)} | ${f(b)}${unit} ${verdict(b, goal)} |`);
  row('added TTFB p50 (s1)', 0.5, s.s1?.added.p50, u.s1?.added.p50);
  row('added TTFB p99 (s1)', 2.0, s.s1?.added.p99, u.s1?.added.p99);
  row('CPU per 1,000 chunks (s2)', 2.0, s.s2?.cpuPer1000ChunksMs, u.s2?.cpuPer1000ChunksMs);
  row('CPU per non-stream request (s4)', 0.3, s.s4?.cpuPerRequestMs, u.s4?.cpuPerRequestMs);
  for (const x of result.s3 ?? []) L.push(`| ${g(x.n)} paced streams${x.n < x.asked ? ` (asked ${g(x.asked)})` : ''}: failures; memory each | 0; ≤ 20 KB | ${x.failures}; ${f(x.kbPerStream, 1)} KB ${x.failures === 0 && x.kbPerStream <= 20 ? 'met' : 'MISSED'} | - |`);
  L.push('', '| phase | requests (failures) | req/s | chunks/s | broker CPU | broker core / bench core busy |', '|---|---|---|---|---|---|');
  const ph = (name, p, cpu) => p && L.push(`| ${name} | ${g(p.requests)} (${p.failures}) | ${g(p.rps ?? p.requests / (p.use.wallMs / 1000))} | ${g(p.chunksPerSecond)} | ${cpu} | ${f(p.use?.brokerCorePct, 0)}% / ${f(p.use?.benchCorePct, 0)}% |`);
  const ttfbCell = (p) => p && `TTFB p50/p99 broker ${f(p.broker.p50)}/${f(p.broker.p99)} ms, direct ${f(p.direct.p50)}/${f(p.direct.p99)} ms; ${f(p.brokerCpuPerRequestMs)} ms CPU/req, ${f(p.kbAllocatedPerRequest, 1)} KB allocated/req`;
  ph('s1 steady', s.s1, ttfbCell(s.s1));
  ph('s2 steady', s.s2, `${f(s.s2?.cpuPer1000ChunksMs)} ms / 1,000 chunks; ${f(s.s2?.switchesPerRequest, 1)} thread switches / request; ${f(s.s2?.kbAllocatedPerRequest, 1)} KB allocated / request`);
  ph('s4 steady', s.s4, `${f(s.s4?.cpuPerRequestMs)} ms / request; ${f(s.s4?.switchesPerRequest, 1)} thread switches / request; ${f(s.s4?.kbAllocatedPerRequest, 1)} KB allocated / request`);
  ph('s1 start-up', u.s1, ttfbCell(u.s1));
  ph('s2 start-up', u.s2, `${f(u.s2?.cpuPer1000ChunksMs)} ms / 1,000 chunks`);
  ph('s4 start-up', u.s4, `${f(u.s4?.cpuPerRequestMs)} ms / request`);
  for (const x of result.s3 ?? []) L.push(`| s3 N=${g(x.n)} | ${g(x.n)} (${x.failures}) | ramp ${f(x.rampS, 1)} s | - | RSS ${f(x.idleRssKb / 1024, 1)} → ${f(x.openRssKb / 1024, 1)} MiB, ${x.threads} threads; broker counted ${g(x.brokerSawOpen)} open | ${f(x.use.brokerCorePct, 0)}% / ${f(x.use.benchCorePct, 0)}% |`);
  if (result.node) {
    const n = result.node;
    L.push('', `Node-side baseline (fake upstream alone through the load generator): s2 shape ${g(n.s2.rps)} req/s, ${g(n.s2.chunksPerSecond)} chunks/s, upstream ${f(n.s2.upstreamCpuPerRequestMs)} + load generator ${f(n.s2.loadgenCpuPerRequestMs)} ms CPU/request, bench core ${f(n.s2.benchCorePct, 0)}%; s4 shape ${g(n.s4.rps)} req/s, upstream ${f(n.s4.upstreamCpuPerRequestMs)} + load generator ${f(n.s4.loadgenCpuPerRequestMs)} ms CPU/request, bench core ${f(n.s4.benchCorePct, 0)}%.`);
  }
  const fails = [s.s1, s.s2, s.s4, u.s1, u.s2, u.s4, ...(result.s3 ?? [])].filter((p) => p?.firstError);
  if (fails.length) L.push('', `First failure: ${fails[0].firstError}`);
  return L.join('\n');
}

try {
  await main();
} catch (e) {
  console.error(`external bench: ${e.stack ?? e}`);
  process.exitCode = 1;
}
const md = markdown();
console.log(md);
if (o.json) fs.writeFileSync(o.json, JSON.stringify(result, null, 2));
if (o.doc && process.exitCode !== 1) {
  const begin = '<!-- bench:external:begin (generated by ./bench --external; edits inside are overwritten) -->';
  const end = '<!-- bench:external:end -->';
  const doc = fs.readFileSync(o.doc, 'utf8');
  const a = doc.indexOf('<!-- bench:external:begin'), b = doc.indexOf(end);
  const section = `${begin}\n${md}\n\n${end}`;
  fs.writeFileSync(o.doc, a >= 0 && b > a ? doc.slice(0, a) + section + doc.slice(b + end.length) : `${doc.trimEnd()}\n\n${section}\n`);
}
process.exit();
