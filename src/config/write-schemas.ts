// Regenerate the committed JSON Schemas after changing a zod schema:
//   npx tsx src/config/write-schemas.ts
// A test (test/config/json-schemas.test.ts) fails while the committed files are out of date.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemas } from './json-schemas.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
for (const [file, content] of Object.entries(jsonSchemas())) {
  const target = path.join(root, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
  console.log(`wrote ${file}`);
}
