// Plutanium's web admin: each modem's health charts. Loaded before
// admin.js, whose modem cards call healthView() and whose poll calls
// loadHealth(); drawn with uPlot (vendor/, pinned), never from markup
// strings, under the same Content-Security-Policy and Trusted Types.
'use strict';

// How often the charts are fetched again (a day of samples at the default
// one a minute is about 1,440 rows a modem: not every 10 s).
const HEALTH_POLL_MS = 30000;

let firstModems = true; // the charts are drawn once the cards are there

// name → { node, signal, traffic }: a modem's two charts (uPlot, vendored),
// kept across card refreshes and updated in place.
const healthViews = new Map();
const HEALTH_WINDOW = '24h';

function forgetHealth() {
  for (const view of healthViews.values()) {
    if (view.signal) view.signal.destroy();
    if (view.traffic) view.traffic.destroy();
  }
  healthViews.clear();
  firstModems = true;
}

function healthView(name) {
  let view = healthViews.get(name);
  if (!view) {
    const node = el('div', { class: 'health', 'data-points': 0, 'data-hours': 0 },
      el('p', { class: 'empty' }, 'No health recorded yet.'));
    view = { node, signal: null, traffic: null };
    healthViews.set(name, view);
  }
  return view;
}

/** Seconds since the epoch (uPlot's time unit) from the API's RFC 3339. */
const epochSeconds = (text) => Date.parse(text) / 1000;

function chartWidth(node) {
  const card = node.closest('article');
  return Math.max(220, (card ? card.clientWidth : 300) - 32);
}

// The time axis spans at least ten minutes (a modem just started has a
// few seconds of samples, which uPlot would otherwise stretch over years),
// ending at the newest sample.
const SIGNAL_SPAN_S = 600;

function signalChart(node, data) {
  return new uPlot({
    title: 'Signal',
    width: chartWidth(node),
    height: 140,
    legend: { live: false },
    scales: { x: { time: true, range: (u, min, max) => [Math.min(min, max - SIGNAL_SPAN_S), max] } },
    series: [
      {},
      { label: 'RSSI', scale: 'dBm', stroke: '#2457c5', width: 2, value: (u, v) => (v === null ? '–' : `${v} dBm`) },
      { label: 'RSRP', scale: 'dBm', stroke: '#7a3fc0', value: (u, v) => (v === null ? '–' : `${v} dBm`) },
      { label: 'RSRQ', scale: 'dB', stroke: '#b8741a', value: (u, v) => (v === null ? '–' : `${v} dB`) },
      { label: 'SINR', scale: 'dB', stroke: '#1a8a4a', value: (u, v) => (v === null ? '–' : `${v} dB`) },
    ],
    axes: [{}, { scale: 'dBm', size: 42 }, { scale: 'dB', side: 1, size: 36, grid: { show: false } }],
  }, data, node);
}

function trafficChart(node, data) {
  const bars = (align) => uPlot.paths.bars({ size: [0.4, 24], align });
  return new uPlot({
    title: 'Messages per hour',
    width: chartWidth(node),
    height: 110,
    legend: { live: false },
    // Half an hour either side, so the first and last bars are whole.
    scales: { x: { time: true, range: (u, min, max) => [min - 1800, max + 1800] } },
    cursor: { points: { show: false } },
    series: [
      {},
      { label: 'sent', stroke: '#2457c5', fill: '#2457c5aa', paths: bars(-1), points: { show: false } },
      { label: 'received', stroke: '#1a8a4a', fill: '#1a8a4aaa', paths: bars(1), points: { show: false } },
    ],
    axes: [{}, { size: 42 }],
  }, data, node);
}

/**
 * The hourly counts as uPlot data with every hour of the window, those
 * without messages at 0 (the API leaves them out): the bars then sit on a
 * steady axis, and a single hour is not stretched over years.
 */
function everyHour(sinceSeconds, hours) {
  const first = Math.floor(sinceSeconds / 3600) * 3600;
  const last = Math.floor(Date.now() / 3600000) * 3600;
  const counted = new Map(hours.map((h) => [epochSeconds(h.hour), h]));
  const x = [];
  const sent = [];
  const received = [];
  for (let hour = first; hour <= last; hour += 3600) {
    const h = counted.get(hour);
    x.push(hour);
    sent.push(h ? h.sent : 0);
    received.push(h ? h.received : 0);
  }
  return [x, sent, received];
}

/** Fetches and draws the health of every modem shown. */
async function loadHealth() {
  if (typeof uPlot === 'undefined') return; // its file did not load: the cards still work
  await Promise.all([...modemStates.keys()].map(async (name) => {
    let health;
    try {
      health = await api('GET', `/modems/${encodeURIComponent(name)}/health?since=${HEALTH_WINDOW}`);
    } catch {
      return; // the next poll tries again; the cards say what is wrong
    }
    const view = healthView(name);
    const samples = health.samples;
    const signal = [samples.map((p) => epochSeconds(p.at)),
      ...['signal_dbm', 'rsrp_dbm', 'rsrq_db', 'sinr_db'].map((key) => samples.map((p) => p[key]))];
    const hours = health.hourly;
    const traffic = everyHour(epochSeconds(health.since), hours);
    view.node.dataset.points = samples.filter((p) => p.signal_dbm !== null).length;
    view.node.dataset.hours = hours.length;
    if (!samples.length && !hours.length) return;
    if (view.signal) {
      view.signal.setData(signal);
      view.traffic.setData(traffic);
    } else {
      view.node.replaceChildren();
      view.signal = signalChart(view.node, signal);
      view.traffic = trafficChart(view.node, traffic);
    }
  }));
}
