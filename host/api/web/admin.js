// Plutanium's web admin. It talks to the REST API (/api/v1) with the token
// the person logs in with, kept in this tab's sessionStorage. No build step,
// no dependencies, nothing inline: the daemon's Content-Security-Policy
// allows scripts and styles from this origin only, and Trusted Types are
// enforced, so text from messages only ever reaches the page as text.
'use strict';

const TOKEN_KEY = 'plutanium.token';
const FEED_MAX = 200;
const HISTORY_PAGE = 50;
const POLL_MS = 10000;
// Relative to the page, so the admin also works behind a proxy that serves
// the daemon under a path (https://host/sms/ → https://host/sms/api/v1).
const API = 'api/v1';

const $ = (id) => document.getElementById(id);

/** An element with attributes and children (strings become text). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child !== undefined && child !== null) node.append(child);
  }
  return node;
}

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  if (signal) signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

/** A failed API call: the status and the API's `{error, field}`. */
class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.field = body && body.field;
    this.retryAfter = retryAfter;
  }
}

const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  scopes: [],
  stop: null, // AbortController of everything the app runs
  timers: [],
};

/** What a call made by a session that has ended resolves to: nothing, ever. */
const ENDED = new Promise(() => {});

/**
 * One API call with the session's token. Calls belong to the session that
 * made them: once it ends (log-out, another log-in) their answers are dropped.
 */
async function api(method, path, body) {
  const signal = session.stop ? session.stop.signal : undefined;
  const headers = { Authorization: `Bearer ${session.token()}` };
  const init = { method, headers, cache: 'no-store', signal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  let data = null;
  try {
    response = await fetch(`${API}${path}`, init);
    data = await response.json();
  } catch (error) {
    if (signal && signal.aborted) return ENDED;
    if (!response) throw error;
    data = null; // not JSON
  }
  if (signal && signal.aborted) return ENDED;
  if (!response.ok) {
    if (response.status === 401 && signal) logout('That token is no longer accepted. Log in again.');
    throw new ApiError(response.status, data, response.headers.get('Retry-After'));
  }
  return data;
}

// ---- login -----------------------------------------------------------------

function show(view) {
  $('login-view').hidden = view !== 'login';
  $('app-view').hidden = view !== 'app';
  $('logout').hidden = view !== 'app';
}

/**
 * Checks `token` and starts the app with it: null, or why not and whether
 * the token was refused (a gateway that is down refuses nothing).
 */
async function login(token) {
  endSession();
  sessionStorage.setItem(TOKEN_KEY, token);
  try {
    const me = await api('GET', '/token');
    session.scopes = me.scopes || [];
    $('who').textContent = `${me.name} · ${session.scopes.join(', ')}`;
    startApp();
    return null;
  } catch (error) {
    if (error.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      return { refused: true, message: 'That token is not valid.' };
    }
    return { refused: false, message: `The gateway did not answer: ${error.message}` };
  }
}

/** Stops everything the session runs and forgets what it showed. */
function endSession() {
  if (session.stop) session.stop.abort();
  session.stop = null;
  for (const timer of session.timers) clearInterval(timer);
  session.timers = [];
  clearTimeout(countTimer);
  clearTimeout(historyTimer);
  clearTimeout(modemsTimer);
  countSerial += 1;
  historySerial += 1;
  nextCursor = null;
  mine.clear();
  looked.clear();
  modemStates.clear();
  ussdAnswers.clear();
  forgetHealth();
  $('who').textContent = '';
  setLive('off');
  $('modems').replaceChildren();
  $('send-modem').replaceChildren(el('option', { value: '' }, 'any'));
  $('send').reset();
  $('send-count').textContent = '';
  $('send-result').textContent = '';
  delete $('send-result').dataset.id;
  $('feed').replaceChildren();
  $('feed-empty').hidden = false;
  $('history').replaceChildren();
  $('history-error').textContent = '';
  $('history-more').hidden = true;
  $('detail').replaceChildren();
  $('detail').hidden = true;
  $('connectors').replaceChildren();
  $('calls').replaceChildren();
}

function logout(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  endSession();
  $('login-error').textContent = message || '';
  $('token').value = '';
  show('login');
  $('token').focus();
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  const button = $('login').querySelector('button[type=submit]');
  if (!token || button.disabled) return;
  $('login-error').textContent = '';
  button.disabled = true;
  try {
    const problem = await login(token);
    if (problem) {
      if (problem.refused) sessionStorage.removeItem(TOKEN_KEY);
      $('login-error').textContent = problem.message;
    }
  } finally {
    button.disabled = false;
  }
});

