// JSON Schema of scenario files, for editors (`# yaml-language-server: $schema=…`). Durations
// are strings or numbers before parsing, so the export describes the input side.
import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
}
