// The script that draws a report's charts in the browser from the embedded chart data.
// Plain JavaScript kept in a string: the report is one file with no network requests.
export const CLIENT_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('chart-data').textContent);
  var palette = ['#2f6fdf', '#e0612b', '#2a9d4b', '#9b59b6', '#c0392b', '#16a085'];
  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  var axisColor = dark ? '#ccc' : '#333';
  var gridColor = dark ? '#444' : '#e5e5e5';
  var sync = uPlot.sync('runs');
  function axes(xLabel, yLabel, xOpts) {
    var x = Object.assign({ label: xLabel, stroke: axisColor, grid: { stroke: gridColor } }, xOpts || {});
    return [x, { label: yLabel, stroke: axisColor, grid: { stroke: gridColor }, size: 60 }];
  }
  function width(el) { return Math.max(320, Math.min(el.clientWidth || 900, 1100)); }
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
    };
    new uPlot(o, rows, el);
  }
  function joined(lists) {
    if (lists.length === 1) return [lists[0][0]].concat(lists[0].slice(1));
    return uPlot.join(lists);
  }
  var runs = data.runs;
  function perRun(key, suffix, dash) {
    return runs.map(function (r, i) {
      return { label: r.label + (suffix || ''), stroke: palette[i % palette.length], width: 2, dash: dash, spanGaps: true };
    });
  }
  function seriesOf(key) {
    return joined(runs.map(function (r) { return [r.series.t, r.series[key]]; }));
  }

  // Percentile distribution (HdrHistogram style): corrected solid, uncorrected dashed.
  var pl = [], ps = [];
  runs.forEach(function (r, i) {
    pl.push([r.percentiles.e2e.x, r.percentiles.e2e.y]);
    ps.push({ label: r.label + ' e2e', stroke: palette[i % palette.length], width: 2, spanGaps: true });
    pl.push([r.percentiles.e2eUncorrected.x, r.percentiles.e2eUncorrected.y]);
    ps.push({ label: r.label + ' uncorrected', stroke: palette[i % palette.length], width: 1, dash: [6, 4], spanGaps: true });
  });
  var ticks = [1, 10, 100, 1000, 10000, 100000, 1000000];
  var tickLabels = { 1: '0%', 10: '90%', 100: '99%', 1000: '99.9%', 10000: '99.99%', 100000: '99.999%', 1000000: '99.9999%' };
  chart('chart-percentiles', 'Latency by percentile', 'percentile', 'ms', ps, uPlot.join(pl), {
    scales: { x: { time: false, distr: 3 } }, noSync: true, height: 320,
    xAxis: { splits: function (u) { return ticks.filter(function (t) { return t <= u.scales.x.max * 1.0001; }); },
             values: function (u, vals) { return vals.map(function (v) { return tickLabels[v] || ''; }); } },
  });

  // two series per run from its per-second series: a solid and a dashed one
  function pairChart(id, title, unit, a, aLabel, b, bLabel) {
    var rows = [], series = [];
    runs.forEach(function (r, i) {
      var color = palette[i % palette.length];
      rows.push([r.series.t, r.series[a]]); series.push({ label: r.label + ' ' + aLabel, stroke: color, width: 2, spanGaps: true });
      rows.push([r.series.t, r.series[b]]); series.push({ label: r.label + ' ' + bLabel, stroke: color, width: 1, dash: [4, 2], spanGaps: true });
    });
    chart(id, title, 's', unit, series, uPlot.join(rows));
  }
  pairChart('chart-latency', 'e2e latency per second', 'ms', 'e2eP99', 'p99', 'e2eP50', 'p50');
  chart('chart-connections', 'Open connections', 's', 'connections', perRun(), seriesOf('connections'));
  pairChart('chart-throughput', 'Sends and deliveries per second', 'per second', 'delivered', 'deliveries/s', 'sent', 'sends/s');
  pairChart('chart-memory', 'Server memory', 'MiB', 'serverRssMiB', 'RSS', 'serverHeapMiB', 'heap');
  chart('chart-cpu', 'Server CPU', 's', '% of a core', perRun(), seriesOf('serverCpuPct'));
  pairChart('chart-loop', 'Event-loop delay p99', 'ms', 'serverLoopDelayP99Ms', 'server', 'generatorLoopDelayP99Ms', 'generator');
  chart('chart-errors', 'Errors per second', 's', 'errors', perRun(), seriesOf('errors'));

  // Memory against open connections, with each run's fitted slope in its label.
  var sc = [], scS = [];
  runs.forEach(function (r, i) {
    sc.push([r.scatter.x, r.scatter.y]);
    scS.push({ label: r.label + (r.slopeKiB === null ? '' : ' (' + r.slopeKiB + ' KiB/conn)'), stroke: palette[i % palette.length],
               paths: function () { return null; }, points: { show: true, size: 6, fill: palette[i % palette.length] } });
  });
  chart('chart-scatter', 'Server RSS vs open connections', 'connections', 'MiB', scS, uPlot.join(sc), { noSync: true });

  document.getElementById('download').addEventListener('click', function () {
    var blob = new Blob([document.getElementById('result-data').textContent], { type: 'application/json' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = data.downloadName;
    a.click();
  });
})();
`;