$('logout').addEventListener('click', () => logout());

// ---- the app ---------------------------------------------------------------

function can(scope) {
  return session.scopes.includes(scope);
}

function startApp() {
  show('app');
  $('login-error').textContent = '';
  if (session.stop) session.stop.abort();
  session.stop = new AbortController();
  const { signal } = session.stop;
  $('send-button').disabled = !can('send');
  $('send-result').textContent = can('send') ? '' : 'This token cannot send (no send scope).';
  if (can('read')) {
    loadModems();
    loadConnectors();
    loadHistory(false);
    loadCalls();
    session.timers.push(setInterval(loadModems, POLL_MS), setInterval(loadConnectors, POLL_MS),
      setInterval(loadHealth, HEALTH_POLL_MS));
    streamEvents(signal);
  } else {
    $('modems').replaceChildren(el('p', { class: 'empty' }, 'This token cannot read (no read scope).'));
  }
}

// ---- modems ----------------------------------------------------------------

/** 0–4 bars from dBm, as phones draw them; null when unknown. */
function bars(dbm) {
  if (dbm === null || dbm === undefined) return null;
  if (dbm >= -73) return 4;
  if (dbm >= -83) return 3;
  if (dbm >= -93) return 2;
  if (dbm >= -109) return 1;
  return 0;
}

function signalBars(dbm) {
  const count = bars(dbm);
  const title = count === null ? 'signal unknown' : `${dbm} dBm`;
  const meter = el('span', { class: 'bars', title, role: 'img', 'aria-label': title, 'data-bars': count === null ? 'unknown' : count });
  for (let i = 1; i <= 4; i += 1) meter.append(el('span', { class: count !== null && i <= count ? 'on' : '' }));
  return meter;
}

const modemStates = new Map(); // name → state, from events between polls
const ussdAnswers = new Map(); // name → the last USSD answer shown, kept across refreshes

const ussdRunning = new Set(); // modems with a USSD code under way

function setUssdBusy(name, busy) {
  const card = document.querySelector(`article.modem[data-modem="${CSS.escape(name)}"]`);
  if (!card) return;
  for (const control of card.querySelectorAll('.ussd input, .ussd button')) control.disabled = busy;
}

function showUssd(name, text) {
  ussdAnswers.set(name, text);
  const answer = document.querySelector(`article.modem[data-modem="${CSS.escape(name)}"] .ussd-answer`);
  if (answer) answer.textContent = text;
}

function modemCard(modem) {
  const state = modem.state;
  const card = el('article', { class: 'modem', 'data-modem': modem.name, 'data-state': state },
    el('header', null,
      el('h3', null, modem.name),
      el('span', { class: 'state' }, state),
      signalBars(modem.signal_dbm)),
    el('p', { class: 'detail-line' }, [modem.operator, modem.network && modem.network.toUpperCase(), modem.registration,
      modem.sim && modem.sim !== 'ready' ? `SIM ${modem.sim.replace('_', ' ')}` : null, modem.model]
      .filter(Boolean).join(' · ') || (modem.detail || '')));
  if (modem.node !== undefined) {
    card.append(el('p', { class: 'node' }, modem.node ? `driven by node ${modem.node}` : 'no node drives it now'));
  }
  if (modem.cannot_receive) {
    card.append(el('p', { class: 'warning', role: 'status' }, `Cannot receive SMS: ${modem.cannot_receive}`));
  }
  if (modem.counters) {
    const c = modem.counters;
    card.append(el('p', { class: 'counters' },
      `sent ${c.parts_sent} · received ${c.received} · failures ${c.send_failures} · reconnects ${c.reconnects}`));
  }
  // The same chart node every refresh: redrawing it from nothing every
  // 10 s would flicker and lose the cursor.
  card.append(healthView(modem.name).node);
  if (can('send')) {
    const form = el('form', { class: 'ussd row', autocomplete: 'off' },
      el('input', { name: 'code', placeholder: 'USSD, e.g. *100#', 'aria-label': `USSD code for ${modem.name}` }),
      el('button', { type: 'submit', class: 'quiet' }, 'Run'));
    const answer = el('p', { class: 'ussd-answer', role: 'status' }, ussdAnswers.get(modem.name) || '');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const code = form.elements.code.value.trim();
      if (!code || ussdRunning.has(modem.name)) return;
      // A code can buy a bundle or move credit: one at a time per modem.
      ussdRunning.add(modem.name);
      setUssdBusy(modem.name, true);
      showUssd(modem.name, `${code}: asking the network…`);
      try {
        const result = await api('POST', `/modems/${encodeURIComponent(modem.name)}/ussd`, { code });
        showUssd(modem.name, `${code}: ${result.answer}`);
      } catch (error) {
        showUssd(modem.name, `${code}: ${error.message}`);
      } finally {
        ussdRunning.delete(modem.name);
        setUssdBusy(modem.name, false);
      }
    });
    card.append(form, answer);
    if (ussdRunning.has(modem.name)) {
      for (const control of form.querySelectorAll('input, button')) control.disabled = true;
    }
  }
  return card;
}

