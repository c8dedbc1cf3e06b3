//! `seckb serve` end to end: the real binary on a free port against a
//! temporary copy of a fixture site, spoken to over raw TCP so every request
//! goes out exactly as written (no client normalises `..` away).

use crate::common::{options, Site, NOW};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// How long any wait for an event (a line on stderr, a reload event) may
/// take before the test fails instead of hanging. Generous: a busy machine
/// makes a test slower, never failing. How fast a reload comes is measured
/// by serve-bench (benches/README.md), not asserted here.
const WAIT: Duration = Duration::from_secs(120);

/// Saves `text` as an editor does: into a hidden temporary file beside
/// `path`, renamed over it. The watcher sees one change however busy the
/// machine; a plain write truncates first, and when its bytes land after
/// the watcher's quiet time that is two edits, the first of an empty file.
fn save(path: &Path, text: &str) {
    let name = path.file_name().expect("a file").to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&temporary, text).expect("write the temporary file");
    std::fs::rename(&temporary, path).expect("rename it over the file");
}

/// Overwrites `path` in place with `text` of the same length, in one write
/// and without truncating: an in-place save, seen as one change.
fn overwrite_in_place(path: &Path, text: &str) {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("open for writing");
    assert_eq!(file.metadata().expect("metadata").len(), text.len() as u64);
    file.write_all(text.as_bytes()).expect("write in place");
}

/// A running `seckb serve`, stopped when dropped.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    address: String,
    stderr: Receiver<String>,
    /// Every stderr line read so far.
    log: Vec<String>,
}

impl Server {
    fn start(root: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seckb"))
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", "0", "--now", NOW])
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start seckb serve");
        let (lines, stderr) = channel();
        let pipe = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            address: String::new(),
            stderr,
            log: Vec::new(),
        };
        let line = server.wait_for_line("Serving http://", WAIT);
        let url = line.trim_start_matches("Serving http://");
        server.address = url.split('/').next().expect("address").to_string();
        // Edits saved before the watcher is up would go unseen.
        server.wait_for_line("watching content/", WAIT);
        server
    }

    /// Waits for a stderr line containing `text`, returning it.
    fn wait_for_line(&mut self, text: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        let start = self.log.len();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    self.log.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line with {text:?} on stderr; saw:\n{}",
                    self.log[start..].join("\n")
                ),
            }
        }
    }

    fn get(&self, path: &str) -> Response {
        request(&self.address, "GET", path)
    }

    /// Opens the reload event stream of the page at `page`, served with `id`.
    fn events(&self, page: &str, id: &str) -> Events {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        write!(
            stream,
            "GET /kb/__seckb/events?build={id}&page={page} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.address
        )
        .expect("send");
        Events { stream }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Events {
    stream: TcpStream,
}

impl Events {
    /// Waits for the `reload` event and returns the new build id.
    fn reload(mut self, within: Duration) -> String {
        let deadline = Instant::now() + within;
        let mut text = String::new();
        let mut buffer = [0u8; 4096];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "no reload event within {within:?}; got:\n{text}"
            );
            self.stream.set_read_timeout(Some(left)).expect("timeout");
            match self.stream.read(&mut buffer) {
                Ok(0) => panic!("event stream closed; got:\n{text}"),
                Ok(n) => text.push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
                Err(e) => panic!("event stream: {e}"),
            }
            if let Some(at) = text.find("event: reload\n") {
                let rest = &text[at..];
                let data = rest
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .expect("data line");
                return data.trim().to_string();
            }
        }
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The build id written into the page's reload script URL.
    fn build_id(&self) -> String {
        let at = self
            .body
            .find("__seckb/reload.js?build=")
            .expect("reload script")
            + 24;
        let end = self.body[at..].find('"').expect("end of URL") + at;
        self.body[at..end].to_string()
    }
}

