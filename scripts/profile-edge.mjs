// Where the edge's CPU goes on one route (issue #17; docs/performance.md, "Where the time goes").
// Usage: node scripts/profile-edge.mjs ROUTE [N] [--count] [--out FILE.cpuprofile] [--top K] [--twin URL]
//   ROUTE     status | create | confirm-bkash | confirm-nagad | return-bkash
//   N         requests measured (default 200), at concurrency 8 as make bench's step 5 sends them
//   --count   instead of sampling, count the runtime calls our wasm makes per request (D1
//             statements prepared and run, Durable Object and outbound fetches, object storage
//             and alarm calls, log lines), by a conditional breakpoint on each of the glue's
//             import functions that never stops: each hit writes one console.debug line
//             (wrangler prints them too), which this script counts
//   --out     also write the V8 profile (open it in Chrome DevTools' Performance panel)
//   --top     rows per table (default 25)
//   --twin    send the measured calls to the empty worker at URL (make bench's, or one started
//             as scripts/bench.sh starts it) as step 5's "runtime calls alone" side, marked
//             `x-bdpay-bench: calls`, and watch its inspector (URL's port + 1000): with --count,
//             shows that side makes the calls the edge makes (tests/empty-worker/src/twin.rs)
// Env: BDPAY_EDGE_URL (default http://127.0.0.1:8787), BDPAY_EDGE_INSPECTOR (default: the
// edge's port + 1000, where scripts/lib.sh's start_edge puts wrangler's inspector),
// BDPAY_SANDBOX_URL (default http://127.0.0.1:8790; return-bkash pays on its page).
// Against a running stack with the TEST merchant key (make dev, or scripts/lib.sh's start_edge).
//
// What it prints, sampling: the worker isolate's busy time per request (our wasm, the JS glue
// and the runtime's own work done on this thread: D1 and object calls' bindings, JSON.parse,
// Web Crypto), then functions by self time and by inclusive time, with each one's share of busy
// time. Not in the isolate, so not here: workerd's HTTP stack, and the D1 simulator (another
// isolate in the same process) executing the statements: make bench's step 5 counts those, and
// --count says how many statements a request sends it.
// The payments a route needs are made first (create, and a bKash confirm or a paid sandbox
// page), outside the profile.

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const positional = args.filter((a, i) => !a.startsWith("--") && !["--out", "--top", "--twin"].includes(args[i - 1]));
const [route, nArg] = positional;
const ROUTES = ["status", "create", "confirm-bkash", "confirm-nagad", "return-bkash"];
if (!ROUTES.includes(route)) {
  console.error(`usage: node scripts/profile-edge.mjs ${ROUTES.join("|")} [N] [--count] [--out FILE] [--top K]`);
  process.exit(2);
}
const N = Number(nArg ?? 200);
const TOP = Number(option("--top", 25));
const CONCURRENCY = 8;
const EDGE = (process.env.BDPAY_EDGE_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
const SANDBOX = (process.env.BDPAY_SANDBOX_URL ?? "http://127.0.0.1:8790").replace(/\/$/, "");
const TWIN = option("--twin")?.replace(/\/$/, "");
// Where the measured calls go (what they need first is always made on the edge).
const AIM = TWIN ? { origin: TWIN, headers: { "x-bdpay-bench": "calls" } } : { origin: EDGE, headers: {} };
const INSPECTOR = TWIN
  ? String(Number(new URL(TWIN).port || 80) + 1000)
  : process.env.BDPAY_EDGE_INSPECTOR ?? String(Number(new URL(EDGE).port || 80) + 1000);
const KEY = "sk_test_demo"; // the TEST merchant (scripts/lib.sh seed_demo_merchant)
const TAG = Date.now().toString(36);

// ---- the Chrome DevTools Protocol, over wrangler's inspector ----

async function connect() {
  const targets = await (await fetch(`http://127.0.0.1:${INSPECTOR}/json`)).json();
  const target = targets.find((t) => /core:user:/.test(t.id)) ?? targets[0];
  // wrangler's inspector proxy admits DevTools' origin only.
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: "https://devtools.devprod.cloudflare.dev" } });
  let id = 0;
  const pending = new Map();
  const listeners = [];
  ws.onmessage = (m) => {
    const d = JSON.parse(m.data);
    if (d.id && pending.has(d.id)) {
      const p = pending.get(d.id);
      pending.delete(d.id);
      d.error ? p.reject(new Error(JSON.stringify(d.error))) : p.resolve(d.result);
    } else if (d.method) {
      listeners.forEach((f) => f(d));
    }
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = (e) => reject(new Error(`inspector on :${INSPECTOR}: ${e.message ?? e}`));
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const i = ++id;
      pending.set(i, { resolve, reject });
      ws.send(JSON.stringify({ id: i, method, params }));
    });
  return { send, on: (f) => listeners.push(f), close: () => ws.close() };
}

