//! Benchmarks of `seckb serve`, against the release binary beside this one.
//!
//! ```sh
//! cargo build --release --bin seckb --bin serve-bench
//! # Save-to-reload: edit one document N times; time the reload event and the new page.
//! target/release/serve-bench reload --site DIR [--doc content/x.md --page x/] [--edits 10] \
//!   [--edit body|front-matter]
//! # Load: REQUESTS GETs over CONNECTIONS keep-alive connections, loopback only.
//! target/release/serve-bench load --site DIR [--requests 20000] [--connections 50]
//! ```
//!
//! `reload` appends a paragraph to the document (or, with `--edit
//! front-matter`, rewrites its `title:` line), then measures the time from
//! the write to the `reload` event on the page's event stream (what an open
//! browser tab waits for) and to the served page holding the new text;
//! it also reports the rebuild time seckb prints. `load` cycles through every
//! page of the sitemap plus a stylesheet, a script and an unknown path (404),
//! checks each status and body length, and counts every failure as an error.
//! Both run against loopback only and stop by themselves.

// A function is at most 80 lines (clippy.toml), as in the library: longer
// ones are split into named steps, so each reads in one screen.
#![warn(clippy::too_many_lines)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// Any one wait (startup, a reload, a request) longer than this fails the run.
const TIMEOUT: Duration = Duration::from_secs(300);

struct Args {
    mode: String,
    site: PathBuf,
    doc: Option<String>,
    page: Option<String>,
    edits: usize,
    /// Edit the `title:` line instead of appending to the body.
    front_matter: bool,
    requests: usize,
    connections: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mode = args
        .next()
        .ok_or("usage: serve-bench reload|load --site DIR …")?;
    let mut parsed = Args {
        mode,
        site: PathBuf::new(),
        doc: None,
        page: None,
        edits: 10,
        front_matter: false,
        requests: 20_000,
        connections: 50,
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--site" => parsed.site = PathBuf::from(&value),
            "--doc" => parsed.doc = Some(value),
            "--page" => parsed.page = Some(value),
            "--edits" => parsed.edits = number()?,
            "--edit" => {
                parsed.front_matter = match value.as_str() {
                    "body" => false,
                    "front-matter" => true,
                    other => return Err(format!("--edit {other}: expected body or front-matter")),
                }
            }
            "--requests" => parsed.requests = number()?,
            "--connections" => parsed.connections = number()?.max(1),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if parsed.site.as_os_str().is_empty() {
        return Err("--site DIR is required".into());
    }
    Ok(parsed)
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|args| match args.mode.as_str() {
        "reload" => reload(&args),
        "load" => load(&args),
        other => Err(format!("unknown mode {other}; expected reload or load")),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `seckb serve` on a free loopback port, stopped when dropped.
struct Server {
    child: Child,
    address: String,
    base_path: String,
    stderr: Receiver<String>,
}

impl Server {
    fn start(site: &Path) -> Result<Server, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        // Both binaries are built into the same target folder.
        let seckb = exe
            .parent()
            .map(|dir| dir.join("seckb"))
            .ok_or("cannot find the seckb binary")?;
        let mut child = Command::new(&seckb)
            .arg("--root")
            .arg(site)
            .args(["serve", "--bind", "127.0.0.1", "--port", "0"])
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", seckb.display()))?;
        let (lines, stderr) = channel();
        let pipe = child.stderr.take().ok_or("no stderr")?;
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            address: String::new(),
            base_path: String::new(),
            stderr,
        };
        let line = server.line_with("Serving http://")?;
        let url = line.trim_start_matches("Serving http://");
        let (address, path) = url.split_once('/').unwrap_or((url, ""));
        server.address = address.to_string();
        server.base_path = format!("/{path}");
        Ok(server)
    }

    fn line_with(&self, text: &str) -> Result<String, String> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) if line.contains(text) => return Ok(line),
                Ok(_) => {}
                Err(_) => return Err(format!("seckb serve printed no line with {text:?}")),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One keep-alive HTTP/1.1 connection.
struct Connection {
    reader: BufReader<TcpStream>,
    host: String,
}

impl Connection {
    fn open(address: &str) -> Result<Connection, String> {
        let stream = TcpStream::connect(address).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(TIMEOUT))
            .map_err(|e| e.to_string())?;
        Ok(Connection {
            reader: BufReader::new(stream),
            host: address.to_string(),
        })
    }