/// Sends one HTTP/1.1 request with the target exactly as given.
fn request(address: &str, method: &str, target: &str) -> Response {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

/// The Content-Security-Policy meta values of a page.
fn policies(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let selector =
        scraper::Selector::parse("head meta[http-equiv=\"Content-Security-Policy\"]").unwrap();
    doc.select(&selector)
        .filter_map(|e| e.value().attr("content"))
        .map(str::to_string)
        .collect()
}

const PAGE: &str = "/kb/incidents/first/";
const DOC: &str = "content/incidents/2026-01-01-first.md";

#[test]
fn edits_reload_open_pages_and_errors_show_in_the_browser() {
    let site = Site::fixture("serve");
    let mut server = Server::start(site.root(), &[]);
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Original body zebraone."));

    let guide = "/kb/guides/network-diagram/";
    let guide_id = server.get(guide).build_id();

    // An in-place write of the body: the page alone is re-rendered at once...
    let events = server.events(PAGE, &page.build_id());
    let doc = site.path(DOC);
    let text = std::fs::read_to_string(&doc).unwrap();
    overwrite_in_place(&doc, &text.replace("zebraone", "zebratwo"));
    let id = events.reload(WAIT);
    let page = server.get(PAGE);
    assert_eq!(page.build_id(), id);
    assert!(
        page.body.contains("Original body zebratwo."),
        "{}",
        page.body
    );
    server.wait_for_line("2026-01-01-first.md changed: page re-rendered", WAIT);
    // ...and the full build that follows makes it byte for byte the same (the
    // id hashes the page), so it does not reload again; pages the edit does
    // not touch never reload.
    server.wait_for_line("2026-01-01-first.md changed: built", WAIT);
    assert_eq!(server.get(PAGE).build_id(), id);
    assert_eq!(server.get(guide).build_id(), guide_id);

    // An editor's save: a temporary file renamed over the document.
    let events = server.events(PAGE, &id);
    save(&doc, &text.replace("zebraone", "zebrathree"));
    let id = events.reload(WAIT);
    assert!(server.get(PAGE).body.contains("zebrathree"));

    // Broken front matter: every page shows the error, with file and line.
    let events = server.events(PAGE, &id);
    // Line 6 of the document loses the colon of `status: resolved`.
    save(&doc, &text.replace("status: resolved", "status resolved"));
    let mut id = events.reload(WAIT);
    let failed = loop {
        server.wait_for_line("build failed", WAIT);
        let page = server.get(PAGE);
        if !page.body.contains("error[E0001]") {
            break page;
        }
        // The full build behind the previous save was still running and
        // read the file as it changed ("changed while the site was being
        // built"); the build after it reports the front matter.
        id = server.events(PAGE, &id).reload(WAIT);
    };
    assert_eq!(failed.status, 500);
    // The error page is held to the same Content-Security-Policy as the site.
    assert_eq!(policies(&failed.body), policies(&page.body));
    assert_eq!(policies(&page.body).len(), 1);
    assert!(
        failed
            .body
            .contains("<code>content/incidents/2026-01-01-first.md:6:"),
        "{}",
        failed.body
    );
    assert!(failed.body.contains("error[E0103]"), "{}", failed.body);
    assert_eq!(failed.build_id(), id);
    let other = server.get("/kb/incidents/second/");
    assert_eq!(other.status, 500);
    assert!(other.body.contains("2026-01-01-first.md:6:"));
    // Styles of the last good build still load.
    assert_eq!(server.get("/kb/style.css").status, 200);

    // Fixed: the page comes back by itself.
    let events = server.events(PAGE, &id);
    save(&doc, &text);
    let id = events.reload(WAIT);
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert_eq!(page.build_id(), id);
    assert!(page.body.contains("Original body zebraone."));
}

/// Writes `text` to `doc` and waits until the build of it has failed.
/// Returns what serve printed for it.
fn fail_with(server: &mut Server, doc: &Path, text: &str) -> String {
    let start = server.log.len();
    save(doc, text);
    server.wait_for_line("build failed", WAIT);
    server.log[start..].join("\n")
}

/// Writes `text` back to `doc` and waits until the site builds again.
fn fix_with(server: &mut Server, doc: &Path, text: &str) {
    save(doc, text);
    server.wait_for_line("changed: built", WAIT);
}

/// The text of the file at `path`.
fn original(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// `text` with an unknown key, `severty: zebrawithheld`, on line 3 (before
/// its `id:`).
fn unknown_key(text: &str) -> String {
    text.replacen("\nid: ", "\nseverty: zebrawithheld\nid: ", 1)
}

/// Documents of the tlp fixture's `incidents` folder that the preview does
/// not publish, each with an edit that breaks it, where the error is and
/// its code.
fn withheld_cases(incidents: &Path) -> Vec<(PathBuf, String, &'static str, &'static str)> {
    let (red, draft, embargoed, public) = (
        incidents.join("2026-10-04-red.md"),
        incidents.join("2026-10-05-draft.md"),
        incidents.join("2026-10-06-embargoed.md"),
        incidents.join("2026-10-01-public.md"),
    );
    // Each file, an edit that breaks it, and where the error is.
    vec![
        // A red incident at the clear ceiling: a wrong key (line 3)...
        (
            red.clone(),
            unknown_key(&original(&red)),
            "2026-10-04-red.md:3:1",
            "E0102",
        ),
        // ...and front matter that is not YAML, so its TLP is unknown.
        (
            red.clone(),
            original(&red).replace("title: Named", "title: zebrawithheld: Named"),
            "2026-10-04-red.md:2:",
            "E0103",
        ),
        // A draft without --drafts, an embargo not lifted.
        (
            draft.clone(),
            unknown_key(&original(&draft)),
            "2026-10-05-draft.md:3:1",
            "E0102",
        ),
        (
            embargoed.clone(),
            unknown_key(&original(&embargoed)),
            "2026-10-06-embargoed.md:3:1",
            "E0102",
        ),
        // A published incident made red by the save that breaks it (the
        // fast path's re-render of such an edit is tested in serve::quick).
        (
            public.clone(),
            unknown_key(&original(&public)).replacen("\nid: ", "\ntlp: red\nid: ", 1),
            "2026-10-01-public.md:3:1",
            "E0102",
        ),
    ]
}

/// The failed build of a document the preview does not publish, as the
/// page (a 500) and the terminal (`printed`) show it: its place and code,
/// that it is not published in this preview, and nothing it holds.
fn assert_withheld(server: &Server, printed: &str, place: &str, code: &str) {
    let page = server.get("/incidents/public/");
    assert_eq!(page.status, 500, "{place}");
    for (what, shown) in [("page", page.body.as_str()), ("terminal", printed)] {
        assert!(shown.contains(place), "{what} {place}:\n{shown}");
        assert!(
            shown.contains(&format!("error[{code}]")),
            "{what} {place}:\n{shown}"
        );
        assert!(
            shown.contains("not published in this preview"),
            "{what} {place}:\n{shown}"
        );
        for quoted in ["zebrawithheld", "severty", "Named", "zebra"] {
            assert!(
                !shown.contains(quoted),
                "{what} {place} quotes {quoted}:\n{shown}"
            );
        }
    }
}

#[test]
fn errors_in_documents_the_preview_does_not_publish_show_only_where_they_are() {
    let site = Site::fixture("tlp");
    let mut server = Server::start(site.root(), &[]);
    // The embargoed incident's note names nothing but its file.
    let startup = server.log.join("\n");
    assert!(startup.contains("2026-10-06-embargoed.md"), "{startup}");
    assert!(!startup.contains("zebraembargo"), "{startup}");

    let incidents = site.root().join("content/incidents");
    for (doc, broken, place, code) in withheld_cases(&incidents) {
        let text = original(&doc);
        let printed = fail_with(&mut server, &doc, &broken);
        assert_withheld(&server, &printed, place, code);
        fix_with(&mut server, &doc, &text);
    }

    // A published document's error is shown in full: its line and the message.
    let public = incidents.join("2026-10-01-public.md");
    let text = original(&public);
    let printed = fail_with(&mut server, &public, &unknown_key(&text));
    let page = server.get("/incidents/public/");
    for shown in [&page.body, &printed] {
        assert!(shown.contains("3 | severty: zebrawithheld"), "{shown}");
        assert!(shown.contains("unknown key `severty`"), "{shown}");
    }
    fix_with(&mut server, &public, &text);
    drop(server);

    // With --drafts the preview publishes the draft: its error is shown in full.
    let mut server = Server::start(site.root(), &["--drafts"]);
    let draft = incidents.join("2026-10-05-draft.md");
    let text = original(&draft);
    fail_with(&mut server, &draft, &unknown_key(&text));
    let page = server.get("/incidents/public/");
    assert!(
        page.body.contains("3 | severty: zebrawithheld"),
        "{}",
        page.body
    );
}

#[test]
fn a_page_from_an_older_build_reloads_at_once() {
    let site = Site::fixture("serve");
    let server = Server::start(site.root(), &[]);
    let id = server.events(PAGE, "an-older-build").reload(WAIT);
    assert_eq!(id, server.get(PAGE).build_id());
}

#[test]
fn serves_the_site_under_its_base_path_like_github_pages() {
    let site = Site::fixture("serve");
    let server = Server::start(site.root(), &[]);
    let home = server.get("/kb/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    // Links point at the served origin and base path.
    assert!(home
        .body
        .contains(&format!("http://{}/kb/", server.address)));
    assert!(home.body.contains("href=\"/kb/incidents/\""));

    for (path, location) in [("/kb", "/kb/"), ("/kb/incidents", "/kb/incidents/")] {
        let r = server.get(path);
        assert_eq!(r.status, 301, "{path}");
        assert_eq!(r.header("location"), Some(location), "{path}");
    }
    // Outside the base path, and unknown paths: the site's 404 page.
    for path in ["/", "/index.html", "/kb/no-such-page/", "/kb/incidents/zzz"] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.body.contains("Page not found"), "{path}");
        assert!(r.body.contains("__seckb/reload.js?build="), "{path}");
    }
    for (path, kind) in [
        ("/kb/style.css", "text/css; charset=utf-8"),
        ("/kb/site.js", "text/javascript; charset=utf-8"),
        ("/kb/api/incidents.json", "application/json"),
        ("/kb/atom.xml", "application/xml"),
        ("/kb/favicon.svg", "image/svg+xml"),
        ("/kb/guides/diagram.png", "image/png"),
        ("/kb/robots.txt", "text/plain; charset=utf-8"),
        ("/kb/__seckb/reload.js", "text/javascript; charset=utf-8"),
        ("/kb/__seckb/preview.css", "text/css; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(kind), "{path}");
    }
    let png = server.get("/kb/guides/diagram.png");
    assert_eq!(png.header("content-length"), Some("69"));

    let head = request(&server.address, "HEAD", PAGE);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let length: usize = head.header("content-length").unwrap().parse().unwrap();
    assert_eq!(length, server.get(PAGE).body.len());
}

#[test]
fn redirects_never_leave_the_server() {
    let site = Site::fixture("serve");
    let server = Server::start(site.root(), &[]);
    // Extra leading slashes are collapsed: `//kb/incidents` is not the host `kb`.
    for (target, location) in [
        ("//kb/incidents", "/kb/incidents/"),
        ("///kb/incidents", "/kb/incidents/"),
        ("//kb", "/kb/"),
        ("////kb", "/kb/"),
        (
            "//kb/incidents?next=//evil.com",
            "/kb/incidents/?next=//evil.com",
        ),
    ] {
        let r = server.get(target);
        assert_eq!(r.status, 301, "{target}");
        assert_eq!(r.header("location"), Some(location), "{target}");
    }
    // Whatever is asked, a Location resolves, as a browser resolves it, to
    // this server.
    let origin = url::Url::parse(&format!("http://{}/kb/", server.address)).unwrap();
    let targets = [
        "//evil.com",
        "///evil.com",
        "//evil.com/kb/incidents",
        "/\\evil.com",
        "/\\/evil.com",
        "/%5Cevil.com",
        "/%5C%5Cevil.com",
        "/%2F%2Fevil.com",
        "/%2f%2fevil.com",
        "/%2F/evil.com",
        "/kb/%2F%2Fevil.com",
        "/kb//evil.com",
        "//%2F/kb/incidents",
        "/%09/evil.com",
        "/%0A/evil.com",
        "/%252F%252Fevil.com",
        "//kb/%2e%2e//evil.com",
        "///kb",
        "//kb/incidents/../../evil.com",
    ];
    for target in targets {
        let r = server.get(target);
        let Some(location) = r.header("location") else {
            assert!(matches!(r.status, 400 | 404), "{target}: {}", r.status);
            continue;
        };
        let resolved = origin.join(location).unwrap();
        assert_eq!(resolved.origin(), origin.origin(), "{target} -> {location}");
        assert!(location.starts_with('/'), "{target} -> {location}");
        assert!(
            !location[1..].starts_with(['/', '\\']),
            "{target} -> {location}"
        );
    }
}

#[test]
fn serve_answers_for_the_files_published_pages_use_and_no_others() {
    let site = Site::fixture("serve");
    let incidents = site.root().join("content/incidents");
    std::fs::write(
        incidents.join("red.md"),
        "---\ntitle: Red\ndate: 2026-01-03\nseverity: high\ntlp: red\n---\n![e](red-evidence.png)\n",
    )
    .unwrap();
    std::fs::write(
        incidents.join("red-evidence.png"),
        "red-evidence-marker-7e11",
    )
    .unwrap();
    std::fs::write(incidents.join("unused.txt"), "unused-marker-3a05").unwrap();
    let server = Server::start(site.root(), &[]);
    assert_eq!(server.get("/kb/guides/diagram.png").status, 200);
    for target in ["/kb/incidents/red-evidence.png", "/kb/incidents/unused.txt"] {
        let r = server.get(target);
        assert_eq!(r.status, 404, "{target}");
        assert!(!r.body.contains("-marker-"), "{target}");
    }
    drop(server);
    // At a ceiling that publishes the red incident, its file is served.
    let server = Server::start(site.root(), &["--tlp", "red"]);
    let r = server.get("/kb/incidents/red-evidence.png");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("red-evidence-marker-7e11"));
}

#[test]
fn traversal_never_leaves_the_built_site() {
    let site = Site::fixture("serve");
    // A file in the site folder that the build does not publish.
    let outside = site.root().join("outside.txt");
    std::fs::write(&outside, "outside-marker-91c2").unwrap();
    let server = Server::start(site.root(), &[]);
    let absolute_config = site.root().join("seckb.yaml");
    let absolute_form = format!("http://{}/kb/../seckb.yaml", server.address);
    let targets = [
        "/../seckb.yaml",
        "/%2e%2e/seckb.yaml",
        "/..%2fseckb.yaml",
        "/kb/../seckb.yaml",
        "/kb/../../seckb.yaml",
        "/kb/%2e%2e/seckb.yaml",
        "/kb/%2E%2E/%2E%2E/seckb.yaml",
        "/kb/..%2fseckb.yaml",
        "/kb/..%2Foutside.txt",
        "/kb/..%5cseckb.yaml",
        "/kb/incidents/%2e%2e/%2e%2e/seckb.yaml",
        "/kb/seckb.yaml",
        "/kb/content/incidents/2026-01-01-first.md",
        "/kb/%00",
        "/kb/index.html%00.png",
        "/etc/passwd",
        "/kb/etc/passwd",
        "//etc/passwd",
        "/kb//etc/passwd",
        absolute_config.to_str().unwrap(),
        &absolute_form,
    ];
    for target in targets {
        let r = request(&server.address, "GET", target);
        assert!(r.status == 400 || r.status == 404, "{target}: {}", r.status);
        assert!(!r.body.contains("serve-config-marker-4b1d"), "{target}");
        assert!(!r.body.contains("outside-marker-91c2"), "{target}");
        assert!(!r.body.contains("root:"), "{target}");
        assert!(!r.body.contains("status: resolved"), "{target}");
    }
    // The server is still up and serving.
    assert_eq!(server.get("/kb/").status, 200);
}

#[test]
#[ignore = "waits out serve's 10 s request-head timeout (serve::http's unit tests use a short one): run by scripts/test.sh with --ignored"]
fn a_request_head_that_never_finishes_is_cut_off() {
    let site = Site::fixture("serve");
    let server = Server::start(site.root(), &[]);
    // The server's timeout is 10 s (shorter ones are tested in-process).
    let mut stream = TcpStream::connect(&server.address).expect("connect");
    stream.write_all(b"GET /kb/inc").expect("send");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let start = Instant::now();
    let mut rest = Vec::new();
    let read = stream.read_to_end(&mut rest);
    let waited = start.elapsed();
    let still_open = matches!(&read, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut));
    assert!(!still_open, "still open after {waited:?}");
    assert!(waited < Duration::from_secs(20), "closed after {waited:?}");
    assert_eq!(server.get("/kb/").status, 200);
}

