// Read and validate a scenario file. Every problem is reported at once, each with the file, the
// field path and what was expected.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { unknownThresholdMetric, THRESHOLD_METRICS } from '../../results/thresholds.js';
import { crossFieldProblems, ScenarioSchema, type Scenario } from './schema.js';
import { protocolProblems } from '../protocols/registry.js';
import { ScenarioError } from './scenario-error.js';

export { ScenarioError };

export function loadScenario(file: string, overrides: Record<string, unknown> = {}): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(file, [`cannot read file: ${(err as Error).message}`]);
  }
  return parseScenario(text, file, overrides);
}

export function parseScenario(text: string, file: string, overrides: Record<string, unknown> = {}): Scenario {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new ScenarioError(file, doc.errors.map((e) => `YAML syntax (line ${e.linePos?.[0]?.line ?? '?'}): ${e.message.split('\n')[0]}`));
  }
  const raw: unknown = doc.toJS();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ScenarioError(file, ['(root): expected a mapping of scenario fields']);
  }
  const input = { ...(raw as Record<string, unknown>), ...overrides };
  const result = ScenarioSchema.safeParse(input);
  const cross = crossFieldProblems(input);
  if (!result.success || cross.length) {
    const issues = result.success ? [] : result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new ScenarioError(file, [...issues, ...cross]);
  }
  const problems = result.data.thresholds.flatMap((t, i) => {
    const name = unknownThresholdMetric(t);
    return name ? [`thresholds.${i}: unknown metric "${name}"; expected one of ${THRESHOLD_METRICS.join(', ')}`] : [];
  });
  problems.push(...protocolProblems(result.data.protocol));
  if (problems.length > 0) throw new ScenarioError(file, problems);
  return result.data;
}
