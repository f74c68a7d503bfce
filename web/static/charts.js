// Draws the web view's charts with Apache ECharts (embedded, see
// vendor/). A chart's JSON comes from its element: data-chart holds it, or
// data-src names the endpoint and data-key the chart in its answer. The
// page has no inline script: the Content-Security-Policy forbids it.
(function () {
  'use strict';
  var charts = [];

  function draw(el, c) {
    if (!window.echarts || !c) { return; }
    var bars = c.kind === 'bar';
    if (bars) {
      el.style.height = Math.max(160, c.categories.length * 26 + 60) + 'px';
    }
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    var cats = bars ? c.categories.slice().reverse() : c.categories;
    chart.setOption({
      animation: false,
      title: { text: c.title || '', left: 8, top: 4, textStyle: { fontSize: 14 } },
      // Rich text tooltips are drawn, not HTML: no inline styles.
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      legend: bars ? { show: false } : { top: 4, right: 8, type: 'scroll' },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: bars ? { type: 'value', max: 100 } : { type: 'category', data: cats, boundaryGap: false },
      yAxis: bars ? { type: 'category', data: cats, axisLabel: { width: 140, overflow: 'truncate' } } : { type: 'value', minInterval: 1 },
      series: c.series.map(function (s) {
        return {
          name: s.name, type: c.kind, data: bars ? s.data.slice().reverse() : s.data,
          showSymbol: c.categories.length <= 31, label: bars ? { show: true, position: 'right' } : undefined
        };
      })
    });
    el.setAttribute('data-drawn', 'true');
    charts.push(chart);
  }

  function start() {
    document.querySelectorAll('[data-chart]').forEach(function (el) {
      try { draw(el, JSON.parse(el.getAttribute('data-chart'))); } catch (e) { el.setAttribute('data-error', String(e)); }
    });
    var wanted = {};
    document.querySelectorAll('[data-src]').forEach(function (el) {
      var src = el.getAttribute('data-src');
      (wanted[src] = wanted[src] || []).push(el);
    });
    Object.keys(wanted).forEach(function (src) {
      fetch(src, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          wanted[src].forEach(function (el) { draw(el, data[el.getAttribute('data-key')]); });
        })
        .catch(function (e) { wanted[src].forEach(function (el) { el.setAttribute('data-error', String(e)); }); });
    });
    document.querySelectorAll('[data-print]').forEach(function (b) {
      b.addEventListener('click', function () { window.print(); });
    });
    window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
