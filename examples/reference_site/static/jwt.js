// The JWT-in-cookie demo: log in (POST /api/token/cookie/ sets HttpOnly cookies), call
// the API with them, and when the access token has expired (the browser dropped its
// cookie, or the server refuses it) refresh it once (POST /api/token/cookie/refresh/,
// which reads the refresh cookie) and try again.
'use strict';

let refreshes = 0;

async function refreshAccess() {
  const r = await demo.call('POST', '/api/token/cookie/refresh/', {});
  if (r.status !== 200) return false;
  refreshes += 1;
  demo.show('refresh-count', String(refreshes));
  demo.show('access-expires', new Date(r.body.access_expires * 1000).toLocaleTimeString());
  return true;
}

// A call that refreshes the access token once when it is refused.
async function withAccess(method, url, data) {
  let r = await demo.call(method, url, data);
  if ((r.status === 401 || r.status === 403) && (await refreshAccess())) r = await demo.call(method, url, data);
  return r;
}

function setLoggedIn(loggedIn) {
  document.getElementById('login-box').hidden = loggedIn;
  document.getElementById('jwt-logout').hidden = !loggedIn;
  document.getElementById('jwt-notes').hidden = !loggedIn;
  demo.showScriptCookies();
}

async function loadProfile() {
  const r = await withAccess('GET', '/api/cookie/profile/');
  if (r.status === 200) demo.show('profile', 'Logged in as ' + r.body.username + ' (' + r.body.email + ')', 'logged-in');
  else demo.show('profile', 'Not logged in (' + r.status + ': ' + (r.body.detail || 'no detail') + ')', 'logged-out');
  setLoggedIn(r.status === 200);
}

async function logIn(event) {
  event.preventDefault();
  const r = await demo.call('POST', '/api/token/cookie/', {
    username: document.getElementById('jwt-username').value,
    password: document.getElementById('jwt-password').value,
  });
  if (r.status !== 200) {
    demo.show('login-error', r.body.detail || 'Login failed (' + r.status + ')');
    return;
  }
  demo.show('login-error', '');
  document.getElementById('jwt-password').value = '';
  demo.show('access-expires', new Date(r.body.access_expires * 1000).toLocaleTimeString());
  await loadProfile();
}

async function logOut() {
  await demo.call('POST', '/api/token/cookie/logout/', {});
  demo.show('jwt-note-result', '');
  demo.show('access-expires', 'unknown');
  await loadProfile();
}

document.getElementById('jwt-login').addEventListener('submit', logIn);
document.getElementById('jwt-note-form').addEventListener('submit', (event) =>
  demo.postNote(event, 'jwt-note-text', 'jwt-note-result', (text) => withAccess('POST', '/api/cookie/notes/', {text})));
document.getElementById('profile-reload').addEventListener('click', loadProfile);
document.getElementById('jwt-logout').addEventListener('click', logOut);
loadProfile();
