// seckb serve: reloads this page when it changes. Only `seckb serve` adds
// this script to pages; `seckb build` output never contains it.
//
// The server writes the id of this page (a hash of it, plus a generation that
// changes with stylesheets, templates and configuration) into the script URL
// (?build=…). The event stream answers `reload` as soon as the server would
// serve this address differently — at once if that happened while the page was
// loading or while the server restarted — so pages that did not change stay put.
(() => {
  const src = new URL(document.currentScript.src);
  const build = src.searchParams.get('build') || '';
  const query = `events?build=${encodeURIComponent(build)}&page=${encodeURIComponent(window.location.pathname)}`;
  const events = new EventSource(new URL(query, src));
  events.addEventListener('reload', () => {
    events.close();
    window.location.reload();
  });
})();
