// The server variants, in one table: each name and the module (under server/variants/) that
// exports its `start(config)`. The server, the scenario schema and the CLI all read this list:
// adding a variant is its module and one line here.
export const VARIANT_MODULES = {
  coroutine: 'coroutine.js',
  callback: 'callback.js',
  workers: 'workers/main.js',
} as const;

export type VariantName = keyof typeof VARIANT_MODULES;
export const VARIANTS = Object.keys(VARIANT_MODULES) as [VariantName, ...VariantName[]];