async function loadModems() {
  try {
    const { modems } = await api('GET', '/modems');
    const list = $('modems');
    // Keep what a person is typing into a USSD field across refreshes.
    if (list.contains(document.activeElement) && document.activeElement.tagName === 'INPUT') return;
    list.replaceChildren(...(modems.length ? modems.map(modemCard) : [el('p', { class: 'empty' }, 'No modems configured.')]));
    for (const modem of modems) modemStates.set(modem.name, modem.state);
    const select = $('send-modem');
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '' }, 'any'), ...modems.map((m) => el('option', { value: m.name }, m.name)));
    select.value = modems.some((m) => m.name === chosen) ? chosen : '';
    if (firstModems) {
      firstModems = false;
      loadHealth();
    }
  } catch (error) {
    if (error.status !== 401) $('modems').replaceChildren(el('p', { class: 'error' }, error.message));
  }
}

let modemsTimer = null;

function refreshModemsSoon() {
  clearTimeout(modemsTimer);
  modemsTimer = setTimeout(loadModems, 1000);
}
function modemChanged(event) {
  modemStates.set(event.name, event.state);
  const card = document.querySelector(`article.modem[data-modem="${CSS.escape(event.name)}"]`);
  if (card) {
    card.dataset.state = event.state;
    card.querySelector('.state').textContent = event.state;
  } else {
    loadModems();
  }
}

// ---- sending ---------------------------------------------------------------

const ALPHABETS = { gsm7: 'GSM 7-bit', ucs2: 'UCS-2', '8bit': '8-bit' };
let countSerial = 0;
let countTimer = null;

async function updateCount() {
  const text = $('send-text').value;
  const out = $('send-count');
  const serial = (countSerial += 1);
  if (!text) {
    out.textContent = '';
    return;
  }
  if (!can('read')) {
    out.textContent = `${text.length} characters`;
    return;
  }
  try {
    const count = await api('POST', '/sms/count', { text, encoding: $('send-encoding').value });
    if (serial !== countSerial) return; // an older answer
    const left = count.parts * count.per_part - count.units;
    out.dataset.parts = count.parts;
    out.dataset.encoding = count.encoding;
    out.textContent = `${ALPHABETS[count.encoding] || count.encoding} · ${count.parts} ${count.parts === 1 ? 'part' : 'parts'} · ${count.units}/${count.parts * count.per_part} (${left} left)`;
    out.classList.remove('error');
  } catch (error) {
    if (serial !== countSerial) return;
    delete out.dataset.parts;
    out.textContent = error.message;
    out.classList.add('error');
  }
}

function scheduleCount() {
  clearTimeout(countTimer);
  countTimer = setTimeout(updateCount, 150);
}

$('send-text').addEventListener('input', scheduleCount);
$('send-encoding').addEventListener('change', scheduleCount);

/** A key per message typed: a double click or a retry sends it once. */
function newKey() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
let sendKey = newKey();
$('send').addEventListener('input', (event) => {
  if (event.target.id === 'send-to' || event.target.id === 'send-text') sendKey = newKey();
});

const mine = new Map(); // out-N → {to, text} for messages sent from this page

