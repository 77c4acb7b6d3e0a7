// `chatbench init`: a starter scenario and a GitHub Actions workflow for a project that has just
// installed chatbench. Never overwrites: a file already there is named and nothing is written.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INIT_FLAGS } from './commands.js';
import { starterScenario } from './templates/scenario-template.js';
import { starterWorkflow } from './templates/workflow-template.js';
import { UsageError } from './usage-error.js';

export async function init(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: INIT_FLAGS });
  if (positionals.length) throw new UsageError(`usage: chatbench init [--name NAME] [--dir DIR] [--no-workflow] (unexpected ${positionals.join(' ')})`);
  const name = values.name;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new UsageError(`--name ${name}: expected letters, digits, . _ - (it names the file and the scenario)`);
  const dir = resolve(values.dir);
  const scenario = join(dir, `${name}.yaml`);
  const workflow = join(dir, '.github', 'workflows', `${name}.yml`);
  const files: [string, string][] = [[scenario, starterScenario(name)]];
  if (!values['no-workflow']) files.push([workflow, starterWorkflow(relative(dir, scenario))]);
  const there = files.filter(([f]) => existsSync(f)).map(([f]) => f);
  if (there.length) {
    console.error(`chatbench init: ${there.join(' and ')} already exist${there.length === 1 ? 's' : ''}; nothing written (move ${there.length === 1 ? 'it' : 'them'} away, or pick another --name)`);
    return 2;
  }
  for (const [f, text] of files) {
    mkdirSync(dirname(f), { recursive: true });
    writeFileSync(f, text);
    console.log(`wrote ${relative(process.cwd(), f) || f}`);
  }
  console.log(`next: edit the protocol block of ${relative(process.cwd(), scenario)} to what your server speaks, then\n  npx chatbench run ${relative(process.cwd(), scenario)} --server-cmd "node server.js --port {port}"`);
  return 0;
}
