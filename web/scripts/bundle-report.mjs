// What each page costs a phone: the gzipped JavaScript and CSS it must download before it can
// draw (the entry chunk, the page's own chunk and everything they import statically). Run
// after `npm run build`.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));

const gzipped = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key].imports ?? []) closure(imported, seen);
  return seen;
}

function files(keys) {
  const all = new Set();
  for (const key of keys) {
    const chunk = manifest[key];
    all.add(chunk.file);
    (chunk.css ?? []).forEach((css) => all.add(css));
  }
  return all;
}

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
const pageKey = (name) => Object.keys(manifest).find((key) => key.endsWith(`/${name}.tsx`));
const entryKeys = closure(entry);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const total = (set) => [...set].reduce((sum, file) => sum + gzipped(file), 0);

console.log(`entry (every page): ${kb(total(files(entryKeys)))} gzipped`);
for (const key of Object.keys(manifest).filter((k) => manifest[k].isDynamicEntry && k !== pageKey('TaskTable')).sort()) {
  const page = files(closure(key, new Set(entryKeys)));
  console.log(`${key.replace(/^src\/features\//, '').padEnd(52)} ${kb(total(page)).padStart(10)} gzipped in all`);
}

// A wide screen draws the task list as a table, loaded after the page's own chunk.
const wideTaskList = new Set([...closure(pageKey('TaskListPage'), new Set(entryKeys)), ...closure(pageKey('TaskTable'))]);
console.log(`${'task list on a wide screen (with TaskTable)'.padEnd(52)} ${kb(total(files(wideTaskList))).padStart(10)} gzipped in all`);