#[test]
fn only_get_and_head_are_allowed() {
    let site = Site::fixture("serve");
    let server = Server::start(site.root(), &[]);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let r = request(&server.address, method, "/kb/");
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"), "{method}");
    }
}

#[test]
fn drafts_embargoes_and_tlp_show_banners_only_in_serve() {
    let site = Site::fixture("tlp");
    let server = Server::start(site.root(), &["--drafts", "--tlp", "red"]);
    // The tlp fixture is served at / (its base_url has no path).
    let get = |path: &str| {
        let r = request(&server.address, "GET", path);
        assert_eq!(r.status, 200, "{path}");
        r.body
    };
    let draft = get("/incidents/draft/");
    assert!(draft.contains("<p class=\"seckb-banner seckb-draft\"><strong>DRAFT</strong>"));
    let embargoed = get("/incidents/embargoed/");
    assert!(embargoed.contains("<strong>EMBARGOED until 2026-12-01T09:00:00Z</strong>"));
    let red = get("/incidents/red/");
    assert!(red.contains("seckb-tlp-red\"><strong>TLP:RED</strong>"));
    assert!(red.contains("href=\"/__seckb/preview.css\""));
    let public = get("/incidents/public/");
    assert!(!public.contains("seckb-banner"));
    assert!(public.contains("/__seckb/reload.js?build="));
    drop(server);

    // Without --drafts, drafts and embargoed documents are not served.
    let server = Server::start(site.root(), &[]);
    let r = request(&server.address, "GET", "/incidents/draft/");
    assert_eq!(r.status, 404);
    let r = request(&server.address, "GET", "/incidents/embargoed/");
    assert_eq!(r.status, 404);
}

