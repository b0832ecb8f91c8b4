// `make bench` (scripts/bench-widget.sh --bytes): where a widget build's wasm bytes go, from
// twiggy's JSON. Usage: node scripts/twiggy-summary.mjs TOP.json DOMINATORS.json SHIPPED_BYTES
//   TOP.json         `twiggy top -n 100000 -f json` of the build with its names kept
//   DOMINATORS.json  `twiggy dominators -f json` of the same file
//   SHIPPED_BYTES    the size of the shipped .wasm (names removed), to show both are the same code
// Prints: bytes by crate, the 25 largest items (twiggy top -n 25), and the dominator tree's
// top (what keeps what alive), all without the name section, which is there only for this.
import fs from "node:fs";

const [topFile, domFile, shippedArg] = process.argv.slice(2);
const top = JSON.parse(fs.readFileSync(topFile, "utf8"));
const dom = JSON.parse(fs.readFileSync(domFile, "utf8"));
const shipped = Number(shippedArg);

// Names that exist only because this copy keeps them (the shipped file has none).
const analysisOnly = (name) => /^"[a-z ]+ names" subsection$/.test(name) || /^custom section/.test(name);

/** The crate (or kind of bytes) an item belongs to, from its demangled name. */
function crateOf(name) {
  if (name.startsWith("data segment")) return "(data segments: strings, tables)";
  if (name.startsWith("import ")) return "(imports: names of the glue's functions)";
  if (name.startsWith("export ")) return "(exports)";
  if (/^code\[\d+\]$/.test(name)) return "(code without a name)";
  if (/^type(\[\d+\])?[: ]|section headers$|^wasm magic|^(table|elem|memory|global)\[\d+\]$/.test(name)) return "(module structure: types, headers, table)";
  if (/externref shim$|^__externref_|^__wbindgen_|^__wbg_/.test(name)) return "wasm-bindgen (generated shims)";
  if (/^(memcmp|memcpy|memmove|memset|__rustc.*)$/.test(name)) return "compiler_builtins";
  const bare = name.replace(/^[<&\s]+/, "").replace(/^(mut |dyn )+/, "");
  let c = (bare.match(/^[A-Za-z_][A-Za-z0-9_]*/) || ["(other)"])[0];
  if (c.length === 1 || c === "impl") c = (name.match(/ as &?(?:mut )?([A-Za-z_][A-Za-z0-9_]*)/) || [, c])[1];
  return c.replace(/\[[0-9a-f]+\]$/, "");
}

// A readable name: no symbol hashes, no crate disambiguators.
const short = (name, width = 96) => {
  const s = name.replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]{16}\]/g, "");
  return s.length > width ? `${s.slice(0, width - 1)}…` : s;
};
const pct = (n, total) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;
const b = (n) => `${n.toLocaleString("en-US")} B`.padStart(9);

const items = top.filter((x) => !analysisOnly(x.name));
const total = items.reduce((n, x) => n + x.shallow_size, 0);
console.log(`  analysed: ${total} B without its name section; shipped: ${shipped} B, the same code and data with the import`);
console.log("  and export names shortened (scripts/build-widget.sh); percentages are of the analysed bytes");

const byCrate = new Map();
for (const x of items) {
  const c = crateOf(x.name);
  const e = byCrate.get(c) || { bytes: 0, items: 0 };
  e.bytes += x.shallow_size;
  e.items += 1;
  byCrate.set(c, e);
}
console.log("  by crate (shallow bytes: each item counted once, in the crate its name starts with)");
for (const [c, e] of [...byCrate].sort((a, z) => z[1].bytes - a[1].bytes).slice(0, 14)) {
  console.log(`    ${c.padEnd(44)} ${b(e.bytes)} ${pct(e.bytes, total)}  (${e.items} items)`);
}

console.log("  twiggy top -n 25 (shallow bytes)");
for (const x of items.slice(0, 25)) {
  console.log(`    ${b(x.shallow_size)} ${pct(x.shallow_size, total)}  ${short(x.name)}`);
}

// The dominator tree: an item's retained bytes are what would go if it went.
console.log("  twiggy dominators, summarised (retained bytes; items keeping at least 3 % alive, 3 levels)");
const walk = (node, depth) => {
  for (const ch of (node.children || []).filter((c) => !analysisOnly(c.name))) {
    if (ch.retained_size < total * 0.03) continue;
    console.log(`    ${b(ch.retained_size)} ${pct(ch.retained_size, total)}  ${"  ".repeat(depth)}${short(ch.name, 90 - 2 * depth)}`);
    if (depth < 2) walk(ch, depth + 1);
  }
};
for (const root of dom.items || []) {
  if (root.name === "<meta root>") walk(root, 0);
}
