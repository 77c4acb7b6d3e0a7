// Every command, its flags and their help, in one table per command: parseArgs reads the same
// tables the help text is made from, so the two cannot drift. Command modules load only when run.
import { VARIANTS } from '../lib/variants.js';
import { serverHelp } from '../server/cli-options.js';

export interface Flag {
  type: 'string' | 'boolean';
  default?: string | boolean;
  multiple?: boolean;
  /** The value's placeholder in the help text. */
  arg?: string;
  help: string;
}
type Flags = Record<string, Flag>;

/** Flags of every command that runs a scenario: a different secret, and scenario shortcuts. */
export const SCENARIO_FLAGS = {
  secret: { type: 'string', arg: 'S', help: 'JWT secret shared with the server (or CHATBENCH_SECRET)' },
  clients: { type: 'string', arg: 'N', help: "override the scenario's clients" },
  duration: { type: 'string', arg: 'D', help: "override the scenario's duration" },
  rate: { type: 'string', arg: 'R', help: "override the rate (the executor's overall rate, or each sender's)" },
} as const satisfies Flags;

/** How chatbench starts a server from a shell command (`--server-cmd`, the gate's `--*-cmd`). */
export const SERVER_CMD_FLAGS = {
  'server-path': { type: 'string', arg: 'PATH', help: 'the WebSocket path on a command-started server (default /)' },
  'ready-url': { type: 'string', arg: 'URL', help: 'a command-started server is ready when this answers 2xx ({port} replaced; default: when its port accepts)' },
  'ready-timeout': { type: 'string', default: '30s', arg: 'D', help: 'how long a command-started server may take to be ready (default 30s)' },
} as const satisfies Flags;

const SERVER_CMD_HELP = 'start your own server with this shell command for every run: {port} (and $PORT) is a free loopback port it must listen on; its process tree is measured, its output kept in the run directory, and it is stopped after (SIGTERM, then SIGKILL)';

// off by default: measured (npm run bench:pinning, docs/gate.md) it did not lower the spread here
const pinFlag = (dflt: 'off') => ({ type: 'string', default: dflt, arg: 'auto|on|off', help: `embedded servers on half the cores, the generator on the other half (taskset; default ${dflt}; auto: when ≥ 2 cores)` }) as const;

export const RUN_FLAGS = {
  variant: { type: 'string', arg: 'NAME', help: "server variant to start (default: the scenario's)" },
  target: { type: 'string', arg: 'ws://H:P[,…]', help: 'test running servers instead of starting one' },
  'server-cmd': { type: 'string', arg: '"CMD {port}"', help: SERVER_CMD_HELP },
  'server-cwd': { type: 'string', arg: 'DIR', help: 'the directory --server-cmd runs in (default: here)' },
  ...SERVER_CMD_FLAGS,
  out: { type: 'string', arg: 'DIR', help: 'where to write (default reports/runs/<time>-<scenario>-<variant>)' },
  json: { type: 'boolean', default: false, help: 'print the result JSON on stdout' },
  'token-key': { type: 'string', arg: 'FILE', help: 'a private JWK: clients sign RS256/ES256/EdDSA tokens (scenario auth:)' },
  pin: pinFlag('off'),
  shard: { type: 'string', arg: 'I/N|auto/N', help: "run only shard I of N (its rooms; needs --target); auto: I from JOB_COMPLETION_INDEX" },
  'start-at': { type: 'string', arg: 'TIME', help: 'begin the schedule at this wall-clock time (ISO 8601 or epoch ms): every shard alike' },
  'max-late': { type: 'string', default: '2s', arg: 'D', help: 'a shard ready later than --start-at + D fails (default 2s)' },
  'run-id': { type: 'string', arg: 'ID', help: "the shards' shared run id (default: derived from the scenario, N and --start-at)" },
  ...SCENARIO_FLAGS,
} as const satisfies Flags;

