// The widget's time to first paint and to interactive on the shopper's phone (tests/e2e/
// profile.mjs: CPU 4× slower, 360×740) on two networks, DevTools' Slow 3G and Slow 4G, each
// next to an empty page on the same origin. Each run is a fresh browser profile (cold cache).
// Called by scripts/bench-widget.sh.
// Env: BDPAY_EDGE_URL (default http://127.0.0.1:8787), BDPAY_BENCH_RUNS (default 5 per page
// and network). Prints a table of medians per network (ms from navigation start).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { startMerchant } from "./merchant.mjs";
import { SLOW_3G, SLOW_4G, CPU_SLOWDOWN, CHROMIUM_ARGS, PHONE } from "./profile.mjs";

const EDGE = (process.env.BDPAY_EDGE_URL || "http://127.0.0.1:8787").replace(/\/$/, "");
const RUNS = Number(process.env.BDPAY_BENCH_RUNS || 5);

const page = (body) => `<!doctype html><html lang="bn"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>bench</title></head>
<body style="font:16px system-ui,sans-serif;margin:16px"><h1>চেকআউট</h1>${body}</body></html>`;

// Records when the widget's container first shows something (the loader's skeleton), when its
// wallet buttons first take a tap (the skeleton's do: widget/loader.js), and when the widget
// shows the payment with its buttons live (requires_method), each at the next frame after.
const probe = `(() => {
  const marks = (window.__bdpay = {});
  const at = (name) => requestAnimationFrame(() => requestAnimationFrame(() => { marks[name] ??= performance.now(); }));
  new MutationObserver(() => {
    const host = document.querySelector("#pay"), s = host?.getAttribute("data-bdpay-status");
    if (s) at("widget_paint");
    if (host?.shadowRoot?.querySelector("button[data-provider]:not([disabled])")) at("tappable");
    if (s === "requires_method") at("interactive");
    if (s && s !== "loading" && s !== "requires_method") marks.other = s;
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-bdpay-status"] });
})();`;

async function createPayment() {
  const order = `BENCH-${Date.now().toString(36)}`;
  const r = await fetch(`${EDGE}/v1/payments`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk_test_demo", "idempotency-key": order },
    body: JSON.stringify({ order_id: order, amount: "1250.00", return_url: "http://127.0.0.1/thanks.html" }),
  });
  if (!r.ok) throw new Error(`create payment: ${r.status} ${await r.text()}`);
  return r.json();
}

async function once(url, network) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bdpay-bench-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    ...PHONE,
  });
  try {
    const p = context.pages()[0] || (await context.newPage());
    p.setDefaultTimeout(120_000);
    const cdp = await context.newCDPSession(p);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Network.emulateNetworkConditions", network);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
    await p.addInitScript(probe);
    await p.goto(url, { waitUntil: "load" });
    if (url.includes("widget")) await p.waitForFunction(() => window.__bdpay.interactive || window.__bdpay.other);
    return await p.evaluate(() => {
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      const bytes = performance.getEntriesByType("resource")
        .filter((e) => /bdpay\.js|\/pkg\//.test(e.name))
        .reduce((n, e) => n + (e.transferSize || 0), 0);
      return { fcp: fcp ? fcp.startTime : NaN, ...window.__bdpay, bytes };
    });
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

const pay = await createPayment();
const tag = `<div id="pay"></div><script src="${EDGE}/bdpay.js" data-payment="${pay.id}"
  data-client-secret="${pay.client_secret}" data-lang="bn" data-target="#pay" async></script>`;
const merchant = await startMerchant({
  edge: EDGE,
  extraPages: { "/bench-empty.html": page("<p>খালি পেজ</p>"), "/bench-widget.html": page(tag) },
});
const NETWORKS = [
  { name: "Slow 3G", rtt: "400 ms RTT, 500 kbps", conditions: SLOW_3G },
  { name: "Slow 4G", rtt: "150 ms RTT, 1.6 Mbps down / 750 kbps up", conditions: SLOW_4G },
];
const results = NETWORKS.map(() => ({ empty: [], widget: [] }));
try {
  for (let i = 0; i < RUNS; i++) {
    for (const [k, net] of NETWORKS.entries()) {
      results[k].empty.push(await once(`${merchant.url}/bench-empty.html`, net.conditions));
      results[k].widget.push(await once(`${merchant.url}/bench-widget.html`, net.conditions));
    }
  }
} finally {
  await merchant.close();
}
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : "—");
for (const [k, net] of NETWORKS.entries()) {
  const { empty, widget } = results[k];
  const c = net.conditions;
  const other = widget.map((w) => w.other).filter(Boolean);
  if (other.length) console.log(`warning: the widget ended in ${other.join(", ")} in some ${net.name} runs`);
  const rows = [
    ["empty page", ms(median(empty.map((r) => r.fcp))), "—", "—", "—"],
    ["page with the widget", ms(median(widget.map((r) => r.fcp))), ms(median(widget.map((r) => r.widget_paint))),
      ms(median(widget.map((r) => r.tappable))), ms(median(widget.map((r) => r.interactive)))],
  ];
  console.log(`\ntiming: median of ${RUNS} cold runs, ${net.name} (${net.rtt}; DevTools applies ${c.latency} ms per request, ${Math.round(c.downloadThroughput / 1000)} KB/s down, ${Math.round(c.uploadThroughput / 1000)} KB/s up), CPU ${CPU_SLOWDOWN}x, 360x740`);
  console.log("  page                   first contentful paint  widget first paint  wallets take a tap  payment shown (interactive)");
  for (const [a, b, cc, d, e] of rows) console.log(`  ${a.padEnd(22)} ${b.padStart(22)}  ${cc.padStart(18)}  ${d.padStart(18)}  ${e.padStart(27)}`);
  const extra = median(widget.map((r) => r.widget_paint)) - median(empty.map((r) => r.fcp));
  console.log(`  widget first paint after the empty page's first paint: ${ms(extra)}`);
  // Per run, then the median: the payment shown after the widget's first paint, against one
  // request's latency as the profile applies it (the bar: at most one round trip).
  const gap = median(widget.map((r) => r.interactive - r.widget_paint));
  console.log(`  payment shown after the widget's first paint: ${ms(gap)} (one request's latency here: ${c.latency} ms)`);
  const bytes = median(widget.map((r) => r.bytes));
  if (bytes) console.log(`  bytes transferred for bdpay.js + pkg/ (as served, median): ${bytes}`);
}
