// The script that draws a report's charts in the browser from the embedded chart data: one hue
// per group of runs (one run is a group of one), its median as a line and the range of its runs
// as a band drawn beneath, so legends name groups and the eye finds "coroutine" by its colour.
// Plain JavaScript kept in a string: the report is one file with no network requests.
export const CLIENT_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('chart-data').textContent);
  var palette = ['#2f6fdf', '#e0612b', '#2a9d4b', '#9b59b6', '#c0392b', '#16a085'];
  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  var axisColor = dark ? '#ccc' : '#333';
  var gridColor = dark ? '#444' : '#e5e5e5';
  var sync = uPlot.sync('runs');
  var groups = data.groups;
  function color(i) { return palette[i % palette.length]; }
  function fill(i) { var c = color(i); return 'rgba(' + parseInt(c.slice(1, 3), 16) + ',' + parseInt(c.slice(3, 5), 16) + ',' + parseInt(c.slice(5, 7), 16) + ',0.18)'; }
  function axes(xLabel, yLabel, xOpts) {
    var x = Object.assign({ label: xLabel, stroke: axisColor, grid: { stroke: gridColor } }, xOpts || {});
    return [x, { label: yLabel, stroke: axisColor, grid: { stroke: gridColor }, size: 60 }];
  }
  function width(el) { return Math.max(320, Math.min(el.clientWidth || 900, 1100)); }
  // bands: [{ x: [], lo: [], hi: [], fill }] painted under the series, on the chart's scales
  function bandPlugin(bands) {
    return { hooks: { drawSeries: [function (u, si) {
      if (si !== 1) return; // once, before the lines above it
      var ctx = u.ctx;
      bands.forEach(function (b) {
        var pts = [];
        for (var i = 0; i < b.x.length; i++) if (b.lo[i] != null && b.hi[i] != null && b.hi[i] !== b.lo[i]) pts.push(i);
        if (pts.length < 2) return;
        ctx.save();
        ctx.fillStyle = b.fill;
        ctx.beginPath();
        pts.forEach(function (i, k) { var X = u.valToPos(b.x[i], 'x', true), Y = u.valToPos(b.hi[i], 'y', true); if (k) ctx.lineTo(X, Y); else ctx.moveTo(X, Y); });
        for (var k = pts.length - 1; k >= 0; k--) { var i = pts[k]; ctx.lineTo(u.valToPos(b.x[i], 'x', true), u.valToPos(b.lo[i], 'y', true)); }
        ctx.closePath();
        ctx.fill();
        ctx.restore();
      });
    }] } };
  }
  function chart(id, title, xLabel, yLabel, series, rows, opts) {
    var el = document.getElementById(id);
    if (!el) return;
    opts = opts || {};
    var o = {
      title: title, width: width(el), height: opts.height || 260,
      scales: Object.assign({ x: { time: false } }, opts.scales || {}),
      axes: axes(xLabel, yLabel, opts.xAxis),
      series: [{ label: xLabel }].concat(series),
      cursor: opts.noSync ? {} : { sync: { key: sync.key } },
      legend: { live: true },
      plugins: opts.bands ? [bandPlugin(opts.bands)] : [],
    };
    new uPlot(o, rows, el);
  }
  function table(lists) {
    if (lists.length === 1) return lists[0];
    return uPlot.join(lists);
  }
  function label(g, suffix) { return g.label + (g.runs > 1 ? ' (median of ' + g.runs + ')' : '') + (suffix ? ' ' + suffix : ''); }

  // Percentile distribution (HdrHistogram style): each group's runs merged, solid; uncorrected
  // dashed; the band spans the group's runs' own curves.
  var pl = [], ps = [], pb = [];
  groups.forEach(function (g, i) {
    var p = g.percentiles;
    pl.push([p.x, p.y]); ps.push({ label: g.label + ' e2e', stroke: color(i), width: 2, spanGaps: true });
    pl.push([p.x, p.u]); ps.push({ label: g.label + ' uncorrected', stroke: color(i), width: 1, dash: [6, 4], spanGaps: true });
    pb.push({ x: p.x, lo: p.lo, hi: p.hi, fill: fill(i) });
  });
  var ticks = [1, 10, 100, 1000, 10000, 100000, 1000000];
  var tickLabels = { 1: '0%', 10: '90%', 100: '99%', 1000: '99.9%', 10000: '99.99%', 100000: '99.999%', 1000000: '99.9999%' };
  chart('chart-percentiles', 'Latency by percentile', 'percentile', 'ms', ps, table(pl), {
    scales: { x: { time: false, distr: 3 } }, noSync: true, height: 320, bands: pb,
    xAxis: { splits: function (u) { return ticks.filter(function (t) { return t <= u.scales.x.max * 1.0001; }); },
             values: function (u, vals) { return vals.map(function (v) { return tickLabels[v] || ''; }); } },
  });

  // per-second figures: one or two lines per group (its median), and the band of its runs
  function timeChart(id, title, unit, keys) {
    var rows = [], series = [], bands = [];
    groups.forEach(function (g, i) {
      keys.forEach(function (k, n) {
        var b = g.series[k[0]];
        rows.push([g.series.t, b.m]);
        series.push({ label: label(g, k[1]), stroke: color(i), width: n ? 1 : 2, dash: n ? [4, 2] : undefined, spanGaps: true });
        bands.push({ x: g.series.t, lo: b.lo, hi: b.hi, fill: fill(i) });
      });
    });
    chart(id, title, 's', unit, series, table(rows), { bands: bands });
  }
  timeChart('chart-latency', 'e2e latency per second', 'ms', [['e2eP99', 'p99'], ['e2eP50', 'p50']]);
  timeChart('chart-connections', 'Open connections', 'connections', [['connections', '']]);
  timeChart('chart-throughput', 'Sends and deliveries per second', 'per second', [['delivered', 'deliveries/s'], ['sent', 'sends/s']]);
  timeChart('chart-memory', 'Server memory', 'MiB', [['serverRssMiB', 'RSS'], ['serverHeapMiB', 'heap']]);
  timeChart('chart-cpu', 'Server CPU', '% of a core', [['serverCpuPct', '']]);
  timeChart('chart-loop', 'Event-loop delay p99', 'ms', [['serverLoopDelayP99Ms', 'server'], ['generatorLoopDelayP99Ms', 'generator']]);
  timeChart('chart-errors', 'Errors per second', 'errors', [['errors', '']]);
  timeChart('chart-host', 'Machine stalls (steal, pressure)', '% of the second', [['hostStealPct', 'steal'], ['hostIoFullPct', 'IO full'], ['hostMemoryFullPct', 'memory full'], ['hostCpuSomePct', 'CPU some']]);

  // Memory against open connections: every run of a group in its hue, its median slope in the label.
  var sc = [], scS = [];
  groups.forEach(function (g, i) {
    sc.push([g.scatter.x, g.scatter.y]);
    scS.push({ label: g.label + (g.slopeKiB === null ? '' : ' (' + g.slopeKiB + ' KiB/conn)'), stroke: color(i),
               paths: function () { return null; }, points: { show: true, size: 6, fill: color(i) } });
  });
  chart('chart-scatter', 'Server RSS vs open connections', 'connections', 'MiB', scS, table(sc), { noSync: true });

  document.getElementById('download').addEventListener('click', function () {
    var blob = new Blob([document.getElementById('result-data').textContent], { type: 'application/json' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = data.downloadName;
    a.click();
  });
})();
`;
