// A fake upstream site for the external benchmark: POST /v2/chats answers the UI message stream (SSE)
// in the upstream's exact wire format (docs/SIMULATOR.md "Wire format"). It depends on nothing but Node.js.
//
//   node upstream.mjs [--port N] [--token T]      prints "upstream listening <port>" when ready
//
// What a request gets is chosen by markers anywhere in its body (the broker copies the user's text into
// request.query): `chunks=N` (text-delta frames, default 20), `pace_ms=N` (a delta every N ms instead of
// all at once), `hold=1` (a paced stream keeps sending deltas until POST /control/release).
// An unpaced answer is ONE write: headers and the whole chunked body (start … finish, [DONE], last chunk).
// Routes for the bench: GET /control/stats (requests served, streams open), POST /control/release.
import http from 'node:http';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const port = Number(arg('--port', '0'));
const token = arg('--token', '');

const enc = (s) => Buffer.from(s, 'utf8');
const frame = (obj) => enc(`data: ${JSON.stringify(obj)}\n\n`);
const DONE = enc('data: [DONE]\n\n');
const KEEP_ALIVE = enc(': keep-alive\n\n');
const HEAD = [frame({ type: 'start-step' }), frame({ type: 'text-start', id: 't0' })];
const TAIL = Buffer.concat([frame({ type: 'text-end', id: 't0' }), frame({ type: 'finish-step' }), frame({ type: 'finish' }), DONE]);
// Fixed-width words like the simulator's LongText: "w00 ", "w01 ", …
const deltaCache = new Map();
const delta = (i) => {
  let d = deltaCache.get(i);
  if (!d) {
    d = frame({ type: 'text-delta', id: 't0', delta: `w${String(i % 100).padStart(2, '0')} ` });
    if (deltaCache.size < 200_000) deltaCache.set(i, d);
  }
  return d;
};
const bodyCache = new Map();
const deltas = (n) => {
  let b = bodyCache.get(n);
  if (!b) {
    const parts = [];
    for (let i = 0; i < n; i++) parts.push(delta(i));
    b = Buffer.concat(parts);
    bodyCache.set(n, b);
  }
  return b;
};

const HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  'x-vercel-ai-ui-message-stream': 'v1',
  'x-accel-buffering': 'no',
  'transfer-encoding': 'chunked',
};

let seq = 0;
let served = 0;
let open = 0;
let rejected = 0;
const held = new Set();

const marker = (text, name, fallback) => {
  const m = new RegExp(`${name}=(\\d+)`).exec(text);
  return m ? Number(m[1]) : fallback;
};

function start(body) {
  const n = ++seq;
  const sid = /"session_id"\s*:\s*"([^"]+)"/.exec(body)?.[1];
  return frame({
    type: 'start', messageId: `msg-${n}`,
    messageMetadata: { sessionId: sid && sid !== 'new' ? sid : `sess-${n}`, exchangeId: `ex-${n}` },
  });
}

function answer(req, res, body) {
  const chunks = marker(body, 'chunks', 20);
  const pace = marker(body, 'pace_ms', 0);
  served++;
  if (pace === 0) {
    // One write: Node sends the head and the whole chunked body (with its last-chunk) with one writev.
    res.writeHead(200, HEADERS);
    res.end(Buffer.concat([start(body), HEADS, deltas(chunks), TAIL]));
    return;
  }
  const hold = marker(body, 'hold', 0) === 1;
  res.writeHead(200, HEADERS);
  res.write(Buffer.concat([start(body), HEADS]));
  open++;
  let i = 0;
  const stream = { finish: null };
  const done = () => {
    if (stream.timer) clearInterval(stream.timer);
    held.delete(stream);
    open--;
  };
  stream.finish = () => {
    done();
    res.end(Buffer.concat([delta(i++), TAIL]));
  };
  stream.timer = setInterval(() => {
    if (!hold && i >= chunks) return stream.finish();
    res.write(hold && i >= chunks ? KEEP_ALIVE : delta(i++));
  }, pace);
  if (hold) held.add(stream);
  res.on('close', () => {
    if (!res.writableEnded) done();
  });
}
const HEADS = Buffer.concat(HEAD);

const server = http.createServer({ keepAliveTimeout: 120_000, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
  if (req.method === 'GET' && req.url === '/control/stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ served, open, held: held.size, rejected }));
    return;
  }
  if (req.method === 'POST' && req.url === '/control/release') {
    const n = held.size;
    for (const s of [...held]) s.finish();
    res.end(JSON.stringify({ released: n }));
    return;
  }
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    if (req.method !== 'POST' || !req.url.startsWith('/v2/chats')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"not found"}}');
      return;
    }
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      rejected++;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"token expired"}}');
      return;
    }
    answer(req, res, Buffer.concat(parts).toString('utf8'));
  });
});
server.maxHeadersCount = 0;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`upstream listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
