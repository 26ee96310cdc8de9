// Shared by the demo pages: reading a cookie the script may read (csrftoken), calling
// the API as JSON, and showing text safely (textContent only: nothing the server or a
// user sent is ever parsed as HTML).
'use strict';

const demo = {
  // The value of cookie `name`, or '' (only cookies without HttpOnly are visible).
  cookie(name) {
    for (const part of document.cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq >= 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
    }
    return '';
  },

  // fetch() with the page's cookies; a write sends JSON and the CSRF token, as Django
  // expects it in X-CSRFToken. Resolves to {status, body} (body {} when not JSON).
  async call(method, url, data) {
    const headers = {Accept: 'application/json'};
    const init = {method, credentials: 'same-origin', headers, redirect: 'manual'};
    if (method !== 'GET' && method !== 'HEAD') {
      headers['X-CSRFToken'] = demo.cookie('csrftoken');
      if (data !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(data);
      }
    }
    const response = await fetch(url, init);
    let body = {};
    try {
      body = await response.json();
    } catch (e) {
      body = {};
    }
    return {status: response.status, body};
  },

  show(id, text, state) {
    const el = document.getElementById(id);
    el.textContent = text;
    if (state !== undefined) el.dataset.state = state;
  },

  // Posts the note typed in `inputId` with `send(text)` (a promise of {status, body}) and
  // shows the outcome in `resultId`.
  async postNote(event, inputId, resultId, send) {
    event.preventDefault();
    const input = document.getElementById(inputId);
    const r = await send(input.value);
    if (r.status === 201) {
      demo.show(resultId, 'Created (201): ' + r.body.created, 'created');
      input.value = '';
    } else {
      demo.show(resultId, 'Refused (' + r.status + '): ' + (r.body.detail || ''), 'refused');
    }
  },

  showScriptCookies() {
    const names = document.cookie.split(';').map((c) => c.split('=')[0].trim()).filter((n) => n);
    demo.show('script-cookies', names.length ? names.join(', ') : '(none)');
  },
};
