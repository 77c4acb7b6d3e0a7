// The HTML reports in a real Chromium (Debian's, driven by playwright-core): one run, a
// comparison of the three variants, and the index; screenshots go to test-artifacts/.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../loadgen/coordinator/run.js';
import { parseScenario } from '../loadgen/scenario/parse.js';
import { loadAssets } from '../cli/files/report-assets.js';
import { renderIndex, verdictOf } from '../reports/html/index-page.js';
import { renderReport } from '../reports/html/render.js';
import { findRuns } from '../cli/files/run-files.js';
import { serveReports } from '../cli/files/serve-reports.js';
import type { Result } from '../results/schema.js';
import { writeRun } from '../cli/files/write-run.js';

const ARTIFACTS = resolve('test-artifacts');
const CHARTS = ['percentiles', 'latency', 'connections', 'throughput', 'memory', 'scatter', 'cpu', 'loop', 'errors'];
const PALETTE = [
  [47, 111, 223],
  [224, 97, 43],
  [42, 157, 75],
]; // the first three runs' colours in the report palette
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function at(r: Result, path: string): number | null {
  let v: unknown = r;
  for (const k of path.split('.')) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[k];
  return typeof v === 'number' ? v : null;
}

interface Visit {
  page: Page;
  errors: string[];
  requests: string[];
}

