// Screenshots of the bKash hosted page at 360×740, step by step, against a running sandbox.
//   cargo run -p bdpay-sandbox -- --port 8799 &
//   node_modules/.bin/node tests/sandbox/screens.mjs http://127.0.0.1:8799 /work/screens
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const origin = process.argv[2] ?? 'http://127.0.0.1:8790';
const out = process.argv[3] ?? 'screens';
const base = `${origin}/bkash/v1.2.0-beta/tokenized/checkout`;
const creds = {
  username: 'sandboxTokenizedUser02', password: 'sandboxTokenizedUser02@12345',
  app_key: '4f6o0cjiki2rfm34kfdadl1eqq', app_secret: '2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b',
};

async function post(path, body, headers) {
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return r.json();
}

async function create(token, amount, invoice) {
  const created = await post(`${base}/create`, {
    mode: '0011', payerReference: ' ', callbackURL: `${origin}/__control/bkash/return?order=7`,
    amount, currency: 'BDT', intent: 'sale', merchantInvoiceNumber: invoice,
  }, { authorization: token, 'x-app-key': creds.app_key });
  if (created.statusCode !== '0000') throw new Error(JSON.stringify(created));
  return created;
}

const grant = await post(`${base}/token/grant`, { app_key: creds.app_key, app_secret: creds.app_secret },
  { username: creds.username, password: creds.password });
const token = grant.id_token;

// A fresh profile each run (playwright passes it as --user-data-dir).
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'bdpay-shots-')), {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 1,
});
const page = await browser.newPage();
const shot = (name) => page.screenshot({ path: `${out}/bkash-${name}.png` });
const confirm = () => page.click('button[value=confirm]');

const first = await create(token, '1250.00', 'BDP20241125A0042');
await page.goto(first.bkashURL);
await page.fill('input[name=wallet]', '01770618575');
await shot('1-wallet');
await confirm();
await page.fill('input[name=otp]', '123456');
await shot('2-otp');
await confirm();
await page.fill('input[name=pin]', '12121');
await shot('3-pin');
await page.fill('input[name=pin]', '99999');
await confirm();
await shot('4-wrong-pin');
await page.click('button[value=cancel]');
await page.waitForURL(/status=cancel/);
await shot('5-cancel-result');

const second = await create(token, '499.50', 'BDP20241125A0043');
await page.goto(second.bkashURL);
await page.fill('input[name=wallet]', '0177');
await confirm();
await shot('6-bad-wallet');
await page.fill('input[name=wallet]', '01929918378');
await confirm();
await fetch(`${origin}/__control/clock`, { method: 'POST', body: JSON.stringify({ advance_secs: 121 }) });
await page.fill('input[name=otp]', '123456');
await confirm();
await shot('7-otp-expired');

await browser.close();
console.log(`screenshots in ${out}`);
