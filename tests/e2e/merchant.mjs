// A merchant's web server for the end-to-end tests and the bench: it serves www/ on its OWN
// origin (so bdpay.js, the wasm and the widget's calls cross origins, as on a real shop) and
// is the shop's server side: POST /demo/checkout creates the payment through the merchant API
// (POST /v1/payments with sk_test_demo), with a return_url on this origin, as a real merchant's
// server does. (The edge's own /demo/checkout returns shoppers to the edge's origin.)
// Usage: startMerchant({ edge: "http://127.0.0.1:18787", port: 0 }) → { url, close }.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const WWW = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../www");
// The demo catalogue in poisha, as in www/shop.js and the edge's demo route.
const PRODUCTS = { tshirt: 65000, mug: 35000, kantha: 125000 };
const KEY = process.env.BDPAY_MERCHANT_KEY || "sk_test_demo";
let orders = 0;

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
};

export function startMerchant({ edge, port = 0, host = "127.0.0.1", extraPages = {} }) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://merchant.invalid");
    try {
      if (req.method === "POST" && url.pathname === "/demo/checkout") {
        let body = "";
        for await (const chunk of req) body += chunk;
        const cart = JSON.parse(body || "{}");
        const price = PRODUCTS[cart.product], qty = Number(cart.quantity);
        if (!price || !(qty >= 1 && qty <= 5)) {
          res.writeHead(400, { "content-type": "application/json" });
          return res.end(JSON.stringify({ error: { code: "invalid_request", message: "unknown product or quantity" } }));
        }
        const poisha = price * qty;
        const origin = `http://${req.headers.host}`;
        const order = `WEB-${Date.now().toString(36)}-${++orders}`;
        const r = await fetch(edge + "/v1/payments", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${KEY}`, "idempotency-key": order },
          body: JSON.stringify({ order_id: order, amount: (poisha / 100).toFixed(2), return_url: origin + "/thanks.html" }),
        });
        const p = await r.json();
        res.writeHead(r.status, { "content-type": "application/json" });
        return res.end(JSON.stringify(r.ok
          ? { payment_id: p.id, client_secret: p.client_secret, amount: p.amount, order_id: p.order_id, return_url: p.return_url }
          : p));
      }
      if (extraPages[url.pathname]) {
        res.writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" });
        return res.end(extraPages[url.pathname]);
      }
      // The merchant's own pages only: the widget's files come from the edge.
      let rel = decodeURIComponent(url.pathname);
      if (rel.endsWith("/")) rel += "index.html";
      const file = path.join(WWW, path.normalize(rel));
      if (!file.startsWith(WWW + path.sep) || rel.startsWith("/pkg/") || rel === "/bdpay.js" || !fs.existsSync(file)) {
        res.writeHead(404, { "content-type": "text/plain" });
        return res.end("not found");
      }
      let data = fs.readFileSync(file);
      if (file.endsWith(".html")) {
        data = data.toString("utf8").replace('<meta name="bdpay-edge" content="">', `<meta name="bdpay-edge" content="${edge}">`);
      }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store" });
      res.end(data);
    } catch (e) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "edge_unreachable", message: String(e.message || e) } }));
    }
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const { port: p } = server.address();
      resolve({ url: `http://${host}:${p}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

// Run directly: `node tests/e2e/merchant.mjs EDGE_URL [PORT]` serves the shop for a manual look.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const edge = process.argv[2] || process.env.BDPAY_EDGE_URL || "http://127.0.0.1:8787";
  startMerchant({ edge, port: Number(process.argv[3] || 8800) }).then((m) =>
    console.log(`merchant shop on ${m.url} (edge ${edge})`));
}
