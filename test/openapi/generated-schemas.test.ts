// Keeps src/generated/schemas.json honest: regenerating it from the installed kubernetes-types must give the
// committed bytes. When this fails, run `npm run gen:schemas` and commit the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateSchemaFile, renderSchemaFile, SCHEMA_FILE_PATH } from '../../scripts/gen-schemas.js';

test('src/generated/schemas.json is what scripts/gen-schemas.ts generates', () => {
  const committed = readFileSync(fileURLToPath(new URL(`../../../${SCHEMA_FILE_PATH}`, import.meta.url)), 'utf8');
  const regenerated = renderSchemaFile(generateSchemaFile());
  // Compare parsed first for a readable diff of the first differing schema, then the exact text.
  const a = JSON.parse(committed) as { schemas: Record<string, unknown> };
  const b = JSON.parse(regenerated) as { schemas: Record<string, unknown> };
  assert.deepEqual(Object.keys(a.schemas), Object.keys(b.schemas), 'schema names differ: run `npm run gen:schemas`');
  for (const name of Object.keys(b.schemas)) assert.deepEqual(a.schemas[name], b.schemas[name], `${name} is stale: run \`npm run gen:schemas\``);
  assert.equal(committed, regenerated, 'formatting differs: run `npm run gen:schemas`');
});
