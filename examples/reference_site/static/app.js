// The session demo: who is logged in (GET /api/dashboard/ with the session cookie), a
// note posted with the CSRF token (POST /api/notes/), and logging out (POST
// /api-auth/logout/ with the CSRF token).
'use strict';

async function whoIsLoggedIn() {
  const r = await demo.call('GET', '/api/dashboard/');
  const loggedIn = r.status === 200;
  if (loggedIn) demo.show('who', r.body.message, 'logged-in');
  else demo.show('who', 'Not logged in (' + r.status + ': ' + (r.body.detail || 'no detail') + ')', 'logged-out');
  document.getElementById('login-link').hidden = loggedIn;
  document.getElementById('logout-box').hidden = !loggedIn;
  document.getElementById('notes').hidden = !loggedIn;
  demo.showScriptCookies();
}

async function logOut() {
  await demo.call('POST', '/api-auth/logout/');
  demo.show('note-result', '');
  await whoIsLoggedIn();
}

document.getElementById('note-form').addEventListener('submit', (event) =>
  demo.postNote(event, 'note-text', 'note-result', (text) => demo.call('POST', '/api/notes/', {text})));
document.getElementById('logout').addEventListener('click', logOut);
whoIsLoggedIn();
