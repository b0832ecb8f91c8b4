// Screenshots of the Nagad hosted page at 360×740, step by step, against a running sandbox.
// The merchant side uses Node's crypto (encrypt, sign) and the openssl CLI (PKCS#1 v1.5
// decryption, which Node 22 refuses since CVE-2023-46809).
//   cargo run -p bdpay-sandbox -- --port 8799 &
//   node_modules/.bin/node tests/sandbox/tests/nagad/screens.mjs http://127.0.0.1:8799 /work/screens
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = process.argv[2] ?? 'http://127.0.0.1:8790';
const OUT = process.argv[3] ?? 'screens';
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'nagad-shots-'));
const API = BASE + '/nagad/remote-payment-gateway-1.0/api/dfs';
const KEYS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../test-keys/');
const gwPub = fs.readFileSync(KEYS + 'nagad-gateway.pub.pem');
const mKey = fs.readFileSync(KEYS + 'nagad-merchant.key.pem');
const MID = '683002007104225';
const H = { 'Content-Type': 'application/json', 'X-KM-Api-Version': 'v-0.2.0', 'X-KM-IP-V4': '103.4.145.12', 'X-KM-Client-Type': 'MOBILE_WEB' };

function dhakaNow() {
  const d = new Date(Date.now() + 6 * 3600 * 1000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}
function seal(obj) {
  const plain = Buffer.from(JSON.stringify(obj));
  const enc = crypto.publicEncrypt({ key: gwPub, padding: crypto.constants.RSA_PKCS1_PADDING }, plain).toString('base64');
  const sig = crypto.sign('sha256', plain, mKey).toString('base64');
  return [enc, sig];
}
function open(b64) {
  fs.writeFileSync(path.join(TMP, 'c.bin'), Buffer.from(b64, 'base64'));
  return JSON.parse(execFileSync('openssl', ['pkeyutl', '-decrypt', '-inkey', KEYS + 'nagad-merchant.key.pem', '-pkeyopt', 'rsa_padding_mode:pkcs1', '-in', path.join(TMP, 'c.bin')]).toString());
}
async function order(amount, locale = '') {
  const oid = 'SHOT' + Math.random().toString(36).slice(2, 12).toUpperCase().replace(/[^A-Z0-9]/g, '');
  const dt = dhakaNow();
  const [sd, sig] = seal({ merchantId: MID, datetime: dt, orderId: oid, challenge: crypto.randomBytes(20).toString('hex') });
  let r = await fetch(`${API}/check-out/initialize/${MID}/${oid}${locale}`, { method: 'POST', headers: H, body: JSON.stringify({ dateTime: dt, sensitiveData: sd, signature: sig }) });
  if (r.status !== 200) throw new Error('init ' + r.status + ' ' + await r.text());
  const init = open((await r.json()).sensitiveData);
  const [sd2, sig2] = seal({ merchantId: MID, orderId: oid, currencyCode: '050', amount, challenge: init.challenge });
  r = await fetch(`${API}/check-out/complete/${init.paymentReferenceId}`, { method: 'POST', headers: H, body: JSON.stringify({
    sensitiveData: sd2, signature: sig2, merchantCallbackURL: 'https://shop.example/return/nagad',
    additionalMerchantInfo: { serviceName: 'Dhaka Book House', additionalFieldNameEN: 'Invoice', additionalFieldNameBN: 'চালান', additionalFieldValue: 'INV-20241125-0042' } }) });
  if (r.status !== 200) throw new Error('complete ' + r.status + ' ' + await r.text());
  return (await r.json()).callBackUrl;
}

const ctx = await chromium.launchPersistentContext(path.join(TMP, 'profile'), { executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
const browser = ctx;
const page = await ctx.newPage();
const shot = (name) => page.screenshot({ path: path.join(OUT, `nagad-${name}.png`) });

let url = await order('1250.00');
await page.goto(url); await shot('number');
await page.fill('input[name=number]', '01711000001'); await page.click('button[type=submit]'); await shot('otp');
await page.fill('input[name=otp]', '123456'); await page.click('button[type=submit]'); await shot('pin');
await page.fill('input[name=pin]', '9999'); await page.click('button[type=submit]'); await shot('error');
await page.click('a.secondary'); await shot('cancel');

url = await order('1250.00', '?locale=BN');
await page.goto(url); await shot('number-bn');
await page.fill('input[name=number]', '০১৭১১০০০০০১'); await page.click('button[type=submit]'); await shot('otp-bn');

// An ended payment revisited: cancel, then open the page again.
url = await order('350.50');
await fetch(url + '/cancel', { method: 'POST', redirect: 'manual' });
await page.goto(url); await shot('ended');
await browser.close();
fs.rmSync(TMP, { recursive: true, force: true });
console.log(`nagad-*.png written to ${OUT}`);
