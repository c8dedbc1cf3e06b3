// seckb serve: reloads this page when the site is rebuilt. Only `seckb serve`
// adds this script to pages; `seckb build` output never contains it.
//
// The server writes the id of the build that made this page into the script
// URL (?build=…). The event stream answers at once when the current build is
// another one (a rebuild finished while the page was loading, or the server
// restarted), and otherwise when the next build finishes.
(() => {
  const src = new URL(document.currentScript.src);
  const build = src.searchParams.get('build') || '';
  const events = new EventSource(new URL('events?build=' + encodeURIComponent(build), src));
  events.addEventListener('reload', () => {
    events.close();
    window.location.reload();
  });
})();
