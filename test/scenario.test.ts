import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, ScenarioError } from '../loadgen/scenario/parse.js';
import { SCHEMA_FILES, schemaText } from '../scripts/export-schemas.js';

function problemsOf(yaml: string): string[] {
  try {
    parseScenario(yaml, 'bad.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toContain('bad.yaml');
    return (err as ScenarioError).problems;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario files', () => {
  it('parses durations and applies defaults', () => {
    const s = parseScenario('name: t\nclients: 10\nduration: 2m\nrampUp: 500ms\nrooms: {size: 5}\nmessageRate: 1\n', 't.yaml');
    expect(s).toMatchObject({ name: 't', clients: 10, duration: 120_000, rampUp: 500, drain: 5000, bodyBytes: 64, variant: 'coroutine', executor: { type: 'constant-vus' }, servers: 1 });
  });

  it('reports every problem at once, each with its field path and what was expected', () => {
    const problems = problemsOf('name: "bad name!"\nclients: -5\nduration: soon\nrooms: {size: 0, extra: 1}\nmessageRate: "x"\nthresholds: ["p99 is low"]\n');
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: expected a name/),
        expect.stringMatching(/^clients: .*>=\s*1/),
        expect.stringMatching(/^duration: expected a duration like "500ms"/),
        expect.stringMatching(/^rooms\.size: .*>=\s*1/),
        expect.stringMatching(/^rooms: .*extra/),
        expect.stringMatching(/^messageRate: .*number/),
        expect.stringMatching(/^thresholds\.0: expected "<metric> <op> <number>"/),
      ]),
    );
    expect(problems.length).toBe(7);
  });

  it('names missing fields and unknown threshold metrics', () => {
    expect(problemsOf('name: x\n')).toEqual([
      'rooms: required: expected { size: N } or { count: N, distribution?: "uniform" | "zipf", exponent?: N }',
      'clients: expected a number of clients (required by executor constant-vus)',
      'duration: expected a duration (required by executor constant-vus)',
    ]);
    expect(problemsOf('name: x\nexecutor: {type: churn, connectRate: -1}\nrooms: {size: 2}\n')).toEqual([
      'executor.connectRate: Too small: expected number to be >0',
      'executor.lifetime: required: expected a duration like "500ms", "20s", "2m" or a number of seconds',
      'duration: expected a duration (required by executor churn)',
    ]);
    const unknown = problemsOf('name: x\nclients: 1\nduration: 1s\nrooms: {size: 1}\nmessageRate: 1\nthresholds: ["e2e.p42 < 3"]\n');
    expect(unknown[0]).toMatch(/^thresholds\.0: unknown metric "e2e\.p42"; expected one of .*e2e\.p99/);
  });

  it('checks faults against the servers and the bus', () => {
    expect(problemsOf('name: x\nclients: 9\nduration: 5s\nrooms: {size: 3}\nservers: 2\nfaults: [{at: 2s, action: kill-server, server: 2}, {at: 3s, action: restart-redis}, {at: 1s, action: melt}]\n')).toEqual([
      'faults.2.action: Invalid option: expected one of "kill-server"|"restart-redis"',
      'faults.0.server: expected a server index below servers (2)',
      'faults.1.action: restart-redis needs bus: redis',
    ]);
  });

  it('reports YAML syntax errors with a line and unreadable files by name', () => {
    expect(problemsOf('name: [unclosed\n')[0]).toMatch(/^YAML syntax \(line \d+\)/);
    expect(problemsOf('- a list\n')).toEqual(['(root): expected a mapping of scenario fields']);
    expect(() => loadScenario('does/not/exist.yaml')).toThrow(/does\/not\/exist\.yaml: invalid scenario\n {2}- cannot read file/);
  });

  it('ships scenarios that all validate', () => {
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(readFileSync(join('scenarios', f), 'utf8')).toMatch(/^(# yaml-language-server.*\n)?# \S/);
      expect(() => loadScenario(join('scenarios', f))).not.toThrow();
    }
  });

  it('keeps the committed JSON Schemas in step with the code (npm run schemas)', () => {
    for (const [file, make] of Object.entries(SCHEMA_FILES)) expect(readFileSync(file, 'utf8'), file).toBe(schemaText(make));
  });
});
