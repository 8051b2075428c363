// Why: draws the comparison page's charts from the JSON the page embeds: per arm, each run's
// percentile curve (x in nines, log latency) and its p99 per second, one colour per run.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('compare-data').textContent);
  var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
  var NINES = { 0: 'p0', 0.301: 'p50', 1: 'p90', 2: 'p99', 3: 'p99.9', 4: 'p99.99' };
  data.arms.forEach(function (arm, i) {
    var curves = [];
    var p99 = [];
    data.runs.forEach(function (run, r) {
      var color = COLORS[r % COLORS.length];
      run.curves.filter(function (c) { return c.arm === arm; }).forEach(function (c) {
        curves.push({ label: run.label, borderColor: color, backgroundColor: color, pointRadius: 1.5, borderWidth: 2,
          data: c.points.map(function (p) { return { x: p.nines, y: Math.max(p.ms, 0.001) }; }) });
      });
      run.p99.filter(function (s) { return s.arm === arm; }).forEach(function (s) {
        p99.push({ label: run.label, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5, spanGaps: false,
          data: s.x.map(function (x, k) { return { x: x, y: s.y[k] }; }) });
      });
    });
    new Chart(document.getElementById('curves-' + i), {
      type: 'line', data: { datasets: curves },
      options: { parsing: false, plugins: { legend: { position: 'bottom' } },
        scales: { x: { type: 'linear', min: 0, title: { display: true, text: 'percentile' },
          afterBuildTicks: function (scale) { scale.ticks = Object.keys(NINES).map(Number).filter(function (v) { return v <= scale.max; }).map(function (v) { return { value: v }; }); },
          ticks: { callback: function (v) { return NINES[v] || ''; } } },
          y: { type: 'logarithmic', title: { display: true, text: 'ms (log)' } } } },
    });
    new Chart(document.getElementById('p99-' + i), {
      type: 'line', data: { datasets: p99 },
      options: { parsing: false, plugins: { legend: { position: 'bottom' } },
        scales: { x: { type: 'linear', title: { display: true, text: 's' } }, y: { title: { display: true, text: 'p99 ms' }, min: 0 } } },
    });
  });
})();
