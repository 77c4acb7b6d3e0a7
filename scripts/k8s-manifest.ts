// What a Kubernetes manifest's container would run, read from the manifest itself so a test runs
// exactly that command: ${VAR} placeholders filled as `envsubst` would, then the container's
// $(VAR) references expanded from its env as the kubelet does (unknown ones left as written).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface Container {
  command: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
}

export function containerCommand(file: string, placeholders: Record<string, string>, podEnv: Record<string, string>): { argv: string[]; env: Record<string, string> } {
  const text = readFileSync(file, 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const v = placeholders[name];
    if (v === undefined) throw new Error(`${file}: no value for \${${name}}`);
    return v;
  });
  const job = parse(text) as { spec: { template: { spec: { containers: Container[] } } } };
  const c = job.spec.template.spec.containers[0]!;
  const env: Record<string, string> = { ...Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!])), ...podEnv };
  const expand = (s: string) => s.replace(/\$\((\w+)\)/g, (ref, name: string) => env[name] ?? ref);
  return { argv: [...c.command, ...(c.args ?? [])].map(expand), env };
}