#[test]
fn built_sites_have_no_trace_of_the_preview() {
    let site = Site::fixture("tlp");
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    crate::common::built(&seckb::BuildOptions {
        output: Some(output.clone()),
        drafts: true,
        tlp: Some(seckb::content::Tlp::Red),
        ..options(site.root())
    });
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&output) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(entry.path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for trace in ["__seckb", "seckb-banner", "seckb-preview", "EventSource"] {
            assert!(
                !text.contains(trace),
                "{} contains {trace}",
                entry.path().display()
            );
        }
    }
    assert!(files > 20);
    assert!(!output.join("__seckb").exists());
}

#[test]
fn a_port_in_use_moves_to_the_next_free_one() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = Site::fixture("serve");
    let mut child = Command::new(env!("CARGO_BIN_EXE_seckb"))
        .arg("--root")
        .arg(site.root())
        .args(["serve", "--port", &port.to_string(), "--now", NOW])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let served = loop {
        let line = lines.next().expect("serve exited").unwrap();
        if let Some(url) = line.strip_prefix("Serving http://127.0.0.1:") {
            break url.split('/').next().unwrap().parse::<u16>().unwrap();
        }
        seen.push(line);
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_ne!(served, port);
    assert!(
        seen.iter()
            .any(|l| l.contains(&format!("port {port} is in use; serving on port {served}"))),
        "{seen:?}"
    );
    drop(taken);
}

