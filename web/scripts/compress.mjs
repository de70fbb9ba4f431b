// After `vite build`: a gzip copy (level 9) beside every script, stylesheet and JSON file of
// dist/assets, which the Flask app sends to browsers that accept gzip (api/views/webapp.py).
// A phone on a village network then downloads about a third of the bytes, without a reverse
// proxy in front of the embedded server.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const assets = join(import.meta.dirname, '..', 'dist', 'assets');
let files = 0;
for (const name of readdirSync(assets)) {
  if (!/\.(js|css|json|svg)$/.test(name)) continue;
  writeFileSync(join(assets, `${name}.gz`), gzipSync(readFileSync(join(assets, name)), { level: 9 }));
  files += 1;
}
console.log(`gzipped ${files} files in dist/assets`);