    /// GET `path`: (status, body).
    fn get(&mut self, path: &str) -> Result<(u16, Vec<u8>), String> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.host);
        self.reader
            .get_mut()
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut status = 0;
        let mut length = None;
        let mut line = String::new();
        loop {
            line.clear();
            if self
                .reader
                .read_line(&mut line)
                .map_err(|e| e.to_string())?
                == 0
            {
                return Err("connection closed".into());
            }
            let text = line.trim_end();
            if text.is_empty() {
                break;
            }
            if status == 0 {
                status = text
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .ok_or(format!("bad status line {text:?}"))?;
            } else if let Some((name, value)) = text.split_once(": ") {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.parse::<usize>().ok();
                }
            }
        }
        let length = length.ok_or("no content-length")?;
        let mut body = vec![0; length];
        self.reader
            .read_exact(&mut body)
            .map_err(|e| e.to_string())?;
        Ok((status, body))
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// (median, min, max) in milliseconds.
fn summary(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    (median, values[0], values[n - 1])
}

/// The first guide of the site, sorted by name, and its page.
fn default_doc(site: &Path) -> Result<(String, String), String> {
    let dir = site.join("content/guides");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".md") && n != "_index.md")
        .collect();
    names.sort();
    let name = names
        .first()
        .ok_or("no guide to edit; pass --doc and --page")?;
    let slug = name.trim_end_matches(".md");
    Ok((format!("content/guides/{name}"), format!("guides/{slug}/")))
}