#[test]
fn front_matter_edits_of_one_page_show_at_once() {
    let site = Site::fixture("serve");
    let mut server = Server::start(site.root(), &[]);
    let page = server.get(PAGE);
    assert!(page.body.contains("First incident"));
    assert!(page.body.contains("sev-low"));
    let guide_id = server.get("/kb/guides/network-diagram/").build_id();

    let events = server.events(PAGE, &page.build_id());
    let doc = site.path(DOC);
    let text = std::fs::read_to_string(&doc).unwrap();
    let edited = text
        .replace("title: First incident", "title: Retitled incident")
        .replace("severity: low", "severity: critical");
    save(&doc, &edited);
    let id = events.reload(WAIT);
    // The page alone was re-rendered, ahead of the full build.
    let report = server.wait_for_line(" changed: ", WAIT);
    assert!(report.contains("page re-rendered"), "{report}");
    let page = server.get(PAGE);
    assert_eq!(page.build_id(), id);
    assert!(
        page.body.contains("<h1>Retitled incident</h1>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("sev-critical"), "{}", page.body);
    assert!(!page.body.contains("First incident"), "{}", page.body);

    // The full build makes the same page byte for byte (the id hashes it),
    // and the list catches up.
    let report = server.wait_for_line(" changed: ", WAIT);
    assert!(report.contains("changed: built"), "{report}");
    assert_eq!(server.get(PAGE).build_id(), id);
    assert_eq!(
        server.get("/kb/guides/network-diagram/").build_id(),
        guide_id
    );
    let list = server.get("/kb/incidents/");
    assert!(list.body.contains("Retitled incident"), "{}", list.body);
}

#[test]
fn front_matter_edits_that_reach_other_pages_wait_for_the_full_build() {
    let site = Site::fixture("serve");
    let mut server = Server::start(site.root(), &[]);
    let doc = site.path(DOC);
    let text = std::fs::read_to_string(&doc).unwrap();
    let title = "title: First incident\n";
    let add = |line: &str| text.replacen(title, &format!("{title}{line}\n"), 1);
    // Each edit of the original file, and what only the full build shows.
    let edits = [
        // A new URL: the old one goes away.
        (add("slug: moved"), "/kb/incidents/moved/", "Original body"),
        // A new id, which other documents may refer to.
        (text.replace("id: INC-1\n", "id: INC-9\n"), PAGE, "INC-9"),
        // A new cross reference, resolved against the whole site.
        (
            add("related: [INC-2]"),
            PAGE,
            "href=\"/kb/incidents/second/\"",
        ),
        // A tag no page had: its term page does not exist yet.
        (add("tags: [freshtag]"), PAGE, "href=\"/kb/tags/freshtag/\""),
    ];
    for (edited, path, shown) in edits {
        save(&doc, &edited);
        let report = server.wait_for_line(" changed: ", WAIT);
        assert!(report.contains("changed: built"), "{edited}\n{report}");
        let page = server.get(path);
        assert_eq!(page.status, 200, "{edited}");
        assert!(page.body.contains(shown), "{edited}\n{}", page.body);
        // Back to the original, so the next edit changes one thing.
        save(&doc, &text);
        server.wait_for_line("changed: built", WAIT);
    }
    // The original is back, without the term page of the tag.
    assert!(server.get(PAGE).body.contains("Original body zebraone."));
    assert_eq!(server.get("/kb/tags/freshtag/").status, 404);
}
