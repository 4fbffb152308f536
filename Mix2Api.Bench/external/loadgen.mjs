// An HTTP/1.1 keep-alive load generator on node:http only (an independent client: not .NET, not the
// project's own HttpClient code). Used by run.mjs; runnable on its own:
//
//   node loadgen.mjs --url http://127.0.0.1:3001/v1/chat/completions --key KEY --concurrency 64 \
//        --seconds 20 --chunks 200 [--non-stream]
//
// A streamed reply counts its content chunks without JSON parsing: `"content":"` in OpenAI SSE from the
// broker, `"text-delta"` in the UI message stream from the upstream directly. TTFB = request sent → the
// first content chunk received.
import http from 'node:http';

const CONTENT = Buffer.from('"content":"');
const TEXT_DELTA = Buffer.from('"text-delta"');
const DONE = Buffer.from('[DONE]');

/** Counts occurrences of `pattern` across the buffers of one reply (matches may straddle two buffers). */
class Counter {
  constructor(pattern) {
    this.pattern = pattern;
    this.count = 0;
    this.tail = null;
  }

  feed(buf) {
    const p = this.pattern;
    let data = buf;
    let offset = 0;
    if (this.tail) {
      data = Buffer.concat([this.tail, buf]);
      offset = this.tail.length;
    }
    let from = 0;
    let found = 0;
    for (;;) {
      const i = data.indexOf(p, from);
      if (i < 0) break;
      // A match entirely inside the old tail was counted before.
      if (i + p.length > offset) found++;
      from = i + p.length;
    }
    this.count += found;
    const keep = Math.min(p.length - 1, data.length);
    this.tail = data.subarray(data.length - keep);
    return found;
  }
}

/** What a target is: where to POST, which headers, and the body for a reply of `chunks` chunks. */
export function target({ url, key, direct }) {
  const u = new URL(url);
  return {
    url: u,
    direct: !!direct,
    headers: (body) => ({
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    }),
  };
}

/** The OpenAI chat body the client sends; the fake upstream reads its markers from the text. */
export function chatBody({ chunks, stream = true, paceMs = 0, hold = false, model = 'mix/qwen-3-235b-instruct' }) {
  const markers = `chunks=${chunks}${paceMs ? ` pace_ms=${paceMs}` : ''}${hold ? ' hold=1' : ''}`;
  return JSON.stringify({
    model,
    stream,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: `Benchmark question: please answer in many words. ${markers}` },
    ],
  });
}

/**
 * One request. Resolves { ok, status, ttfbMs, totalMs, chunks, error } and never rejects.
 * `stream`: count content chunks and look for [DONE]; otherwise the reply is one JSON object.
 */
export function request(agent, t, body, { stream }) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let ttfb = null;
    const counter = new Counter(t.direct ? TEXT_DELTA : CONTENT);
    const done = new Counter(DONE);
    let bytes = 0;
    let settled = false;
    const finish = (r) => {
      if (settled) return;
      settled = true;
      resolve({ ...r, ttfbMs: ttfb, totalMs: Number(process.hrtime.bigint() - started) / 1e6 });
    };
    const req = http.request({
      agent, host: t.url.hostname, port: t.url.port, path: t.url.pathname, method: 'POST', headers: t.headers(body),
    }, (res) => {
      res.on('data', (buf) => {
        bytes += buf.length;
        if (stream || t.direct) {
          if (counter.feed(buf) > 0 && ttfb === null) ttfb = Number(process.hrtime.bigint() - started) / 1e6;
          done.feed(buf);
        } else if (ttfb === null) {
          ttfb = Number(process.hrtime.bigint() - started) / 1e6;
        }
      });
      res.on('end', () => {
        const ok = res.statusCode === 200 && (stream || t.direct ? done.count > 0 : bytes > 0);
        finish({ ok, status: res.statusCode, chunks: counter.count, bytes, error: ok ? null : `HTTP ${res.statusCode}, ${counter.count} chunks, done=${done.count}` });
      });
      res.on('error', (e) => finish({ ok: false, status: res.statusCode, chunks: counter.count, bytes, error: e.message }));
    });
    req.on('error', (e) => finish({ ok: false, status: 0, chunks: counter.count, bytes, error: e.message }));
    req.end(body);
  });
}

export function newAgent(maxSockets) {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' });
}

/**
 * Closed loop: `concurrency` workers, each sending its next request when the last one ended, until
 * `seconds` have passed (or `requests` were started). Returns counts and TTFB samples.
 */
export async function closedLoop(t, { concurrency, seconds, requests, chunks, stream = true, agent, onStart }) {
  const body = chatBody({ chunks, stream });
  const own = !agent;
  agent ??= newAgent(concurrency);
  const stopAt = seconds ? Date.now() + seconds * 1000 : Infinity;
  let started = 0;
  const r = { requests: 0, failures: 0, chunks: 0, ttfb: [], firstError: null, seconds: 0 };
  const t0 = process.hrtime.bigint();
  onStart?.();
  const worker = async () => {
    while (Date.now() < stopAt && (requests === undefined || started < requests)) {
      started++;
      const x = await request(agent, t, body, { stream });
      r.requests++;
      r.chunks += x.chunks;
      if (x.ttfbMs !== null) r.ttfb.push(x.ttfbMs);
      if (!x.ok || (stream && x.chunks !== chunks)) {
        r.failures++;
        r.firstError ??= x.error ?? `${x.chunks} chunks, expected ${chunks}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  r.seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (own) agent.destroy();
  return r;
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples, p) {
  if (samples.length === 0) return NaN;
  const s = Float64Array.from(samples).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

// Stand-alone use.
if (import.meta.url === `file://${process.argv[1]}`) {
  const a = process.argv.slice(2);
  const opt = (n, f) => (a.includes(n) ? a[a.indexOf(n) + 1] : f);
  const t = target({ url: opt('--url', 'http://127.0.0.1:3001/v1/chat/completions'), key: opt('--key', ''), direct: a.includes('--direct') });
  const r = await closedLoop(t, {
    concurrency: Number(opt('--concurrency', '64')),
    seconds: Number(opt('--seconds', '10')),
    chunks: Number(opt('--chunks', '200')),
    stream: !a.includes('--non-stream'),
  });
  const ttfb = { p50: percentile(r.ttfb, 50), p99: percentile(r.ttfb, 99) };
  console.log(JSON.stringify({ ...r, ttfb, rps: r.requests / r.seconds, chunksPerSecond: r.chunks / r.seconds }));
}
