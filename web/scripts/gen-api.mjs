// Regenerates src/api/schema.d.ts from the OpenAPI document the Flask app serves, so the
// client's types are the server's. `--output FILE` writes elsewhere (the drift test compares
// that file with the committed one).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const project = resolve(web, '..');
const outputFlag = process.argv.indexOf('--output');
const output = outputFlag >= 0 ? resolve(process.argv[outputFlag + 1]) : join(web, 'src/api/schema.d.ts');

const scratch = mkdtempSync(join(tmpdir(), 'jiahe-openapi-'));
try {
  const document = join(scratch, 'openapi.json');
  // Run in the project directory, as every `jiahe` command expects.
  execFileSync(join(project, '.venv/bin/jiahe'), ['openapi', '--output', document], { cwd: project, stdio: 'inherit' });
  const spec = JSON.parse(readFileSync(document, 'utf8'));
  markResponseFieldsPresent(spec);
  writeFileSync(document, JSON.stringify(spec));
  execFileSync(join(web, 'node_modules/.bin/openapi-typescript'), [document, '--default-non-nullable', 'false', '--output', output], {
    cwd: web,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/**
 * marshmallow writes every field of a response (a value or null), but the document lists a
 * field as required only when the schema says `required=True`, which the server's output
 * schemas do not. Without this every response field would be optional in TypeScript.
 */
function markResponseFieldsPresent(spec) {
  const schemas = spec.components?.schemas ?? {};
  const seen = new Set();
  const visit = (node) => {
    if (!node || typeof node !== 'object') return;
    if (typeof node.$ref === 'string') {
      const name = node.$ref.split('/').pop();
      if (seen.has(name) || !schemas[name]) return;
      seen.add(name);
      visit(schemas[name]);
      return;
    }
    if (node.properties && !node.required) node.required = Object.keys(node.properties);
    Object.values(node.properties ?? {}).forEach(visit);
    [node.items, node.additionalProperties, ...(node.allOf ?? []), ...(node.oneOf ?? []), ...(node.anyOf ?? [])].forEach(visit);
  };
  for (const operations of Object.values(spec.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        if (!status.startsWith('2')) continue;
        Object.values(response.content ?? {}).forEach((media) => visit(media.schema));
      }
    }
  }
}
