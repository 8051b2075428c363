// Why: the capacity report opens offline from a file, so it draws itself: this script is inlined
// after chart.js and reads the JSON embedded by chart-data.ts. It only draws — every number is
// computed in Node.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('capacity-data').textContent);
  var ARM_COLORS = { direct: '#e8590c', meshed: '#1c7ed6' };
  var REPLICA_COLORS = ['#2f9e44', '#1971c2', '#ae3ec9', '#f08c00', '#0c8599', '#c2255c', '#5c940d', '#364fc7'];
  var SLO_COLOR = '#c92a2a';

  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#343a40';

  function msTick(value) {
    if (!(value > 0)) return '';
    var lead = value / Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
    var nice = [1, 2, 5].some(function (d) { return Math.abs(lead - d) < 1e-6; });
    return nice ? (value >= 1 ? String(Math.round(value)) : value.toPrecision(1)) + ' ms' : '';
  }

  function latencyChart(arm) {
    var canvas = document.getElementById('chart-latency-' + arm);
    if (!canvas) return;
    var curves = data.curves.filter(function (c) { return c.arm === arm; });
    var maxX = 0;
    var datasets = [];
    curves.forEach(function (c, i) {
      var color = REPLICA_COLORS[i % REPLICA_COLORS.length];
      c.points.forEach(function (p) { maxX = Math.max(maxX, p.x); });
      datasets.push({
        label: c.replicas + ' replica' + (c.replicas === 1 ? '' : 's'),
        data: c.points.map(function (p) { return { x: p.x, y: Math.max(p.y, 0.01) }; }),
        borderColor: color,
        backgroundColor: color,
        showLine: true,
        borderWidth: 2,
        pointRadius: 3,
        pointStyle: c.points.map(function (p) { return p.meets ? 'circle' : 'crossRot'; }),
      });
      if (c.knee) {
        datasets.push({
          label: 'knee, ' + c.replicas + ' replica' + (c.replicas === 1 ? '' : 's') + ' (' + Math.round(c.knee.rate) + ' rps)',
          data: [{ x: c.knee.x, y: Math.max(c.knee.y, 0.01) }],
          borderColor: '#212529',
          backgroundColor: color,
          pointStyle: 'star',
          pointRadius: 11,
          borderWidth: 2,
          showLine: false,
        });
      }
    });
    if (data.sloMs !== null) {
      datasets.push({
        label: 'SLO: ' + data.metric + ' ' + data.sloMs + ' ms',
        data: [{ x: 0, y: data.sloMs }, { x: maxX * 1.05, y: data.sloMs }],
        borderColor: SLO_COLOR,
        borderDash: [6, 4],
        borderWidth: 2,
        pointRadius: 0,
        showLine: true,
      });
    }
    new Chart(canvas, {
      type: 'scatter',
      data: { datasets: datasets },
      options: {
        parsing: false,
        plugins: { legend: { position: 'bottom', labels: { usePointStyle: true, boxHeight: 6 } } },
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: 'throughput: successful responses per second' } },
          y: { type: 'logarithmic', title: { display: true, text: data.metric + ' latency (log)' }, ticks: { callback: msTick, autoSkip: false } },
        },
      },
    });
  }

  function uslChart() {
    var canvas = document.getElementById('chart-usl');
    if (!canvas) return;
    var datasets = [];
    data.usl.forEach(function (u) {
      var color = ARM_COLORS[u.arm] || '#495057';
      if (u.curve.length > 0) {
        datasets.push({ label: u.arm + ' USL fit', data: u.curve, borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 0, showLine: true });
      }
      if (u.holdoutCurve.length > 0) {
        datasets.push({ label: u.arm + ' fitted without the largest count', data: u.holdoutCurve, borderColor: color, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, showLine: true });
      }
      datasets.push({
        label: u.arm + ' measured knees',
        data: u.measured.map(function (m) { return { x: m.x, y: m.y }; }),
        borderColor: color,
        backgroundColor: u.measured.map(function (m) { return m.fitted ? color : '#ffffff'; }),
        pointRadius: 6,
        borderWidth: 2,
        showLine: false,
      });
      if (u.holdout) {
        datasets.push({ label: u.arm + ' hold-out prediction', data: [u.holdout], borderColor: color, pointStyle: 'crossRot', pointRadius: 10, borderWidth: 3, showLine: false });
      }
    });
    new Chart(canvas, {
      type: 'scatter',
      data: { datasets: datasets },
      options: {
        parsing: false,
        plugins: { legend: { position: 'bottom', labels: { usePointStyle: true, boxHeight: 6 } } },
        scales: {
          x: { type: 'linear', min: 0, max: data.maxReplicas, ticks: { stepSize: 1 }, title: { display: true, text: 'replicas' } },
          y: { type: 'linear', min: 0, title: { display: true, text: 'SLO knee, requests per second' } },
        },
      },
    });
  }

  var arms = [];
  data.curves.forEach(function (c) { if (arms.indexOf(c.arm) < 0) arms.push(c.arm); });
  arms.forEach(latencyChart);
  uslChart();
})();
