// chatbench as a library: `import { run, gate, compare, merge, renderReport } from 'chatbench'`.
// The command line is built on these same functions (docs/api.md).
export { run, runsExitCode, CHECKS_FAILED_EXIT, THRESHOLD_FAILED_EXIT, type RunApiOptions, type RunOutcome } from './api/run.js';
export { gate, planGate, SIDES, GATE_MODES, type GateMode, GATE_INCONCLUSIVE_EXIT, GATE_REGRESSION_EXIT, type GateOptions, type GateOutcome, type GateSide, type GateVerdict, type Side } from './api/gate.js';
export { calibrate, type CalibrateOptions, type Calibration } from './api/calibrate.js';
export { compare, type CompareOptions, type CompareOutcome, type CompareServer } from './api/compare.js';
export { merge, renderReport } from './api/report.js';
export { publishVerdict, type PublishOptions, type Published } from './ci/github/publish.js';
export { githubContext, type GitHubContext } from './ci/github/context.js';
export { loadScenario, parseScenario, ScenarioError } from './loadgen/scenario/parse.js';
export { readResult } from './cli/files/run-files.js';
export { decide, type GateDecision, type MetricDecision } from './ci/decide.js';
export { parseMetricSpec, DEFAULT_METRICS, type MetricSpec } from './ci/metric-spec.js';
export { verdictMarkdown } from './ci/verdict-markdown.js';
export { MergeRefusedError } from './results/shard-merge.js';
export { SCHEMA_VERSION, type Result } from './results/schema.js';
export type { Scenario } from './loadgen/scenario/schema.js';
export type { ServerCommand } from './loadgen/coordinator/command-server.js';
export type { ReportOptions } from './reports/html/render.js';