describe('HTML reports in Chromium', () => {
  let browser: Browser;
  const dir = join(tmpdir(), `chatbench-report-${process.pid}`);
  const results: Result[] = [];
  const files: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const variant of ['coroutine', 'callback', 'workers']) {
      const scenario = parseScenario('name: report\nclients: 40\nrampUp: 2s\nduration: 3s\ndrain: 2s\nrooms: {size: 5}\nmessageRate: 5\nthresholds: ["lost == 0"]\n', 'report.yaml');
      const r = await runScenario({ scenario, variant, log: () => {} });
      results.push(r);
      writeRun(r, join(dir, `run-${variant}`));
    }
    const assets = loadAssets();
    files.single = join(dir, 'run-coroutine', 'report.html');
    files.comparison = join(dir, 'comparison.html');
    writeFileSync(files.comparison, renderReport(results, assets));
    files.index = join(dir, 'index.html');
    writeFileSync(files.index, renderIndex(findRuns(dir, dir)));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function visit(file: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Visit> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, colorScheme, acceptDownloads: true });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    return { page, errors, requests };
  }

  /** Pixels of each chart's canvas in the colours of the first `runs` runs (lines of identical
   * runs lie on top of each other, so a comparison counts them together). */
  async function coloredPixels(page: Page, runs = 1): Promise<Record<string, number>> {
    await page.waitForFunction((n) => document.querySelectorAll('.chart canvas').length >= n, CHARTS.length);
    return page.evaluate(
      ({ charts, rgb }) => {
        const out: Record<string, number> = {};
        for (const id of charts) {
          const canvas = document.querySelector(`#chart-${id} canvas`) as HTMLCanvasElement;
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let n = 0;
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3]! === 0) continue;
            if (rgb.some((c) => Math.abs(data[i]! - c[0]!) < 40 && Math.abs(data[i + 1]! - c[1]!) < 40 && Math.abs(data[i + 2]! - c[2]!) < 40)) n++;
          }
          out[id] = n;
        }
        return out;
      },
      { charts: CHARTS, rgb: PALETTE.slice(0, runs) },
    );
  }

  it('renders one run: charts drawn, numbers equal result.json, no errors, no network', async () => {
    const { page, errors, requests } = await visit(files.single!);
    const pixels = await coloredPixels(page);
    for (const id of CHARTS) expect(pixels[id], `chart ${id}`).toBeGreaterThan(20);
    const cells = await page.$$eval('td[data-metric][data-value]', (tds) => tds.map((td) => ({ run: Number(td.getAttribute('data-run')), metric: td.getAttribute('data-metric')!, value: td.getAttribute('data-value')!, text: td.textContent! })));
    expect(cells.length).toBeGreaterThan(20);
    for (const c of cells) {
      const expected = at(results[0]!, c.metric);
      if (expected === null) expect(c.value, c.metric).toBe('');
      else expect(Number(c.value), c.metric).toBe(expected);
    }
    const p99 = cells.find((c) => c.metric === 'latencyMs.e2e.p99')!;
    expect(p99.text).toContain(results[0]!.latencyMs.e2e.p99!.toLocaleString('en-US', { maximumFractionDigits: 3 }));
    expect(await page.textContent('h1')).toContain('report on coroutine');
    expect(await page.locator('td.ok, div.ok').count()).toBeGreaterThan(0); // threshold ✓
    const download = page.waitForEvent('download');
    await page.click('#download');
    const saved = join(dir, 'downloaded.json');
    await (await download).saveAs(saved);
    expect(JSON.parse(readFileSync(saved, 'utf8'))).toEqual(JSON.parse(readFileSync(join(dir, 'run-coroutine', 'result.json'), 'utf8')));
    await page.screenshot({ path: join(ARTIFACTS, 'report-single.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${files.single}`]);
    await page.close();
  });

  it('compares three runs: three series in the percentile plot, one column each', async () => {
    const { page, errors, requests } = await visit(files.comparison!);
    const pixels = await coloredPixels(page, 3);
    for (const id of CHARTS) expect(pixels[id], `chart ${id}`).toBeGreaterThan(20);
    const labels = await page.$$eval('#chart-percentiles .u-legend .u-series .u-label', (ls) => ls.map((l) => l.textContent));
    expect(labels.filter((l) => l?.endsWith(' e2e'))).toEqual(['coroutine e2e', 'callback e2e', 'workers e2e']);
    expect(labels.filter((l) => l?.endsWith(' uncorrected'))).toHaveLength(3);
    for (const [i, r] of results.entries()) {
      const v = await page.getAttribute(`td[data-run="${i}"][data-metric="throughput.deliveredPerSec"]`, 'data-value');
      expect(Number(v)).toBe(r.throughput.deliveredPerSec);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'report-comparison.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([`file://${files.comparison}`]);
    await page.close();
    const dark = await visit(files.comparison!, 'dark');
    await coloredPixels(dark.page, 3);
    expect(await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(22, 24, 28)');
    await dark.page.screenshot({ path: join(ARTIFACTS, 'report-comparison-dark.png'), fullPage: true });
    expect(dark.errors).toEqual([]);
    await dark.page.close();
  });

  /** Pixels of one chart in each of the first three palette colours, separately. */
  async function huePixels(page: Page, id: string): Promise<number[]> {
    return page.evaluate(
      ({ id, rgb }) => {
        const canvas = document.querySelector(`#chart-${id} canvas`) as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const n = rgb.map(() => 0);
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! < 200) continue; // lines, not the translucent bands
          rgb.forEach((c, k) => {
            if (Math.abs(data[i]! - c[0]!) < 30 && Math.abs(data[i + 1]! - c[1]!) < 30 && Math.abs(data[i + 2]! - c[2]!) < 30) n[k]!++;
          });
        }
        return n;
      },
      { id, rgb: PALETTE },
    );
  }

  /** A second round of each variant: the same runs started later with other figures, so every
   * group has two different runs (the report is a pure function of results: real runs, copied). */
  function rounds(n: number): Result[] {
    return Array.from({ length: n }, (_, round) =>
      results.map((r) => ({
        ...r,
        startedAt: new Date(Date.parse(r.startedAt) + round * 60_000).toISOString(),
        throughput: { ...r.throughput, deliveredPerSec: Math.round(r.throughput.deliveredPerSec * (1 + round / 10)) },
        series: r.series.map((row) => ({ ...row, e2eP99: row.e2eP99 === null ? null : row.e2eP99 * (1 + round / 2) })),
      })),
    ).flat();
  }

  it('groups a comparison of three variants × two rounds: three columns, three hues, group legends, per-run values a click away', async () => {
    const runs = rounds(2);
    const file = join(dir, 'grouped.html');
    writeFileSync(file, renderReport(runs, loadAssets()));
    const { page, errors } = await visit(file);
    await coloredPixels(page, 3);
    expect(await page.locator('table.summary.grouped thead th[data-group]').count()).toBe(3);
    for (const [i, variant] of ['coroutine', 'callback', 'workers'].entries()) {
      const mine = runs.filter((r) => r.variant === variant).map((r) => r.throughput.deliveredPerSec);
      const v = await page.getAttribute(`table.grouped td[data-group="${i}"][data-metric="throughput.deliveredPerSec"]`, 'data-value');
      expect(Number(v), variant).toBe((mine[0]! + mine[1]!) / 2);
    }
    // one hue per group in the percentile plot and the per-second latency
    for (const id of ['percentiles', 'latency']) for (const [k, n] of (await huePixels(page, id)).entries()) expect(n, `${id}: hue ${k}`).toBeGreaterThan(20);
    const legend = await page.$$eval('#chart-latency .u-legend .u-series .u-label', (ls) => ls.map((l) => l.textContent ?? ''));
    expect(legend.filter((l) => l.endsWith(' p99'))).toEqual(['coroutine (median of 2) p99', 'callback (median of 2) p99', 'workers (median of 2) p99']);
    expect(legend.join(' ')).not.toMatch(/@|\d{2}:\d{2}:\d{2}/); // groups, not timestamps
    // the headline figures: a dot per group, the reference marked
    expect(await page.locator('figure.headline').count()).toBe(5);
    expect(await page.locator('figure.headline[data-metric="latencyMs.e2e.p99"] circle').count()).toBe(3);
    expect(await page.locator('figure.headline text.ref').first().textContent()).toBe('coroutine (ref)');
    // per-run values: hidden until asked for, then there
    const perRun = page.locator('details.per-run td[data-run="5"][data-metric="throughput.deliveredPerSec"]');
    expect(await perRun.isVisible()).toBe(false);
    await page.click('details.per-run summary');
    expect(await perRun.isVisible()).toBe(true);
    expect(Number(await perRun.getAttribute('data-value'))).toBe(runs[5]!.throughput.deliveredPerSec);
    await page.screenshot({ path: join(ARTIFACTS, 'report-grouped.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens a gate's report with its verdict table, baseline and candidate as the two groups", async () => {
    const labelled = (label: string, rs: Result[]) => rs.map((r) => ({ ...r, variant: 'coroutine', label }));
    const baseline = labelled('baseline', rounds(2).filter((r) => r.variant === 'coroutine'));
    const candidate = labelled('candidate', rounds(2).filter((r) => r.variant === 'callback'));
    const verdict = '## chatbench gate: ❌ regression\n\n- **e2e p50 +12.0% (p = 0.014)**\n\n| figure | baseline (median) | candidate (median) | verdict |\n|---|---:|---:|---|\n| e2e p50 (lower is better) | 1 ms | 1.12 ms | ❌ regressed |\n';
    const file = join(dir, 'gate.html');
    writeFileSync(file, renderReport([...baseline, ...candidate], loadAssets(), { groups: [{ label: 'baseline', results: baseline }, { label: 'candidate', results: candidate }], verdictMarkdown: verdict }));
    const { page, errors } = await visit(file);
    await coloredPixels(page, 2);
    const first = await page.evaluate(() => document.querySelector('section, table, .chart')?.getAttribute('data-section'));
    expect(first).toBe('verdict');
    expect(await page.locator('section.verdict h2').textContent()).toBe('chatbench gate: ❌ regression');
    expect(await page.locator('section.verdict table.verdict td').first().textContent()).toBe('e2e p50 (lower is better)');
    expect(await page.$$eval('table.grouped thead th[data-group]', (ths) => ths.map((th) => th.childNodes[1]?.textContent))).toEqual(['baseline', 'candidate']);
    await page.screenshot({ path: join(ARTIFACTS, 'report-gate.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('indexes the runs with links that work, and serves them on localhost', async () => {
    const { page, errors } = await visit(files.index!);
    const links = await page.$$eval('table.index a', (as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(links).toHaveLength(3);
    for (const l of links) expect(statSync(new URL(l).pathname).isFile()).toBe(true);
    for (const r of results) {
      const verdict = await page.locator(`tr[data-variant="${r.variant}"] td:last-child`).textContent();
      expect(verdict).toBe(verdictOf(r).text);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'report-index.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();

    const served = await serveReports(dir);
    try {
      const index = await (await fetch(served.url)).text();
      expect(index.match(/<tr data-scenario/g)).toHaveLength(3);
      expect((await fetch(`${served.url}run-callback/report.html`)).status).toBe(200);
      expect((await fetch(`${served.url}..%2f..%2fetc/passwd`)).status).toBe(404);
    } finally {
      await served.close();
    }
  });

  it('warns in a banner when sanity checks or thresholds failed or the generator was saturated', async () => {
    const bad: Result = {
      ...results[1]!,
      thresholds: [{ expression: 'e2e.p99 < 0.001', actual: results[1]!.latencyMs.e2e.p99, ok: false }],
      checks: [...results[1]!.checks.slice(1), { name: 'sends refused', ok: false, actual: 10, limit: '≤ 1.0% of sends', detail: '10 of 10 sends (100.0%): TOO_LARGE ×10' }],
      generator: { ...results[1]!.generator, saturated: true, saturationReasons: ['a generator process used > 90% of a core in 3 second(s)'] },
    };
    const file = join(dir, 'warned.html');
    writeFileSync(file, renderReport([bad], loadAssets()));
    const { page, errors } = await visit(file);
    expect(await page.locator('[data-banner="thresholds"]').textContent()).toContain('thresholds failed — e2e.p99 < 0.001');
    expect(await page.locator('[data-banner="saturated"]').textContent()).toContain('90% of a core');
    expect(await page.locator('[data-banner="checks"]').textContent()).toContain('sanity checks failed, this run measured too little to trust — sends refused: 10 of 10 sends');
    expect(await page.locator('td[data-metric="checks"]').getAttribute('data-failed')).toBe('1');
    expect(await page.locator('td[data-metric="thresholds"] div.bad').textContent()).toContain('✗ e2e.p99 < 0.001');
    await page.screenshot({ path: join(ARTIFACTS, 'report-warnings.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('stays under 1 MB for a 10-minute run, and for a comparison of three variants × five rounds', () => {
    const long: Result = { ...results[0]!, series: Array.from({ length: 600 }, (_, t) => ({ ...results[0]!.series[t % results[0]!.series.length]!, t })) };
    const html = renderReport([long], loadAssets());
    const sizes = {
      single: statSync(files.single!).size,
      comparison: statSync(files.comparison!).size,
      tenMinutes: Buffer.byteLength(html),
      threeVariantsFiveRounds: Buffer.byteLength(renderReport(rounds(5), loadAssets())),
    };
    writeFileSync(join(ARTIFACTS, 'report-sizes.json'), JSON.stringify(sizes, null, 2));
    expect(sizes.tenMinutes).toBeLessThan(1024 * 1024);
    expect(sizes.threeVariantsFiveRounds).toBeLessThan(1024 * 1024);
    expect(sizes.single).toBeLessThan(1024 * 1024);
  });
});
