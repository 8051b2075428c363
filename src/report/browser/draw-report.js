// Why: the report must open offline from a file, so it draws itself: this script is inlined into
// index.html after chart.js and reads the JSON embedded by chart-data.ts. It only draws — every
// number is computed in Node. Above every time chart a small plugin draws the conditions as one
// labelled band and each incident in its own labelled lane (so labels that start together never
// overlap), and shades the incidents lightly inside the plot.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var ARM_COLORS = { direct: '#e8590c', meshed: '#1c7ed6' };
  var FALLBACK_COLORS = ['#2f9e44', '#ae3ec9', '#f08c00', '#0c8599'];
  /** Distinct hues for services and failure reasons, none close to the arm colours. */
  var PALETTE = ['#2f9e44', '#ae3ec9', '#0c8599', '#f59f00', '#d6336c', '#5c940d', '#1864ab', '#862e9c', '#495057'];
  var DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3]];
  var NINES_LABELS = { 0: '0 %', 0.301: '50 %', 1: '90 %', 2: '99 %', 3: '99.9 %', 4: '99.99 %', 5: '99.999 %' };
  var LANE_PX = 15;
  var BAND_PX = 16;

  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#343a40';

  function armColor(arm) {
    return ARM_COLORS[arm] || FALLBACK_COLORS[data.arms.indexOf(arm) % FALLBACK_COLORS.length];
  }

  function reasonColor(reason) {
    var i = data.reasons.indexOf(reason);
    return PALETTE[(i < 0 ? data.reasons.length : i) % PALETTE.length];
  }

  function lanes(incidents) {
    return incidents.reduce(function (n, w) { return Math.max(n, w.lane + 1); }, 0);
  }

  function topPadding(incidents) {
    return (data.conditions.length > 0 ? BAND_PX : 0) + lanes(incidents) * LANE_PX + (incidents.length > 0 || data.conditions.length > 0 ? 4 : 0);
  }

  function overlays(incidents) {
    return {
      id: 'overlays',
      beforeDatasetsDraw: function (chart) {
        var area = chart.chartArea;
        var x = chart.scales.x;
        var ctx = chart.ctx;
        var top = area.top - topPadding(incidents);
        ctx.save();
        ctx.font = '11px ' + Chart.defaults.font.family;
        ctx.textBaseline = 'middle';
        if (data.conditions.length > 0) {
          // Conditions are on for the whole run: one labelled band, not a tint over the plot.
          ctx.fillStyle = 'rgba(28, 126, 214, 0.13)';
          ctx.fillRect(area.left, top, area.right - area.left, BAND_PX - 3);
          ctx.fillStyle = '#1864ab';
          var label = fitText(ctx, 'conditions (whole run): ' + data.conditions.map(function (c) { return c.name; }).join(' · '), area.right - area.left - 8);
          ctx.fillText(label, area.left + 4, top + (BAND_PX - 3) / 2);
          top += BAND_PX;
        }
        incidents.forEach(function (w) {
          var x0 = Math.max(area.left, x.getPixelForValue(w.startS));
          var x1 = Math.min(area.right, x.getPixelForValue(w.stopS));
          if (x1 < x0) return;
          var y = top + w.lane * LANE_PX;
          ctx.fillStyle = 'rgba(250, 82, 82, 0.09)';
          ctx.fillRect(x0, area.top, Math.max(1, x1 - x0), area.bottom - area.top);
          ctx.fillStyle = 'rgba(201, 42, 42, 0.85)';
          ctx.fillRect(x0, y + LANE_PX - 4, Math.max(2, x1 - x0), 3);
          ctx.fillStyle = '#c92a2a';
          ctx.fillText(fitText(ctx, w.name, Math.max(10, area.right - x0 - 4)), x0 + 2, y + (LANE_PX - 4) / 2);
        });
        ctx.restore();
      },
    };
  }

  /** Shortens `text` with an ellipsis until it fits `width` px (never squeezes the glyphs). */
  function fitText(ctx, text, width) {
    if (ctx.measureText(text).width <= width) return text;
    var t = text;
    while (t.length > 1 && ctx.measureText(t + '…').width > width) t = t.slice(0, -1);
    return t + '…';
  }

  /** Log-axis labels only at 1, 2 and 5 × 10^n, so the axis stays readable. */
  function msTick(value) {
    if (!(value > 0)) return '';
    var lead = value / Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
    var nice = [1, 2, 5].some(function (d) { return Math.abs(lead - d) < 1e-6; });
    if (!nice) return '';
    return (value >= 1 ? String(Math.round(value)) : value.toPrecision(1)) + ' ms';
  }

  function line(label, values, x, color, dash, width, extra) {
    return Object.assign({
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
      // Lines at 0 % or 100 % sit on the frame; drawing past the plot edge keeps them visible.
      clip: 6,
    }, extra || {});
  }

  function timeChart(canvasId, datasets, incidents, yTitle, yScale) {
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
        layout: { padding: { top: topPadding(incidents), right: 6 } },
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxHeight: 2, boxWidth: 26 } } },
        scales: {
          x: {
            type: 'linear',
            min: 0,
            max: Math.ceil(maxX),
            ticks: { stepSize: maxX > 40 ? 5 : maxX > 20 ? 2 : 1 },
            title: { display: true, text: 'seconds since measurement start' },
          },
          y: Object.assign({ title: { display: true, text: yTitle } }, yScale),
        },
      },
      plugins: [overlays(incidents)],
    });
  }

  /** A 0–100 % axis with room above and below, so 0 % and 100 % lines are not hidden by the frame. */
  function percentAxis() {
    return {
      min: -4,
      max: 104,
      afterBuildTicks: function (scale) {
        scale.ticks = [0, 20, 40, 60, 80, 100].map(function (v) { return { value: v }; });
      },
      ticks: { callback: function (v) { return v + ' %'; } },
    };
  }

  function drawTimeCharts(repeat) {
    var series = data.series.filter(function (s) { return s.repeat === repeat; });
    var incidents = data.incidents.filter(function (w) { return w.repeat === repeat; });
    var charts = [];

    var latency = [];
    series.forEach(function (s) {
      latency.push(line(s.arm + ' p50', s.p50, s.x, armColor(s.arm), [6, 4], 1.5));
      latency.push(line(s.arm + ' p99', s.p99, s.x, armColor(s.arm), [], 2.5));
      latency.push(line(s.arm + ' p99 all requests', s.p99All, s.x, armColor(s.arm), [1, 3], 1.2));
    });
    charts.push(timeChart('chart-latency', latency, incidents, 'latency (log)', {
      type: 'logarithmic',
      ticks: { callback: msTick, autoSkip: false },
    }));

    charts.push(timeChart('chart-success', series.map(function (s) {
      return line(s.arm, s.successPct, s.x, armColor(s.arm), [], 2.2);
    }), incidents, 'success rate (ok ÷ scheduled)', percentAxis()));

    var failures = [];
    series.forEach(function (s, armIndex) {
      data.reasons.forEach(function (reason) {
        var values = s.failurePct[reason];
        if (!values || !values.some(function (v) { return v > 0; })) return;
        failures.push(line(s.arm + ': ' + reason, values, s.x, reasonColor(reason), armIndex === 0 ? [] : [8, 4], 2));
      });
    });
    charts.push(timeChart('chart-failures', failures, incidents, '% of scheduled requests', percentAxis()));

    var amplification = [];
    series.forEach(function (s) {
      s.edges.forEach(function (e, i) {
        amplification.push(line(s.arm + ' ' + e.edge, e.amplification, s.x, armColor(s.arm), DASHES[i % DASHES.length], 2.2));
      });
    });
    charts.push(timeChart('chart-amplification', amplification, incidents, 'attempts per request', {
      min: 0,
      suggestedMax: 2,
      ticks: { callback: function (v) { return v + '×'; } },
    }));

    charts.push(timeChart('chart-goodput', series.map(function (s) {
      return line(s.arm, s.goodput, s.x, armColor(s.arm), [], 2.2);
    }), incidents, 'successful responses / s', { min: 0 }));

    // Both arms on the same scale, so a queue of 2 000 and one of 20 do not look alike.
    var depthMax = 0;
    series.forEach(function (s) {
      s.services.forEach(function (svc) {
        svc.inFlight.concat(svc.queueDepth).forEach(function (v) { depthMax = Math.max(depthMax, v); });
      });
    });
    ['direct', 'meshed'].forEach(function (arm) {
      var depth = [];
      series.filter(function (s) { return s.arm === arm; }).forEach(function (s) {
        s.services.forEach(function (svc, i) {
          var color = PALETTE[i % PALETTE.length];
          depth.push(line(svc.service + ' in flight', svc.inFlight, s.x, color, [], 2));
          if (svc.queueDepth.some(function (v) { return v > 0; })) depth.push(line(svc.service + ' queued', svc.queueDepth, s.x, color, [8, 4], 2));
        });
      });
      charts.push(timeChart('chart-depth-' + arm, depth, incidents, 'requests', { min: 0, suggestedMax: depthMax }));
    });
    return charts.filter(Boolean);
  }

  function drawPercentiles() {
    var canvas = document.getElementById('chart-percentiles');
    if (!canvas) return;
    var maxNines = 2;
    var datasets = data.percentileCurves.map(function (c) {
      c.points.forEach(function (p) { maxNines = Math.max(maxNines, p.nines); });
      return {
        label: c.arm + ' (' + c.count + ' successful requests)',
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