/// `reload`: edits the document `args.edits` times and reports how long the
/// reload event, the page with the edit and seckb's own rebuild took. The
/// document gets its original text back whatever happens.
fn reload(args: &Args) -> Result<(), String> {
    let (doc, page) = match (&args.doc, &args.page) {
        (Some(d), Some(p)) => (d.clone(), p.clone()),
        _ => default_doc(&args.site)?,
    };
    let file = args.site.join(&doc);
    let original = std::fs::read_to_string(&file).map_err(|e| format!("{doc}: {e}"))?;
    let start = Instant::now();
    let server = Server::start(&args.site)?;
    println!(
        "serve: first build and start {:.0} ms; editing the {} of {doc} {} times",
        millis(start.elapsed()),
        if args.front_matter { "title" } else { "body" },
        args.edits
    );
    let path = format!("{}{page}", server.base_path);
    let mut conn = Connection::open(&server.address)?;
    let (mut events_ms, mut page_ms) = (Vec::new(), Vec::new());
    let (mut quick_ms, mut build_ms) = (Vec::new(), Vec::new());
    let result: Result<(), String> = (|| {
        for edit in 0..args.edits {
            let id = page_build_id(&mut conn, &path)?;
            let mut events = Events::listen(&server, &path, &id)?;
            let marker = format!("serve-bench edit {edit} zq{}", start.elapsed().as_nanos());
            let saved = Instant::now();
            let edited = if args.front_matter {
                retitled(&original, &marker).ok_or(format!("{doc} has no `title:` line"))?
            } else {
                format!("{original}\n{marker}\n")
            };
            std::fs::write(&file, edited).map_err(|e| e.to_string())?;
            events.wait_for_reload()?;
            events_ms.push(millis(saved.elapsed()));
            wait_for_page_with(&mut conn, &path, &marker, saved)?;
            page_ms.push(millis(saved.elapsed()));
            seckb_timings(&server, &mut quick_ms, &mut build_ms)?;
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(())
    })();
    std::fs::write(&file, &original).map_err(|e| e.to_string())?;
    result?;
    for (what, values) in [
        ("page re-render (seckb's timing)", quick_ms),
        ("full rebuild (seckb's timing)", build_ms),
        ("save → reload event", events_ms),
        ("save → page with the edit", page_ms),
    ] {
        let (median, min, max) = summary(values);
        println!("{what:<32} median {median:7.1} ms   min {min:7.1}   max {max:7.1}");
    }
    Ok(())
}

/// GETs the page at `path` (it must be 200) and returns the build id its
/// reload script carries, which its event stream is opened with.
fn page_build_id(conn: &mut Connection, path: &str) -> Result<String, String> {
    let (status, body) = conn.get(path)?;
    if status != 200 {
        return Err(format!("{path}: HTTP {status}"));
    }
    let body = String::from_utf8_lossy(&body);
    Ok(body
        .split("__seckb/reload.js?build=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("no reload script in the page")?
        .to_string())
}

/// A page's event stream (`__seckb/events`), held open as a browser tab
/// holds it, with everything read from it so far.
struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    /// Opens the event stream of the page at `path`, built as `id`, and
    /// returns once its headers arrived: from then on it is listening.
    fn listen(server: &Server, path: &str, id: &str) -> Result<Events, String> {
        let mut stream = TcpStream::connect(&server.address).map_err(|e| e.to_string())?;
        write!(
            stream,
            "GET {}__seckb/events?build={id}&page={path} HTTP/1.1\r\nHost: {}\r\n\r\n",
            server.base_path, server.address
        )
        .map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(TIMEOUT))
            .map_err(|e| e.to_string())?;
        let mut events = Events {
            stream,
            seen: String::new(),
        };
        while !events.seen.contains("\r\n\r\n") {
            events.read_more()?;
        }
        Ok(events)
    }

    /// Reads what has arrived into `seen`; returns the bytes read (0: closed).
    fn read_more(&mut self) -> Result<usize, String> {
        let mut buffer = [0u8; 4096];
        let n = self.stream.read(&mut buffer).map_err(|e| e.to_string())?;
        self.seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
        Ok(n)
    }

    /// Waits for the `reload` event (an error if the stream closes first).
    fn wait_for_reload(&mut self) -> Result<(), String> {
        while !self.seen.contains("event: reload") {
            if self.read_more()? == 0 {
                return Err("event stream closed".into());
            }
        }
        Ok(())
    }
}

/// GETs the page at `path` until its body holds `marker` (an error once
/// `TIMEOUT` has passed since `saved`).
fn wait_for_page_with(
    conn: &mut Connection,
    path: &str,
    marker: &str,
    saved: Instant,
) -> Result<(), String> {
    loop {
        let (_, body) = conn.get(path)?;
        if String::from_utf8_lossy(&body).contains(marker) {
            return Ok(());
        }
        if saved.elapsed() > TIMEOUT {
            return Err("the page never showed the edit".into());
        }
    }
}

/// seckb's own report of one edit: the page alone (its fast path, into
/// `quick_ms`), then the site (into `build_ms`), or the site only.
fn seckb_timings(
    server: &Server,
    quick_ms: &mut Vec<f64>,
    build_ms: &mut Vec<f64>,
) -> Result<(), String> {
    let line = server.line_with(" changed: ")?;
    if line.contains("page re-rendered") {
        quick_ms.extend(reported_ms(&line));
        build_ms.extend(reported_ms(&server.line_with(" changed: built ")?));
    } else {
        build_ms.extend(reported_ms(&line));
    }
    Ok(())
}

/// `text` with its first `title:` line (in the front matter) set to `title`.
fn retitled(text: &str, title: &str) -> Option<String> {
    let start = if text.starts_with("title:") {
        0
    } else {
        text.find("\ntitle:")? + 1
    };
    let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    Some(format!("{}title: {title}{}", &text[..start], &text[end..]))
}