$('send').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = $('send');
  for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
  const result = $('send-result');
  result.classList.remove('error');
  const body = {
    to: $('send-to').value.trim(),
    text: $('send-text').value,
    encoding: $('send-encoding').value,
    report: $('send-report').checked,
    flash: $('send-flash').checked,
    key: sendKey,
  };
  if ($('send-modem').value) body.modem = $('send-modem').value;
  $('send-button').disabled = true;
  try {
    const queued = await api('POST', '/messages', body);
    mine.set(queued.id, { to: queued.to || body.to, text: body.text });
    result.dataset.id = queued.id;
    result.textContent = queued.duplicate
      ? `Already queued as ${queued.id}.`
      : `Queued as ${queued.id} to ${queued.to} (${queued.parts} ${queued.parts === 1 ? 'part' : 'parts'}).`;
    $('send-text').value = '';
    clearTimeout(countTimer);
    countSerial += 1; // an answer still on its way is for the old text
    $('send-count').textContent = '';
    delete $('send-count').dataset.parts;
    delete $('send-count').dataset.encoding;
    sendKey = newKey();
    // The feed gets the `queued` event from the stream, as every other
    // admin watching does.
  } catch (error) {
    result.classList.add('error');
    let message = error.message;
    if (error.status === 429 && error.retryAfter) message += ` Try again in ${error.retryAfter} s.`;
    result.textContent = message;
    const field = error.field && form.elements[error.field];
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    }
  } finally {
    $('send-button').disabled = !can('send');
  }
});

// ---- live events -----------------------------------------------------------

function setLive(state) {
  const live = $('live');
  live.dataset.state = state;
  live.textContent = { on: 'live', off: 'offline', connecting: 'connecting…' }[state];
}

/** One Server-Sent Event block: `{type, data}`, or null for a comment. */
function parseEvent(block) {
  let type = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && /^\d+$/.test(value)) lastEventId = value;
  }
  return data.length ? { type, data: data.join('\n') } : null;
}

// The id of the last event seen: a reconnection asks for what came after
// it (`Last-Event-ID`), so a dropped stream misses nothing.
let lastEventId = null;

// EventSource cannot send an Authorization header, so the stream is read
// with fetch, resuming after the last event seen as EventSource would. The
// server sends a comment every 15 s: a stream silent for
// 45 s is dead (a laptop that slept, a NAT that forgot) and is replaced.
// It reconnects with a growing pause; only a stream that stayed up a while
// resets the pause.
const STREAM_SILENCE_MS = 45000;