export const MERGE_FLAGS = {
  out: { type: 'string', arg: 'DIR', help: 'where to write (default reports/runs/<time>-<scenario>-<variant>-merged)' },
  json: { type: 'boolean', default: false, help: 'print the merged result JSON on stdout' },
} as const satisfies Flags;

export const COMPARE_FLAGS = {
  variants: { type: 'string', default: VARIANTS.join(','), arg: 'a,b,…', help: `variants to compare (default ${VARIANTS.join(',')})` },
  repeat: { type: 'string', default: '1', arg: 'N', help: 'rounds, interleaved; each figure is the median over them' },
  'server-cmd': { type: 'string', multiple: true, arg: '"CMD {port}"', help: 'compare servers started by these shell commands instead of variants (repeatable; see run --server-cmd)' },
  labels: { type: 'string', arg: 'a,b,…', help: 'names for the --server-cmd columns (default: command 1, command 2, …)' },
  ...SERVER_CMD_FLAGS,
  out: { type: 'string', arg: 'DIR', help: 'where to write (default reports/compare/<time>-<scenario>)' },
  pin: pinFlag('off'),
  ...SCENARIO_FLAGS,
} as const satisfies Flags;

export const GATE_FLAGS = {
  'baseline-dir': { type: 'string', arg: 'DIR', help: 'a built chatbench checkout whose server is the baseline (default: this one)' },
  'candidate-dir': { type: 'string', arg: 'DIR', help: 'the same for the candidate (default: this one)' },
  'baseline-variant': { type: 'string', arg: 'V', help: "the baseline's server variant (default: the scenario's)" },
  'candidate-variant': { type: 'string', arg: 'V', help: "the candidate's server variant (default: the scenario's)" },
  'baseline-args': { type: 'string', arg: '"…"', help: 'extra `serve` flags for the baseline' },
  'candidate-args': { type: 'string', arg: '"…"', help: 'extra `serve` flags for the candidate' },
  'baseline-cmd': { type: 'string', arg: '"CMD {port}"', help: 'your own baseline server: a shell command started for every run ({port}/$PORT: the port to listen on; see run --server-cmd)' },
  'candidate-cmd': { type: 'string', arg: '"CMD {port}"', help: 'the same for the candidate' },
  'baseline-cwd': { type: 'string', arg: 'DIR', help: 'the directory --baseline-cmd runs in (e.g. a checkout of the base branch)' },
  'candidate-cwd': { type: 'string', arg: 'DIR', help: 'the directory --candidate-cmd runs in' },
  ...SERVER_CMD_FLAGS,
  mode: { type: 'string', default: 'simultaneous', arg: 'simultaneous|sequential', help: 'simultaneous: both servers at once in every round, each under the same half of the load, a paired test on the per-round ratios (default); sequential: one at a time under the whole load, ABBA, Mann-Whitney' },
  rounds: { type: 'string', arg: 'N', help: 'rounds (default 20 simultaneous, 8 sequential)' },
  pairs: { type: 'string', arg: 'N', help: 'simultaneous rounds: N baseline and N candidate servers at once, pair by pair under the same 1/(2N) of the load; a round then averages N fresh processes per side (default 2, or 1 when the scenario has too few rooms for two; docs/gate.md, "Server pairs")' },
  alpha: { type: 'string', arg: 'A', help: 'family-wise significance level (default 0.02 simultaneous, 0.05 sequential)' },
  'no-early-stop': { type: 'boolean', default: false, help: 'simultaneous rounds: always run every round (by default the paired test also looks after a third and two thirds of the rounds, at 5% of alpha each, and stops on a regression clear there; docs/gate.md, "Stopping early")' },
  'look-spread-floor': { type: 'string', arg: 'PCT%', help: 'simultaneous rounds: the least spread of the per-round ratios an early look assumes, so that a few rounds alike by luck cannot stop a gate (default 3%; about half the ratio spread a calibration of your server reports; 0% for none)' },
  metric: { type: 'string', multiple: true, arg: 'FIG[:TOL%][:lower|higher]', help: 'a figure to gate, by catalog name or result path (repeatable; default e2e p50, e2e p99, server CPU / 1k deliveries at 10%)' },
  out: { type: 'string', arg: 'DIR', help: 'where to write (default reports/gate/<time>-<scenario>)' },
  calibrate: { type: 'string', arg: 'K', help: 'instead of one gate: K A/A gates of the baseline against itself and K against it with every delivery delayed by a proxy of ours (--inject-latency-ms); prints false alarms, detections, wall time and spreads' },
  'inject-latency-ms': { type: 'string', default: '2', arg: 'MS', help: 'the delay --calibrate injects (default 2)' },
  'fail-on': { type: 'string', default: 'regression,inconclusive', arg: 'LIST|never', help: 'which verdicts give a failing exit code (default regression,inconclusive)' },
  'github-comment': { type: 'boolean', default: false, help: 'keep one pull-request comment with the verdict current (GitHub Actions: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL); the job summary and step outputs are written whenever GITHUB_STEP_SUMMARY / GITHUB_OUTPUT are set' },
  'comment-id': { type: 'string', default: 'default', arg: 'ID', help: 'tells several gates\' comments apart on one pull request' },
  artifact: { type: 'string', arg: 'NAME', help: 'the artifact name the workflow uploads --out as (named in the comment)' },
  pin: pinFlag('off'),
  ...SCENARIO_FLAGS,
} as const satisfies Flags;

