#!/usr/bin/env node
// chatbench: every command lives in cli/ and is listed, with its flags and help, in
// cli/commands.ts; this file only dispatches and turns errors into a clear message and exit code.
import { UsageError } from '../cli/usage-error.js';
import { ScenarioError } from '../loadgen/scenario/scenario-error.js';
import { TargetUnreachableError } from '../loadgen/coordinator/target-unreachable.js';
import { LateStartError, ShardError } from '../loadgen/coordinator/shard.js';
import { PinningError } from '../loadgen/coordinator/pinning.js';
import { COMMANDS, usage } from '../cli/commands.js';
import { packageVersion } from '../lib/paths.js';

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    console.log(packageVersion());
    return 0;
  }
  const usageText = usage();
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usageText);
    return 0;
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(usageText);
    return command === undefined ? 2 : 0;
  }
  const found = COMMANDS.find((c) => c.name === command);
  if (!found) {
    console.error(`chatbench: unknown command ${command}\n\n${usageText}`);
    return 2;
  }
  return (await found.load())(args);
}

/** Exit 2: the command line or the scenario file is wrong (node:util parseArgs errors included). */
function isUsageProblem(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof ScenarioError || err instanceof UsageError || err instanceof ShardError || err instanceof PinningError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ScenarioError || err instanceof TargetUnreachableError || err instanceof ShardError || err instanceof LateStartError) console.error(err.message);
    else if (err instanceof Error) console.error(`chatbench: ${err.message}`);
    else console.error('chatbench:', err);
    process.exitCode = isUsageProblem(err) ? 2 : 1;
  },
);
