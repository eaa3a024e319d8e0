// Measures what the browser downloads on first load: the scripts index.html references
// (and their static imports, i.e. modulepreload links), gzipped. pdf.js, the document page
// and the upload page are separate chunks loaded on demand and are not counted.
// Fails (exit 1) above the budget.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET_KB = 300;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entry = [...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g)].map((m) => m[1]);
const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="\/([^"]+\.css)"/g)].map((m) => m[1]);

const seen = new Set();
function visit(file) {
  if (seen.has(file)) return;
  seen.add(file);
  const code = readFileSync(join(dist, file), 'utf8');
  // static imports between chunks: import{…}from"./x.js" / import "./x.js"
  for (const m of code.matchAll(/(?:^|[;\s}])import\s*(?:[\w${}\s,*]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    visit(join(dirname(file), m[1]));
  }
}
entry.forEach(visit);

const size = (file) => {
  const bytes = readFileSync(join(dist, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const js = [...seen].map(size);
const styles = css.map(size);
const total = js.reduce((n, f) => n + f.gzip, 0);
const lazy = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js') || f.endsWith('.mjs')).filter((f) => !seen.has(`assets/${f}`));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

console.log('First-load JavaScript (gzip):');
for (const f of js) console.log(`  ${f.file}  ${kb(f.raw)} raw, ${kb(f.gzip)} gzip`);
for (const f of styles) console.log(`  ${f.file}  ${kb(f.raw)} raw, ${kb(f.gzip)} gzip (CSS)`);
console.log(`first-load JS total: ${kb(total)} gzip (budget ${BUDGET_KB} KB)`);
console.log(`loaded on demand: ${lazy.join(', ')}`);
if (total > BUDGET_KB * 1024) {
  console.error(`First-load JavaScript is ${kb(total)} gzip, over the ${BUDGET_KB} KB budget.`);
  process.exit(1);
}