async function streamEvents(signal) {
  let pause = 1000;
  while (!signal.aborted) {
    setLive('connecting');
    const connection = new AbortController();
    const stop = () => connection.abort();
    signal.addEventListener('abort', stop, { once: true });
    let silence = setTimeout(stop, STREAM_SILENCE_MS);
    const opened = Date.now();
    try {
      const headers = { Authorization: `Bearer ${session.token()}`, Accept: 'text/event-stream' };
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const response = await fetch(`${API}/events`, {
        headers,
        cache: 'no-store',
        signal: connection.signal,
      });
      if (signal.aborted) return;
      if (response.status === 401) {
        logout('That token is no longer accepted. Log in again.');
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      setLive('on');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done || signal.aborted) break;
        clearTimeout(silence);
        silence = setTimeout(stop, STREAM_SILENCE_MS);
        // CRLF, CR or LF end a line; a CR at the end of a chunk waits for
        // the next one (its LF may be there).
        buffer = (buffer + value).replace(/\r\n/g, '\n').replace(/\r(?=[\s\S])/g, '\n');
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const event = parseEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (event) dispatch(event);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch (_) {
      // dropped, refused or silent: try again below
    } finally {
      clearTimeout(silence);
      signal.removeEventListener('abort', stop);
      connection.abort();
    }
    if (signal.aborted) return;
    setLive('off');
    if (Date.now() - opened > 10000) pause = 1000;
    await sleep(pause, signal);
    pause = Math.min(pause * 2, 30000);
  }
}

function dispatch(event) {
  let data;
  try {
    data = JSON.parse(event.data);
  } catch (_) {
    return;
  }
  if (event.type === 'modem') {
    // Each (re)connection starts with every modem's state: news only if changed.
    const known = modemStates.get(data.name);
    modemChanged(data);
    if (known === data.state) return;
  }
  addFeed(event.type, data);
  if (event.type === 'sms' || event.type === 'outbound') {
    refreshHistorySoon();
    refreshModemsSoon(); // their counters
  }
  if (event.type === 'call') loadCalls();
}

const looked = new Set();

async function describeOutbound(item, data) {
  const known = mine.get(data.id);
  if (known) {
    item.querySelector('.peer').textContent = known.to;
    item.querySelector('.text').textContent = known.text;
    return;
  }
  if (!/^out-\d+$/.test(data.id) || looked.has(data.id) || !can('read')) return;
  looked.add(data.id);
  try {
    const message = await api('GET', `/messages/${data.id}`);
    mine.set(data.id, { to: message.to, text: message.text });
    for (const other of document.querySelectorAll(`#feed li[data-id="${data.id}"]`)) {
      other.querySelector('.peer').textContent = message.to;
      other.querySelector('.text').textContent = message.text;
    }
  } catch (_) {
    // the feed line stays without the number
  }
}

/** The feed line for one event: `[attributes, kind, peer, via, text]`, or null. */
function feedLine(type, data) {
  switch (type) {
    case 'sms':
      return [{ 'data-id': data.id }, 'SMS in', data.from, data.modem, data.text];
    case 'call':
      return [{}, 'Call', data.caller || 'hidden number', data.modem, ''];
    case 'outbound':
      return [{ 'data-id': data.id, 'data-status': data.status }, `SMS out · ${data.status}`, '', data.modem || '', data.detail || ''];
    case 'modem':
      return [{ 'data-state': data.state }, 'Modem', data.name, data.state, data.detail || ''];
    case 'lagged':
      return [{}, 'Missed', '', '', `${data.missed} events (this page fell behind)`];
    default:
      return null;
  }
}

function addFeed(type, data) {
  const line = feedLine(type, data);
  if (!line) return;
  const [attributes, kind, peer, via, text] = line;
  const item = el('li', { 'data-type': type, ...attributes },
    el('time', null, new Date().toISOString().slice(11, 19)),
    el('span', { class: 'kind' }, kind),
    el('span', { class: 'peer' }, peer),
    el('span', { class: 'via' }, via),
    el('span', { class: 'text' }, text));
  if (type === 'outbound') describeOutbound(item, data);
  const feed = $('feed');
  feed.prepend(item);
  while (feed.children.length > FEED_MAX) feed.lastElementChild.remove();
  $('feed-empty').hidden = true;
}

// ---- history ---------------------------------------------------------------

let nextCursor = null;
let historyTimer = null;

function historyQuery(cursor) {
  const params = new URLSearchParams({ limit: String(HISTORY_PAGE) });
  for (const name of ['q', 'direction', 'status', 'since']) {
    const value = $(`filter-${name}`).value.trim();
    if (value) params.set(name, value);
  }
  // Case never counts; accents only when asked (the API's `diacritics`).
  if (params.has('q') && $('filter-diacritics').checked) params.set('diacritics', 'ignore');
  if (params.has('status') && params.get('direction') === 'in') params.delete('direction');
  if (params.has('status') && !params.has('direction')) params.set('direction', 'out');
  if (cursor) params.set('cursor', cursor);
  return `/messages?${params}`;
}

/** `2026-11-26T09:13:44+00:00` as `2026-11-26 09:13:44`. */
function utc(time) {
  return (time || '').replace('T', ' ').replace(/(Z|\+00:00)$/, '');
}

function historyRow(message) {
  const inbound = message.direction === 'in';
  const row = el('tr', { 'data-id': message.id, tabindex: 0, role: 'button', 'aria-label': `Message ${message.id}` },
    el('td', { class: 'when' }, utc(message.at)),
    el('td', null, message.id),
    el('td', { class: 'dir', title: inbound ? 'inbound' : 'outbound' }, inbound ? '←' : '→'),
    el('td', null, inbound ? message.from : message.to),
    el('td', null, message.modem || ''),
    el('td', { class: 'status', 'data-status': message.status || 'received' }, message.status || 'received'),
    el('td', { class: 'text' }, message.text));
  const open = () => showDetail(message.id);
  row.addEventListener('click', open);
  row.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') open();
  });
  return row;
}

let historySerial = 0;

async function loadHistory(more) {
  if (more && !nextCursor) return;
  // The newest request wins; older pages come one at a time.
  const serial = (historySerial += 1);
  $('history-error').textContent = '';
  $('history-more').disabled = true;
  try {
    const page = await api('GET', historyQuery(more ? nextCursor : null));
    if (serial !== historySerial) return;
    const rows = page.messages.map(historyRow);
    if (more) $('history').append(...rows);
    else $('history').replaceChildren(...rows);
    if (!more && !rows.length) {
      $('history').append(el('tr', null, el('td', { colspan: 7, class: 'empty' }, 'No messages.')));
    }
    nextCursor = page.next_cursor;
    $('history-more').hidden = !nextCursor;
  } catch (error) {
    if (serial === historySerial) $('history-error').textContent = error.message;
  } finally {
    if (serial === historySerial) $('history-more').disabled = false;
  }
}