// ---- the requests ----

const json = { "content-type": "application/json" };
const merchant = { ...json, authorization: `Bearer ${KEY}` };

async function pool(n, f) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, n) }, async () => {
      while (next < n) await f(next++);
    }),
  );
}

async function expect(resp, code, what) {
  const text = await resp.text();
  if (resp.status !== code) throw new Error(`${what}: ${resp.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

// Each call as make bench's step 5 sends it (tests/benches/edge_load.rs).
const createCall = (i, amount = "1250.00", aim = { origin: EDGE, headers: {} }) =>
  fetch(`${aim.origin}/v1/payments`, {
    method: "POST",
    headers: { ...merchant, ...aim.headers },
    body: JSON.stringify({ order_id: `prof-${TAG}-${i}`, amount, return_url: "http://shop.example/return?x=1" }),
  });
const confirmCall = (p, provider, aim = { origin: EDGE, headers: {} }) =>
  fetch(`${aim.origin}/v1/payments/${p.id}/confirm`, {
    method: "POST",
    headers: { ...json, ...aim.headers },
    body: JSON.stringify({ client_secret: p.client_secret, provider }),
  });
const statusCall = (p, aim) =>
  fetch(`${aim.origin}/v1/payments/${p.id}/status?client_secret=${p.client_secret}`, { headers: aim.headers });

async function created(n, offset, amount) {
  const out = [];
  await pool(n, async (i) => {
    out[i] = await expect(await createCall(offset + i, amount?.(i)), 201, "create");
  });
  return out;
}

/// The shopper on the sandbox's bKash page (wallet, OTP, PIN): where bKash sends the browser back.
async function paidOnPage(page, wallet) {
  const u = new URL(page);
  const form = (step, field, value) =>
    fetch(`${u.origin}/bkash/payment/${step}`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ paymentId: u.searchParams.get("paymentId"), hash: u.searchParams.get("hash"), [field]: value, action: "confirm" }),
    });
  const opened = await fetch(page); // HTML, not JSON
  if (opened.status !== 200) throw new Error(`bKash page: ${opened.status}`);
  await opened.arrayBuffer();
  await form("wallet", "wallet", wallet);
  await form("otp", "otp", "123456");
  const last = await form("pin", "pin", "12121");
  const back = last.headers.get("location");
  if (!back) throw new Error(`bKash page: no redirect (${last.status})`);
  return back;
}

/// What each route needs made first, and the measured call on item i.
async function prepare() {
  switch (route) {
    case "create":
      return { call: (i) => createCall(1e6 + i, undefined, AIM), code: 201 };
    case "status": {
      const ps = await created(N, 0);
      await pool(N, async (i) => expect(await confirmCall(ps[i], "bkash"), 200, "confirm"));
      return { call: (i) => statusCall(ps[i], AIM), code: 200 };
    }
    case "confirm-bkash":
    case "confirm-nagad": {
      const ps = await created(N, 0);
      const wallet = route.slice("confirm-".length);
      return { call: (i) => confirmCall(ps[i], wallet, AIM), code: 200 };
    }
    case "return-bkash": {
      // Unique amounts: the sandbox refuses a wallet paying the same amount twice in 2 minutes.
      const ps = await created(N, 0, (i) => `${600 + Math.floor(i / 100)}.${String(i % 100).padStart(2, "0")}`);
      const wallets = ["01770618575", "01929918378", "01770618576"];
      const backs = [];
      await pool(N, async (i) => {
        const c = await expect(await confirmCall(ps[i], "bkash"), 200, "confirm");
        backs[i] = await paidOnPage(c.redirect_url, wallets[i % wallets.length]);
      });
      // bKash's IPN is another request: dropped while the returns are measured.
      await fetch(`${SANDBOX}/__control/faults`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ provider: "bkash", op: "webhook", fault: { kind: "webhook_drop" } }),
      });
      const back = (i) => fetch(backs[i].replace(EDGE, AIM.origin), { redirect: "manual", headers: AIM.headers });
      return { call: back, code: 303, done: () => fetch(`${SANDBOX}/__control/faults`, { method: "DELETE" }) };
    }
  }
}

async function run(work) {
  let failed = 0;
  const t0 = performance.now();
  await pool(N, async (i) => {
    const r = await work.call(i);
    await r.arrayBuffer();
    if (r.status !== work.code && ++failed <= 3) console.error(`  request ${i}: ${r.status}`);
  });
  return { wallMs: performance.now() - t0, failed };
}

// ---- counting the runtime calls our wasm makes ----

// The glue's import functions worth counting, by what their body calls (wasm-bindgen names
// them `__wbg_<method>_<hash>`; the hash changes with the build, the body does not). The
// minifier names parameters and helpers differently in each worker, so a body is read with
// its parameters renamed $0, $1, … in order (`canonical`): `$0` is the object called.
const COUNTED = [
  [/\$0\.prepare\(/, "D1 prepare (a statement)"],
  [/\$0\.first\(/, "D1 first()"],
  [/\$0\.run\(\)/, "D1 run()"],
  [/\$0\.all\(\)/, "D1 all()"],
  [/\$0\.batch\(/, "D1 batch()"],
  [/\$0\.fetch\(\$1\)/, "fetch(request): a Durable Object (or service) call"],
  [/\$0\.fetch\(/, "fetch(url, init): outbound"],
  [/\$0\.get\([\w$]+\(\$1,\s*\$2\)\)/, "storage / KV get"],
  [/\$0\.put\([\w$]+\(\$1,\s*\$2\),/, "storage / KV put"],
  [/\$0\.delete\([\w$]+\(\$1,\s*\$2\)\)/, "storage / KV delete"],
  [/\$0\.setAlarm\(/, "object setAlarm"],
  [/\$0\.getAlarm\(/, "object getAlarm"],
  [/\$0\.deleteAlarm\(/, "object deleteAlarm"],
  [/\bconsole\.log\(/, "console.log (a log line)"],
  [/\$0\.(sign|verify|digest|importKey|encrypt|decrypt)\(/, "Web Crypto"],
];

/// `body` with the function's parameters (`params`, "e,t,n") renamed $0, $1, … (property
/// names after a dot are left alone).
function canonical(params, body) {
  const names = params.split(",").map((x) => x.trim()).filter(Boolean);
  return body.replace(/(?<![\w$.])[A-Za-z_$][\w$]*/g, (id) => (names.includes(id) ? `$${names.indexOf(id)}` : id));
}

const COUNT_TAG = "profile-edge count";

async function count(cdp, work) {
  const scripts = [];
  const counts = {};
  cdp.on((m) => m.method === "Debugger.scriptParsed" && scripts.push(m.params));
  // Each hit logs one console.debug line (also in wrangler's output), counted here.
  cdp.on((m) => {
    const [tag, label] = m.method === "Runtime.consoleAPICalled" ? m.params.args.map((a) => a.value) : [];
    if (tag === COUNT_TAG) counts[label] = (counts[label] ?? 0) + 1;
  });
  await cdp.send("Runtime.enable");
  await cdp.send("Debugger.enable");
  await new Promise((r) => setTimeout(r, 500));
  let placed = 0;
  for (const s of scripts) {
    if (!s.url) continue;
    const { scriptSource } = await cdp.send("Debugger.getScriptSource", { scriptId: s.scriptId });
    // Line starts, to turn an offset into the (line, column) a breakpoint takes.
    const starts = [0];
    for (let i = scriptSource.indexOf("\n"); i >= 0; i = scriptSource.indexOf("\n", i + 1)) starts.push(i + 1);
    const at = (offset) => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { lineNumber: lo, columnNumber: offset - starts[lo] };
    };
    // `__wbg_x_<hash>: function(t, e) {` as wasm-bindgen writes it, minified or as wrangler
    // bundles it again (`/* @__PURE__ */ __name(function(t, e) {`).
    const re = /__wbg_[A-Za-z0-9]+_[0-9a-f]{8,}:\s*(?:\/\*[^*]*\*\/\s*)?(?:__name\()?function\(([\w$, ]*)\)\s*\{/g;
    for (const m of scriptSource.matchAll(re)) {
      const start = m.index + m[0].length;
      const body = canonical(m[1], scriptSource.slice(start, start + 160).split(/\}\s*,\s*"?__wbg_|\},\s*__wbg_/)[0]);
      const hit = COUNTED.find(([pattern]) => pattern.test(body));
      if (!hit) continue;
      const key = JSON.stringify(hit[1]);
      const condition = `console.debug(${JSON.stringify(COUNT_TAG)}, ${key}), false`;
      await cdp.send("Debugger.setBreakpoint", { location: { scriptId: s.scriptId, ...at(start) }, condition });
      placed++;
    }
  }
  if (!placed) throw new Error("no glue functions found to count (is this the edge's inspector?)");
  const result = await run(work);
  await new Promise((r) => setTimeout(r, 1500)); // waitUntil work and alarms due now
  await cdp.send("Debugger.disable");
  console.log(`${route}: ${N} requests, ${result.failed} failed; runtime calls per request (${placed} glue functions watched):`);
  for (const [, label] of COUNTED) {
    if (counts[label]) console.log(`  ${(counts[label] / N).toFixed(2).padStart(7)}  ${label}`);
  }
}

// ---- sampling ----

const nameOf = (n) => {
  const f = n.callFrame;
  const fn = f.functionName || "(anonymous)";
  return f.url ? `${fn} ${f.url.split("/").pop()}` : fn;
};
// Not work: the isolate waiting (idle, program) or collecting garbage (shown on its own line).
const NOT_WORK = new Set(["(idle)", "(program)"]);

function summarise(profile, result) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const time = new Map();
  profile.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
  const self = new Map();
  const total = new Map();
  let busy = 0;
  let gc = 0;
  for (const [id, t] of time) {
    const node = byId.get(id);
    const name = nameOf(node);
    if (NOT_WORK.has(node.callFrame.functionName)) continue;
    if (node.callFrame.functionName === "(garbage collector)") gc += t;
    busy += t;
    self.set(name, (self.get(name) ?? 0) + t);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = nameOf(byId.get(cur));
      if (!seen.has(k)) total.set(k, (total.get(k) ?? 0) + t);
      seen.add(k);
    }
  }
  const perReq = (us) => (us / 1000 / N).toFixed(3);
  console.log(`${route}: ${N} requests in ${(result.wallMs / 1000).toFixed(1)} s, ${result.failed} failed`);
  console.log(`  worker isolate busy ${perReq(busy)} ms per request (garbage collection ${perReq(gc)} ms of it)`);
  const table = (title, m) => {
    console.log(`--- ${title}: ms per request, share of busy time`);
    [...m]
      .filter(([k]) => !/^\(root\)/.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .forEach(([k, v]) => console.log(`  ${perReq(v).padStart(7)} ${((100 * v) / busy).toFixed(1).padStart(5)} %  ${k.slice(0, 140)}`));
  };
  table("self", self);
  table("inclusive (each function once per stack)", total);
}

const cdp = await connect();
const work = await prepare();
try {
  if (flag("--count")) {
    await count(cdp, work);
  } else {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.send("Profiler.start");
    const result = await run(work);
    await new Promise((r) => setTimeout(r, 1000)); // waitUntil work and alarms due now
    const { profile } = await cdp.send("Profiler.stop");
    const out = option("--out");
    if (out) (await import("node:fs")).writeFileSync(out, JSON.stringify(profile));
    summarise(profile, result);
  }
} finally {
  await work.done?.();
  cdp.close();
}
process.exit(0);