export const HISTORY_FLAGS = {
  metric: { type: 'string', multiple: true, arg: 'FIG', help: 'a figure to follow, by catalog name or result path (repeatable; default e2e p50, e2e p99, server CPU / 1k deliveries)' },
  label: { type: 'string', arg: 'L', help: 'only results with this label (the gate\'s: baseline or candidate)' },
  alpha: { type: 'string', default: '0.001', arg: 'A', help: 'significance of a change point (default 0.001)' },
  out: { type: 'string', arg: 'DIR', help: 'where to write (default reports/history/<time>)' },
} as const satisfies Flags;

export const PROFILE_FLAGS = {
  tool: { type: 'string', default: 'flame', arg: 'flame|doctor|heapprofiler|bubbleprof', help: 'the Clinic.js tool (default flame)' },
  variant: { type: 'string', arg: 'NAME', help: "server variant (default: the scenario's)" },
  'server-cmd': { type: 'string', arg: '"node … {port}"', help: 'profile your own Node.js server instead: a command that starts with `node` (Clinic.js runs it; see run --server-cmd)' },
  'server-cwd': { type: 'string', arg: 'DIR', help: 'the directory --server-cmd runs in (default: here)' },
  ...SERVER_CMD_FLAGS,
  out: { type: 'string', arg: 'DIR', help: 'where to write (default reports/profiles/<time>-<scenario>-<variant>-<tool>)' },
  ...SCENARIO_FLAGS,
} as const satisfies Flags;

export const INIT_FLAGS = {
  name: { type: 'string', default: 'chatbench', arg: 'NAME', help: 'the scenario (NAME.yaml) and workflow (.github/workflows/NAME.yml) names (default chatbench)' },
  dir: { type: 'string', default: '.', arg: 'DIR', help: 'the project directory (default: here)' },
  'no-workflow': { type: 'boolean', default: false, help: 'write only the scenario, not the GitHub Actions workflow' },
} as const satisfies Flags;

export const REPORT_FLAGS = {
  out: { type: 'string', arg: 'FILE', help: 'where to write the HTML' },
  index: { type: 'string', arg: 'DIR', help: 'an index page of every run under DIR' },
  serve: { type: 'boolean', default: false, help: 'serve the reports under a directory on http://127.0.0.1' },
  port: { type: 'string', arg: 'N', help: 'port for --serve (default: any free one)' },
} as const satisfies Flags;

export interface Command {
  name: string;
  usage: string[];
  summary: string;
  /** Exit codes beyond 0 ok, 1 failure, 2 bad usage. */
  exits?: string;
  flags: Flags | (() => string);
  load: () => Promise<(args: string[]) => Promise<number>>;
}

