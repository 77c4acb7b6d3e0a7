// The files a report inlines (uPlot), read once from the installed package.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ReportAssets } from '../../reports/html/render.js';

export function loadAssets(): ReportAssets {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('uplot')); // …/uplot/dist/uPlot.cjs.js
  return {
    uplotJs: readFileSync(join(dir, 'uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(join(dir, 'uPlot.min.css'), 'utf8'),
  };
}