/// The `in N ms` of one of seckb's report lines.
fn reported_ms(line: &str) -> Option<f64> {
    let after = line.rsplit(" in ").next()?;
    after.split(" ms").next()?.parse().ok()
}

/// `load`: `args.requests` GETs over `args.connections` keep-alive
/// connections, each checked for its status and body length; any failure
/// is an error.
fn load(args: &Args) -> Result<(), String> {
    let server = Server::start(&args.site)?;
    let (paths, expected) = load_paths(&server)?;
    let paths = std::sync::Arc::new(paths);
    let expected = std::sync::Arc::new(expected);
    let per_connection = args.requests.div_ceil(args.connections);
    let start = Instant::now();
    let workers: Vec<_> = (0..args.connections)
        .map(|worker| {
            let paths = std::sync::Arc::clone(&paths);
            let expected = std::sync::Arc::clone(&expected);
            let address = server.address.clone();
            let count = per_connection.min(args.requests.saturating_sub(worker * per_connection));
            std::thread::spawn(move || {
                let (mut ok, mut errors) = (0usize, 0usize);
                let Ok(mut conn) = Connection::open(&address) else {
                    return (0, count);
                };
                for i in 0..count {
                    // Bodies carry the build id, whose length never changes within a run.
                    let n = (worker * 7919 + i) % paths.len();
                    match conn.get(&paths[n].0) {
                        Ok((status, body)) if status == paths[n].1 && body.len() == expected[n] => {
                            ok += 1
                        }
                        Ok(_) => errors += 1,
                        Err(_) => {
                            errors += 1;
                            match Connection::open(&address) {
                                Ok(fresh) => conn = fresh,
                                Err(_) => return (ok, errors + count - i - 1),
                            }
                        }
                    }
                }
                (ok, errors)
            })
        })
        .collect();
    let (mut ok, mut errors) = (0, 0);
    for worker in workers {
        let (o, e) = worker.join().map_err(|_| "a worker panicked")?;
        ok += o;
        errors += e;
    }
    let elapsed = start.elapsed();
    println!(
        "{} requests over {} keep-alive connections to {} paths: {ok} ok, {errors} errors, \
         {:.2} s, {:.0} requests/s",
        ok + errors,
        args.connections,
        paths.len(),
        elapsed.as_secs_f64(),
        (ok + errors) as f64 / elapsed.as_secs_f64()
    );
    if errors > 0 {
        return Err(format!("{errors} errors"));
    }
    Ok(())
}

/// A path `load` GETs and the status it must answer.
type Target = (String, u16);

/// What `load` cycles through: every page of the sitemap, by path, plus a
/// stylesheet, a script and an unknown path, each with its expected status;
/// and the body length each has now (each GET once, its status checked).
fn load_paths(server: &Server) -> Result<(Vec<Target>, Vec<usize>), String> {
    let mut conn = Connection::open(&server.address)?;
    let (status, sitemap) = conn.get(&format!("{}sitemap.xml", server.base_path))?;
    if status != 200 {
        return Err(format!("sitemap.xml: HTTP {status}"));
    }
    let sitemap = String::from_utf8_lossy(&sitemap);
    let mut paths: Vec<Target> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split("</loc>").next())
        .filter_map(|url| url.split_once("://").map(|(_, rest)| rest))
        .map(|rest| rest.find('/').map_or("/", |i| &rest[i..]).to_string())
        .map(|path| (path, 200))
        .collect();
    let base = &server.base_path;
    paths.push((format!("{base}style.css"), 200));
    paths.push((format!("{base}site.js"), 200));
    paths.push((format!("{base}no-such-page/"), 404));
    let mut expected = Vec::with_capacity(paths.len());
    for (path, status) in &paths {
        let (got, body) = conn.get(path)?;
        if got != *status {
            return Err(format!("{path}: HTTP {got}, expected {status}"));
        }
        expected.push(body.len());
    }
    Ok((paths, expected))
}
