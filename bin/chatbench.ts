#!/usr/bin/env node
// chatbench: serve | run | report. Each command lives in cli/; this file only dispatches and
// turns errors into a clear message and a non-zero exit.
import { UsageError } from '../cli/usage-error.js';
import { ScenarioError } from '../loadgen/scenario/parse.js';
import { TargetUnreachableError } from '../loadgen/coordinator/run.js';
import { serverHelp } from '../server/cli-options.js';
import { VARIANTS } from '../server/config.js';

const USAGE = `chatbench — load-testing and benchmarking harness for WebSocket chat servers

usage:
  chatbench serve [options]                 run the reference chat server
  chatbench run SCENARIO.yaml [options]     run a scenario; writes result.json and report.html
      --variant NAME        server variant to start (default: the scenario's)
      --target ws://H:P     test a running server instead of starting one
      --out DIR             where to write the run (default reports/runs/<time>-<scenario>-<variant>)
      --json                print the result JSON on stdout
      --token-key FILE      a private JWK: clients sign RS256/ES256/EdDSA tokens (scenario auth:)
      --clients N --duration D --rate R    override the scenario
      exit 0 ok, 99 a threshold failed, 96 a sanity check failed (the run measured too little)
  chatbench compare SCENARIO.yaml [options] run a scenario against several variants, interleaved;
                                            writes every run, one comparison report and summary.md
      --variants a,b,…      variants to compare (default: ${VARIANTS.join(',')})
      --repeat N            rounds; each figure is the median over them (default 1)
      --out DIR             where to write (default reports/compare/<time>-<scenario>)
  chatbench compare RESULT.json|RUN_DIR … [--out DIR]   the same table from runs already made
      --clients N --duration D --rate R    override the scenario
  chatbench gate SCENARIO.yaml [options]    performance regression gate: baseline vs candidate server,
                                            interleaved rounds, statistics, Markdown verdict;
                                            exit 0 pass, 98 regression, 97 inconclusive
      --baseline-dir DIR    a built chatbench checkout whose server is the baseline (default: this one)
      --candidate-dir DIR   the same for the candidate (default: this one)
      --baseline-variant V / --candidate-variant V    server variant per side (default: the scenario's)
      --baseline-args "…" / --candidate-args "…"      extra \`serve\` flags per side
      --rounds N            rounds (default 5); --alpha A (default 0.05)
      --metric PATH[:TOL%][:lower|higher]   a result.json figure to gate (repeatable; default
                            latencyMs.e2e.p50:10% latencyMs.e2e.p99:10% server.cpuMsPer1kDeliveries:10%)
      --out DIR             where to write (default reports/gate/<time>-<scenario>)
  chatbench profile SCENARIO.yaml [options] the scenario against one server run under Clinic.js
      --tool flame|doctor|heapprofiler|bubbleprof   (default flame)
      --variant NAME        --out DIR (default reports/profiles/<time>-<scenario>-<variant>-<tool>)
  chatbench report RESULT.json [...] [--out FILE]   HTML report of one run or a comparison
  chatbench report --index DIR [--out FILE]         index page of every run under DIR
  chatbench report --serve [DIR] [--port N]         serve DIR's reports on http://127.0.0.1

serve options:
${serverHelp()}
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  switch (command) {
    case 'serve':
      return (await import('../cli/serve.js')).serve(args);
    case 'run':
      return (await import('../cli/run.js')).run(args);
    case 'compare':
      return (await import('../cli/compare.js')).compare(args);
    case 'gate':
      return (await import('../cli/gate.js')).gate(args);
    case 'profile':
      return (await import('../cli/profile.js')).profile(args);
    case 'report':
      return (await import('../cli/report.js')).report(args);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`chatbench: unknown command ${command}\n\n${USAGE}`);
      return 2;
  }
}

/** Exit 2: the command line or the scenario file is wrong (node:util parseArgs errors included). */
function isUsageProblem(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof ScenarioError || err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ScenarioError || err instanceof TargetUnreachableError) console.error(err.message);
    else if (err instanceof Error) console.error(`chatbench: ${err.message}`);
    else console.error('chatbench:', err);
    process.exitCode = isUsageProblem(err) ? 2 : 1;
  },
);
