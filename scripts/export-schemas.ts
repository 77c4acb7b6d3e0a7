// Writes the JSON Schemas of the two file contracts: results/result.schema.json and
// scenarios/scenario.schema.json. A test fails when the committed files are stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../lib/paths.js';
import { scenarioJsonSchema } from '../loadgen/scenario/json-schema.js';
import { resultJsonSchema } from '../results/schema.js';

export const SCHEMA_FILES = {
  'results/result.schema.json': resultJsonSchema,
  'scenarios/scenario.schema.json': scenarioJsonSchema,
} as const;

export function schemaText(make: () => unknown): string {
  return JSON.stringify(make(), null, 2) + '\n';
}

if (process.argv[1]?.endsWith('export-schemas.js')) {
  for (const [file, make] of Object.entries(SCHEMA_FILES)) {
    writeFileSync(join(packageRoot, file), schemaText(make));
    console.log(`wrote ${file}`);
  }
}