export const COMMANDS: Command[] = [
  {
    name: 'init',
    usage: ['chatbench init [--name NAME] [--dir DIR] [--no-workflow]'],
    summary: 'write a commented starter scenario and a GitHub Actions gate workflow (never overwrites)',
    exits: '2 a file is already there (nothing written)',
    flags: INIT_FLAGS,
    load: async () => (await import('./init.js')).init,
  },
  { name: 'serve', usage: ['chatbench serve [options]'], summary: 'run the reference chat server', flags: serverHelp, load: async () => (await import('./serve.js')).serve },
  {
    name: 'run',
    usage: ['chatbench run SCENARIO.yaml [options]'],
    summary: 'run a scenario; writes result.json and report.html',
    exits: '96 a sanity check failed (the run measured too little), 99 a threshold failed',
    flags: RUN_FLAGS,
    load: async () => (await import('./run.js')).run,
  },
  {
    name: 'merge',
    usage: ['chatbench merge SHARD_DIR|RESULT.json|DIR_OF_SHARDS … [--out DIR]'],
    summary: 'the shards of one sharded run as one result and report (histograms added, checks re-evaluated)',
    exits: '2 the parts are not one run (named), 96 a sanity check failed, 99 a threshold failed',
    flags: MERGE_FLAGS,
    load: async () => (await import('./merge.js')).merge,
  },
  {
    name: 'compare',
    usage: ['chatbench compare SCENARIO.yaml [options]', 'chatbench compare RESULT.json|RUN_DIR … [--out DIR]'],
    summary: 'a scenario against several variants, rounds interleaved (or runs already made): one grouped report and summary.md',
    exits: '96 a run failed a sanity check, 99 a threshold',
    flags: COMPARE_FLAGS,
    load: async () => (await import('./compare.js')).compare,
  },
  {
    name: 'gate',
    usage: ['chatbench gate SCENARIO.yaml [options]'],
    summary: 'performance regression gate: baseline vs candidate server, interleaved rounds, statistics, Markdown verdict',
    exits: '98 regression, 97 inconclusive',
    flags: GATE_FLAGS,
    load: async () => (await import('./gate.js')).gate,
  },
  {
    name: 'history',
    usage: ['chatbench history DIR|RESULT.json … [--metric FIG]… [--label L]'],
    summary: 'results of many commits as a trend report per figure, with change points',
    exits: '98 the newest commit starts a worse level',
    flags: HISTORY_FLAGS,
    load: async () => (await import('./history.js')).history,
  },
  {
    name: 'profile',
    usage: ['chatbench profile SCENARIO.yaml [options]'],
    summary: 'the scenario against one server run under Clinic.js',
    flags: PROFILE_FLAGS,
    load: async () => (await import('./profile.js')).profile,
  },
  {
    name: 'report',
    usage: ['chatbench report RESULT.json [RESULT.json …] [--out FILE]', 'chatbench report --index DIR [--out FILE]', 'chatbench report --serve [DIR] [--port N]'],
    summary: 'the HTML report of one run or a comparison; an index of runs; or serve them',
    flags: REPORT_FLAGS,
    load: async () => (await import('./report.js')).report,
  },
];

function flagLines(flags: Command['flags']): string {
  if (typeof flags === 'function') return flags();
  return Object.entries(flags)
    .map(([name, f]) => `      ${`--${name}${f.arg ? ` ${f.arg}` : ''}`.padEnd(34)} ${f.help}`)
    .join('\n');
}

export function usage(): string {
  const blocks = COMMANDS.map((c) => [...c.usage.map((u, i) => (i === 0 ? `  ${u.padEnd(44)} ${c.summary}` : `  ${u}`)), flagLines(c.flags), ...(c.exits ? [`      exit codes: ${c.exits}`] : [])].join('\n'));
  return `chatbench — load-testing and benchmarking harness for WebSocket chat servers\n\nusage:\n${blocks.join('\n')}\n\nexit codes of every command: 0 ok, 1 a failure (an unreachable target among them), 2 a bad command line or scenario file\n`;
}