/** After live events, the first page again (not while paging back). */
function refreshHistorySoon() {
  if (nextCursor && $('history').children.length > HISTORY_PAGE) return;
  clearTimeout(historyTimer);
  historyTimer = setTimeout(() => loadHistory(false), 700);
}

$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  loadHistory(false);
});
for (const name of ['direction', 'status', 'since', 'diacritics']) {
  $(`filter-${name}`).addEventListener('change', () => loadHistory(false));
}
$('history-more').addEventListener('click', () => loadHistory(true));

async function showDetail(id) {
  const pane = $('detail');
  try {
    const message = await api('GET', `/messages/${encodeURIComponent(id)}`);
    const list = el('dl');
    const add = (term, value) => {
      if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return;
      list.append(el('dt', null, term), el('dd', null, Array.isArray(value) ? value.join(', ') : String(value)));
    };
    add('Id', message.id);
    add('From', message.from);
    add('To', message.to);
    add('Modem', message.modem);
    add('Status', message.status);
    add('Parts', message.parts);
    add('Message references', message.message_refs);
    add('Delivered (references)', message.delivered_refs);
    add('Attempts', message.attempts);
    add('Error', message.error);
    add('Source', message.source);
    add('Key', message.key);
    add('At', message.at);
    add('Updated', message.updated);
    for (const [name, value] of Object.entries(message.meta || {})) add(name, value);
    add('Text', message.text);
    const close = el('button', { type: 'button', class: 'quiet' }, 'Close');
    close.addEventListener('click', () => { pane.hidden = true; });
    pane.replaceChildren(el('h3', null, `Message ${message.id}`), list, close);
    pane.hidden = false;
  } catch (error) {
    pane.replaceChildren(el('p', { class: 'error' }, error.message));
    pane.hidden = false;
  }
}

// ---- calls -----------------------------------------------------------------

const CALLS_SHOWN = 20;
let callsSerial = 0;

async function loadCalls() {
  const serial = (callsSerial += 1);
  try {
    const { calls } = await api('GET', `/calls?limit=${CALLS_SHOWN}`);
    if (serial !== callsSerial) return;
    const rows = calls.map((call) => el('tr', { 'data-call': call.id },
      el('td', { class: 'when' }, utc(call.at)),
      el('td', null, call.caller || 'hidden number'),
      el('td', null, call.modem)));
    $('calls').replaceChildren(...(rows.length ? rows : [el('tr', null, el('td', { colspan: 3, class: 'empty' }, 'No calls.'))]));
  } catch (error) {
    if (serial === callsSerial && error.status !== 401) {
      $('calls').replaceChildren(el('tr', null, el('td', { colspan: 3, class: 'error' }, error.message)));
    }
  }
}

// ---- connectors ------------------------------------------------------------

async function loadConnectors() {
  try {
    const { connectors } = await api('GET', '/connectors');
    const rows = connectors.map((c) => el('tr', { 'data-connector': c.name },
      el('td', null, c.name),
      el('td', null, c.world),
      el('td', { class: 'health', 'data-healthy': String(c.healthy) }, c.healthy ? 'healthy' : 'trapping'),
      el('td', { class: 'num' }, c.calls),
      el('td', { class: 'num' }, c.errors),
      el('td', { class: 'num' }, c.traps),
      el('td', { class: 'num' }, c.restarts),
      el('td', { class: 'num' }, `${c.mean_call_ms} ms`)));
    $('connectors').replaceChildren(...(rows.length ? rows : [el('tr', null, el('td', { colspan: 8, class: 'empty' }, 'No connectors configured.'))]));
  } catch (error) {
    if (error.status !== 401) $('connectors').replaceChildren(el('tr', null, el('td', { colspan: 8, class: 'error' }, error.message)));
  }
}

// ---- start -----------------------------------------------------------------

// A tab reloaded while the gateway restarts keeps its token and tries again.
(async () => {
  const token = session.token();
  if (!token) {
    logout();
    return;
  }
  for (;;) {
    const problem = await login(token);
    if (!problem) return;
    if (problem.refused || session.token() !== token) {
      if (problem.refused) logout(problem.message);
      return;
    }
    show('login');
    $('login-error').textContent = `${problem.message}. Trying again…`;
    await sleep(5000);
    if (session.token() !== token || session.stop) return;
  }
})();
