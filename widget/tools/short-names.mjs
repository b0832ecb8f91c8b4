// Rewrites wasm-bindgen's glue for a wasm whose import/export names binaryen minified
// (`wasm-opt --minify-imports-and-exports-and-modules`, which prints the map as JSON).
// wasm-bindgen names each import `__wbg_<method>_<16 hex digits>`: ~70 of them cost the
// shopper about 2 KB gzip across the wasm and the glue. Then it instantiates the result in
// Node to prove every import still has its function.
// Usage: node short-names.mjs MAP.json GLUE.js WASM
import fs from "node:fs";
import { pathToFileURL } from "node:url";

const [mapFile, glueFile, wasmFile] = process.argv.slice(2);
const text = fs.readFileSync(mapFile, "utf8");
const map = JSON.parse(text.slice(text.indexOf("{")));
let glue = fs.readFileSync(glueFile, "utf8");
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const modules = new Set(map.imports.map(([m]) => m));
const wasmModules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(fs.readFileSync(wasmFile))).map((i) => i.module));
if (modules.size !== 1 || wasmModules.size !== 1) throw new Error(`expected one import module, got ${[...modules]} → ${[...wasmModules]}`);
const [oldModule] = modules;
const [newModule] = wasmModules;

for (const [, oldName, newName] of map.imports) {
  const key = new RegExp(`(^|[\\s{,])${esc(oldName)}(\\s*:)`, "gm");
  if (!key.test(glue)) throw new Error(`import ${oldName} is not a key in the glue`);
  glue = glue.replace(key, (_, pre, colon) => pre + newName + colon);
}
glue = glue.replace(`"${oldModule}": import0`, `"${newModule}": import0`);
for (const [oldName, newName] of map.exports) {
  glue = glue.replace(new RegExp(`\\bwasm\\.${esc(oldName)}\\b`, "g"), () => `wasm.${newName}`);
}
fs.writeFileSync(glueFile, glue);

// The proof: instantiate with the rewritten glue's own imports (a missing one is a LinkError).
const m = await import(pathToFileURL(glueFile).href);
m.initSync({ module: fs.readFileSync(wasmFile) });
console.log(`short names: ${map.imports.length} imports, ${map.exports.length} exports renamed`);
