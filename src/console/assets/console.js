// Parley console: the only script the pages run (the Content-Security-Policy allows no other).
// It keeps a phone's conversations up to date: every element with data-live is refreshed from
// that URL twice a second while the tab is visible. The server answers escaped markup, the same
// the page itself was built with; nothing here builds HTML from data.
'use strict';

(function () {
  var INTERVAL_MS = 500;

  function keepLive(element) {
    var url = element.getAttribute('data-live');
    var last = element.innerHTML;
    var busy = false;
    function refresh() {
      if (busy || document.hidden) return;
      busy = true;
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' }, redirect: 'error' })
        .then(function (response) {
          return response.ok ? response.text() : null;
        })
        .then(function (markup) {
          // Replaced only when something changed, and never under a form the user is using.
          if (markup !== null && markup !== last && !element.contains(document.activeElement)) {
            element.innerHTML = markup;
            last = markup;
            scrollThreads(element);
          }
        })
        .catch(function () {
          // Offline or signed out: the next tick tries again.
        })
        .then(function () {
          busy = false;
        });
    }
    scrollThreads(element);
    setInterval(refresh, INTERVAL_MS);
  }

  /** Each conversation shows its newest message. */
  function scrollThreads(root) {
    var lists = root.querySelectorAll('.bubbles');
    for (var i = 0; i < lists.length; i++) lists[i].scrollTop = lists[i].scrollHeight;
  }

  function start() {
    var live = document.querySelectorAll('[data-live]');
    for (var i = 0; i < live.length; i++) keepLive(live[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
