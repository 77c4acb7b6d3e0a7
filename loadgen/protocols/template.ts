// Profiles are data, not a language: string templates with {placeholders}, and field equality on
// dotted paths. A template is compiled once per run into parts, so filling it per message is a
// few concatenations; a JSON template is compiled into a function that builds the frame's text.

export const PLACEHOLDERS = ['user', 'room', 'index', 'token', 'id', 'body'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type Vars = Partial<Record<Placeholder, string | number>>;

const PATTERN = /\{([a-z]+)\}/g;

/** Placeholder names a string uses that are not known (for the profile's error messages). */
export function unknownPlaceholders(s: string): string[] {
  return [...s.matchAll(PATTERN)].map((m) => m[1]!).filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n));
}

/** A string template: literal text and placeholders, filled by concatenation. */
export function compileString(s: string): (v: Vars) => string {
  const parts = s.split(PATTERN); // odd indexes are names
  if (parts.length === 1) return () => s;
  return (v) => {
    let out = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) out += String(v[parts[i] as Placeholder] ?? '') + parts[i + 1]!;
    return out;
  };
}

/** A JSON template (any JSON whose strings may hold placeholders) as a function that writes the
 * frame's text. A string that is one whole placeholder of a number ({index}, {id}) stays a number. */
export function compileJson(template: unknown): (v: Vars) => string {
  if (typeof template === 'string') {
    const whole = /^\{([a-z]+)\}$/.exec(template)?.[1];
    const fill = compileString(template);
    if (whole === 'index' || whole === 'id') return (v) => (typeof v[whole] === 'number' ? String(v[whole]) : JSON.stringify(fill(v)));
    return template.includes('{') ? (v) => JSON.stringify(fill(v)) : () => JSON.stringify(template);
  }
  if (Array.isArray(template)) {
    const items = template.map(compileJson);
    return (v) => `[${items.map((f) => f(v)).join(',')}]`;
  }
  if (template !== null && typeof template === 'object') {
    const fields = Object.entries(template).map(([k, t]) => [JSON.stringify(k), compileJson(t)] as const);
    return (v) => `{${fields.map(([k, f]) => `${k}:${f(v)}`).join(',')}}`;
  }
  const text = JSON.stringify(template);
  return () => text;
}

/** The value at a dotted path (`msg.text`, `0.text`: array indexes are path parts too). */
export function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

export function splitPath(path: string): string[] {
  return path.split('.');
}

/** A `match:` rule: every field of the pattern (dotted paths into nested objects) equals the
 * frame's. String values may be templates ({id}), filled per comparison. */
export interface Matcher {
  (frame: unknown, v?: Vars): boolean;
  /** The pattern names {id}: answers match by id, not in order. */
  readonly byId: boolean;
}

export function compileMatch(pattern: Record<string, unknown>): Matcher {
  const checks: { path: string[]; want: unknown; fill?: (v: Vars) => string }[] = [];
  const walk = (p: Record<string, unknown>, prefix: string[]) => {
    for (const [k, want] of Object.entries(p)) {
      if (want !== null && typeof want === 'object' && !Array.isArray(want)) walk(want as Record<string, unknown>, [...prefix, ...splitPath(k)]);
      else checks.push({ path: [...prefix, ...splitPath(k)], want, ...(typeof want === 'string' && want.includes('{') ? { fill: compileString(want) } : {}) });
    }
  };
  walk(pattern, []);
  const byId = checks.some((c) => typeof c.want === 'string' && c.want.includes('{id}'));
  const m = ((frame: unknown, v: Vars = {}) =>
    checks.every((c) => {
      const got = at(frame, c.path);
      if (c.fill) {
        const want = c.fill(v);
        return got === want || (typeof got === 'number' && String(got) === want);
      }
      return got === c.want;
    })) as Matcher;
  Object.defineProperty(m, 'byId', { value: byId });
  return m;
}
