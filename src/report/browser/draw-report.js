// Why: the report must open offline from a file, so it draws itself: this script is inlined into
// index.html after chart.js and reads the JSON embedded by chart-data.ts. It only draws — every
// number is computed in Node. Fault windows are shaded on every time chart by a tiny plugin.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var ARM_COLORS = { direct: '#e8590c', meshed: '#1c7ed6' };
  var FALLBACK_COLORS = ['#2f9e44', '#ae3ec9', '#f08c00', '#0c8599'];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
  var NINES_LABELS = { 0: '0 %', 0.301: '50 %', 1: '90 %', 2: '99 %', 3: '99.9 %', 4: '99.99 %', 5: '99.999 %' };

  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#343a40';

  function armColor(arm) {
    return ARM_COLORS[arm] || FALLBACK_COLORS[data.arms.indexOf(arm) % FALLBACK_COLORS.length];
  }

  function faultShading(windows) {
    return {
      id: 'faultShading',
      beforeDatasetsDraw: function (chart) {
        var area = chart.chartArea;
        var x = chart.scales.x;
        var ctx = chart.ctx;
        ctx.save();
        windows.forEach(function (w) {
          var x0 = Math.max(area.left, x.getPixelForValue(w.startS));
          var x1 = Math.min(area.right, x.getPixelForValue(w.stopS));
          if (x1 <= x0) return;
          ctx.fillStyle = 'rgba(250, 82, 82, 0.13)';
          ctx.fillRect(x0, area.top, x1 - x0, area.bottom - area.top);
          // The label sits in the padding above the plot, clear of the lines.
          ctx.fillStyle = '#c92a2a';
          ctx.font = '11px ' + Chart.defaults.font.family;
          ctx.textBaseline = 'bottom';
          ctx.fillText(w.name, x0 + 2, area.top - 2, Math.max(10, area.right - x0 - 4));
        });
        ctx.restore();
      },
    };
  }

  /** Log-axis labels only at 1, 2 and 5 × 10^n, so the axis stays readable. */
  function msTick(value) {
    if (!(value > 0)) return '';
    var lead = value / Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
    var nice = [1, 2, 5].some(function (d) { return Math.abs(lead - d) < 1e-6; });
    if (!nice) return '';
    return (value >= 1 ? String(Math.round(value)) : value.toPrecision(1)) + ' ms';
  }

  function line(label, values, x, color, dash, width) {
    return {
      label: label,
      data: values.map(function (v, i) { return { x: x[i], y: v }; }),
      borderColor: color,
      backgroundColor: color,
      borderDash: dash,
      borderWidth: width,
      pointRadius: 0,
      // Each value holds for its whole 1 s window, so steps change exactly at window edges.
      stepped: 'middle',
      spanGaps: false,
    };
  }

  function timeChart(canvasId, datasets, windows, yTitle, yScale) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) return null;
    var maxX = 0;
    datasets.forEach(function (d) {
      d.data.forEach(function (p) { maxX = Math.max(maxX, p.x + 0.5); });
    });
    return new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        parsing: false,
        layout: { padding: { top: windows.length > 0 ? 16 : 0 } },
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxHeight: 2 } } },
        scales: {
          x: {
            type: 'linear',
            min: 0,
            max: Math.ceil(maxX),
            ticks: { stepSize: 1 },
            title: { display: true, text: 'seconds since measurement start' },
          },
          y: Object.assign({ title: { display: true, text: yTitle } }, yScale),
        },
      },
      plugins: [faultShading(windows)],
    });
  }

  function drawTimeCharts(repeat) {
    var series = data.series.filter(function (s) { return s.repeat === repeat; });
    var windows = data.faultWindows.filter(function (w) { return w.repeat === repeat; });
    var charts = [];

    var latency = [];
    series.forEach(function (s) {
      latency.push(line(s.arm + ' p50', s.p50, s.x, armColor(s.arm), [5, 4], 1.5));
      latency.push(line(s.arm + ' p99', s.p99, s.x, armColor(s.arm), [], 2.5));
    });
    charts.push(timeChart('chart-latency', latency, windows, 'latency (log)', {
      type: 'logarithmic',
      ticks: { callback: msTick, autoSkip: false },
    }));

    charts.push(timeChart('chart-success', series.map(function (s) {
      return line(s.arm, s.successPct, s.x, armColor(s.arm), [], 2);
    }), windows, 'success rate (ok ÷ scheduled)', {
      min: 0,
      max: 100,
      ticks: { callback: function (v) { return v + ' %'; } },
    }));

    var amplification = [];
    var depth = [];
    series.forEach(function (s) {
      s.services.forEach(function (svc, i) {
        var dash = DASHES[i % DASHES.length];
        amplification.push(line(s.arm + ' → ' + svc.service, svc.amplification, s.x, armColor(s.arm), dash, 2));
        if (svc.inFlight.some(function (v) { return v > 0; })) {
          depth.push(line(s.arm + ' ' + svc.service + ' in flight', svc.inFlight, s.x, armColor(s.arm), dash, 1.5));
        }
        if (svc.queueDepth.some(function (v) { return v > 0; })) {
          depth.push(line(s.arm + ' ' + svc.service + ' queued', svc.queueDepth, s.x, armColor(s.arm), dash, 3));
        }
      });
    });
    charts.push(timeChart('chart-amplification', amplification, windows, 'arrivals ÷ client requests', {
      min: 0,
      ticks: { callback: function (v) { return v + '×'; } },
    }));
    charts.push(timeChart('chart-depth', depth, windows, 'requests', { min: 0 }));
    return charts.filter(Boolean);
  }

  function drawPercentiles() {
    var canvas = document.getElementById('chart-percentiles');
    if (!canvas) return;
    var maxNines = 2;
    var datasets = data.percentileCurves.map(function (c) {
      c.points.forEach(function (p) { maxNines = Math.max(maxNines, p.nines); });
      return {
        label: c.arm + ' (' + c.count + ' requests)',
        data: c.points.map(function (p) { return { x: p.nines, y: Math.max(p.ms, 0.001), percentile: p.percentile }; }),
        borderColor: armColor(c.arm),
        backgroundColor: armColor(c.arm),
        borderWidth: 2.5,
        pointRadius: 2,
      };
    });
    new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        parsing: false,
        layout: { padding: { right: 28 } },
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { boxHeight: 2 } },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? 'p' + items[0].raw.percentile.toPrecision(6).replace(/\.?0+$/, '') : ''; },
              label: function (item) { return item.dataset.label + ': ' + item.raw.y + ' ms'; },
            },
          },
        },
        scales: {
          x: {
            type: 'linear',
            min: 0,
            max: Math.ceil(maxNines),
            title: { display: true, text: 'percentile' },
            afterBuildTicks: function (scale) {
              scale.ticks = Object.keys(NINES_LABELS).map(Number)
                .filter(function (v) { return v <= scale.max; })
                .map(function (v) { return { value: v }; });
            },
            ticks: { callback: function (v) { return NINES_LABELS[v] || ''; } },
          },
          y: {
            type: 'logarithmic',
            title: { display: true, text: 'latency (log)' },
            ticks: { callback: msTick, autoSkip: false },
          },
        },
      },
    });
  }

  var timeCharts = drawTimeCharts(data.repeats[0]);
  var select = document.getElementById('repeat-select');
  if (select) {
    select.addEventListener('change', function () {
      timeCharts.forEach(function (c) { c.destroy(); });
      timeCharts = drawTimeCharts(Number(select.value));
    });
  }
  drawPercentiles();
})();
