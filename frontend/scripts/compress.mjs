// Pre-compressed copies of the built text files (name.gz, name.br) beside the originals:
// WhiteNoise serves them to browsers that accept them (the pdf.js worker is 1.2 MB raw,
// about 0.3 MB with Brotli). Nothing is compressed at request time.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const TEXT = /\.(?:js|mjs|css|html|svg|json)$/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let count = 0;
for (const path of files(dist)) {
  if (!TEXT.test(path) || path.endsWith('index.html')) continue; // index.html is served by Django
  const body = readFileSync(path);
  if (body.length < 1024) continue;
  writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
  writeFileSync(`${path}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }));
  count += 1;
}
console.log(`pre-compressed ${count} files (.gz, .br)`);
