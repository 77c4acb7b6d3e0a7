// `chatbench profile SCENARIO.yaml --tool flame|doctor|heapprofiler|bubbleprof`: the scenario
// against one embedded server started under Clinic.js, so the profile shows the server at the load
// the scenario describes. Writes Clinic's HTML beside the run's result.json and report.html; the
// run's figures carry the profiler's overhead, so the result is labelled as profiled.
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { summaryLine } from '../loadgen/coordinator/summary.js';
import { timeStamp } from './files/write-run.js';
import { runOnce } from './run-once.js';
import { PROFILE_FLAGS } from './commands.js';
import { scenarioWithShortcuts, serverCommandOf } from './run-options.js';
import { UsageError } from './usage-error.js';

export const PROFILE_TOOLS = ['flame', 'doctor', 'heapprofiler', 'bubbleprof'] as const;

export async function profile(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: PROFILE_FLAGS,
  });
  const file = positionals[0];
  if (!file) throw new UsageError(`usage: chatbench profile SCENARIO.yaml [--tool ${PROFILE_TOOLS.join('|')}] [--variant NAME] [--out DIR]`);
  const tool = values.tool;
  if (!(PROFILE_TOOLS as readonly string[]).includes(tool)) throw new UsageError(`--tool ${tool}: expected one of ${PROFILE_TOOLS.join(', ')}`);
  const scenario = scenarioWithShortcuts(file, values);
  if (scenario.servers > 1) throw new UsageError(`${file}: profile runs one server process; the scenario asks for ${scenario.servers}`);
  const command = serverCommandOf(values['server-cmd'], values['server-cwd'], values);
  if (command && values.variant) throw new UsageError('--server-cmd profiles your own server: drop --variant');
  if (command && !/^\s*node\s/.test(command.cmd)) throw new UsageError(`--server-cmd ${command.cmd}: Clinic.js profiles a Node.js process; give the command that starts it with node (node server.js --port {port})`);
  const variant = command ? 'command' : (values.variant ?? scenario.variant);
  const out = resolve(values.out ?? join('reports', 'profiles', `${timeStamp()}-${scenario.name}-${variant}-${tool}`));
  mkdirSync(out, { recursive: true });
  const clinic = clinicBin();

  const { result, paths } = await runOnce({
    scenario,
    scenarioFile: file,
    ...(command ? {} : { variant }),
    // Clinic asks about telemetry unless NO_INSIGHT is set; its profiler writes logs to its cwd.
    // A command runs under Clinic in its own group, stopped by SIGINT as Ctrl-C would: Clinic then
    // ends the server and writes its report, which can take minutes
    server: command
      ? { command: { ...command, cmd: `${shellQuote(process.execPath)} ${shellQuote(clinic)} ${tool} --open=false --dest ${shellQuote(out)} -- ${command.cmd}`, env: { NO_INSIGHT: '1' }, stopSignal: 'SIGINT', stopGraceMs: 180_000, logDir: out } }
      : { wrapper: { argv: [process.execPath, clinic, tool, '--open=false', '--dest', out, '--'], env: { NO_INSIGHT: '1' }, cwd: out } },
    label: `profiled (clinic ${tool})`,
    out,
    ...(values.secret ? { secret: values.secret } : {}),
  });
  const html = readdirSync(out).filter((f) => f.endsWith(`.clinic-${tool}.html`));
  if (html.length === 0) throw new Error(`clinic ${tool} wrote no HTML report into ${out}; its output is above`);
  console.log(summaryLine(result));
  console.log(`profile: ${join(out, html[0]!)}`);
  console.log(`report: ${paths.report}`);
  console.log(`result: ${paths.result}`);
  console.log('(figures measured under the profiler: compare them with nothing but other profiled runs)');
  return 0;
}

/** Clinic.js is an optional peer of chatbench (most of a full install's packages are Clinic's):
 * found beside chatbench or in the project running it, or a clear way to add it. */
export function clinicBin(): string {
  for (const from of [import.meta.url, join(process.cwd(), 'package.json')]) {
    try {
      return createRequire(from).resolve('clinic/bin.js');
    } catch {
      // not here; try the next place
    }
  }
  throw new UsageError('chatbench profile runs the server under Clinic.js, which is not installed (it is optional: only `profile` needs it). Add it to the project that runs chatbench: npm install --save-dev clinic@13');
}

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
