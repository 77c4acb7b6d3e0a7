// Pass/fail thresholds from scenario files: "<figure> <op> <number>", where the figure is a name
// (or path) of the catalog in figures.ts, evaluated on a result. No data never passes.
import { FIGURES, figure, figureValue } from './figures.js';
import type { Result } from './schema.js';

export const THRESHOLD_PATTERN = /^\s*([a-z][a-zA-Z0-9_.]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export const THRESHOLD_METRICS = FIGURES.map((f) => f.name);

export function unknownThresholdMetric(expression: string): string | undefined {
  const m = THRESHOLD_PATTERN.exec(expression);
  return m && !figure(m[1]!) ? m[1] : undefined;
}

export function evaluateThresholds(expressions: string[], result: Result): Result['thresholds'] {
  return expressions.map((expression) => {
    const m = THRESHOLD_PATTERN.exec(expression)!;
    const actual = figureValue(result, figure(m[1]!)!);
    const limit = Number(m[3]);
    const ok = actual !== null && compare(actual, m[2]!, limit);
    return { expression, actual, ok };
  });
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    default: return a !== b;
  }
}
