// The shopper's phone, shared by the end-to-end tests and the bench (scripts/bench-widget.sh):
// DevTools' "Slow 3G" network (2 s round trip, 50 KB/s each way) and a CPU 4× slower, at 360×740.
// The bench also runs DevTools' "Slow 4G" (SLOW_4G), where most shoppers actually are.
export const SLOW_3G = {
  offline: false,
  latency: 400 * 5, // ms added to every request, as DevTools' preset
  downloadThroughput: ((500 * 1000) / 8) * 0.8, // bytes/s
  uploadThroughput: ((500 * 1000) / 8) * 0.8,
};
// "Slow 4G" as issue #17 names it: a 150 ms round trip, 1.6 Mbps down, 750 kbps up, taken
// literally (DevTools' own preset adds 562.5 ms per request to stand for the same link; ours
// is the kinder, literal reading, so a figure here is the best case on that link).
export const SLOW_4G = {
  offline: false,
  latency: 150, // ms added to every request
  downloadThroughput: (1.6 * 1000 * 1000) / 8, // bytes/s
  uploadThroughput: (750 * 1000) / 8,
};
export const CPU_SLOWDOWN = 4;
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const PHONE = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent: "Mozilla/5.0 (Linux; Android 11; SM-A025F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
  locale: "bn-BD",
};
