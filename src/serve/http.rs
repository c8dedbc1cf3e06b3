//! The HTTP side of `seckb serve`: answers GET and HEAD from the newest
//! build in memory, under the base path, the way GitHub Pages does (folder
//! URLs without `/` redirect, unknown paths get the site's 404 page), and
//! keeps the live-reload event streams. No request path ever reaches the file
//! system: paths are looked up in the build's output map, and `..`, `.`,
//! encoded separators and NUL are refused before that. A connection that
//! does not send a request's head in time is closed (see [`serve`]).

use super::Snapshot;
use crate::output::Content;
use crate::preview;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

type Builds = watch::Receiver<Arc<Snapshot>>;

/// How long a connection may take to send the head (request line and
/// headers) of its next request, from the moment the server waits for it.
pub const REQUEST_HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves requests on `listener` until the process stops. A connection is
/// closed when the head of a request has not fully arrived `head_timeout`
/// after the server began to wait for it: on a new connection, that is a
/// slow sender (slowloris); between requests, an idle keep-alive. An open
/// event stream is a response being written, not a wait for a request, so
/// it stays open.
pub async fn serve(
    listener: std::net::TcpListener,
    builds: Builds,
    head_timeout: Duration,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let app = axum::Router::new().fallback(handle).with_state(builds);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A client that went away before it was accepted.
            Err(e) if is_client_error(&e) => continue,
            // Out of file descriptors, say: wait for connections to close.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(head_timeout);
            // An error ends this one connection (a timeout, a reset), nothing else.
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

fn is_client_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    )
}

/// What a request asks for, decided from the path alone.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    /// An output file, by its path in the output.
    File(String),
    /// One of the preview files (reload script, stylesheet), under any prefix.
    Asset(&'static str),
    /// The reload event stream of the page at `page` (a request path), which
    /// was served with the id `since`.
    Events {
        since: String,
        page: String,
    },
    /// A folder without its `/`, or the base path without it.
    Redirect(SamePath),
    NotFound,
    /// `..`, `.`, an encoded `/` or `\`, or NUL in the path.
    BadRequest,
    /// The newest build failed: HTML requests get its diagnostics.
    ErrorPage,
}

async fn handle(State(builds): State<Builds>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "405 method not allowed\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let snapshot = Arc::clone(&builds.borrow());
    let route = route(&snapshot, uri.path(), uri.query());
    if let Some((status, bytes)) = html_answer(&snapshot, &route) {
        let id = page_id(&snapshot, &bytes);
        return respond(status, "page.html", with_build_id(bytes, &id));
    }
    match route {
        Route::File(path) => match snapshot.output.get(&path) {
            Some(content) => file(&path, content).await,
            None => plain(StatusCode::NOT_FOUND, "404 not found\n"),
        },
        Route::Asset(name) => match preview::asset(name) {
            Some(bytes) => respond(StatusCode::OK, name, bytes.to_vec()),
            None => plain(StatusCode::NOT_FOUND, "404 not found\n"),
        },
        Route::Events { since, page } => events(builds, since, page),
        Route::Redirect(location) => redirect(&location),
        Route::BadRequest => plain(StatusCode::BAD_REQUEST, "400 bad request\n"),
        Route::NotFound | Route::ErrorPage => plain(StatusCode::NOT_FOUND, "404 not found\n"),
    }
}

/// The answer to `route` when it is a page — an HTML file, the site's 404
/// page or the error page — with its status.
fn html_answer(snapshot: &Snapshot, route: &Route) -> Option<(StatusCode, Vec<u8>)> {
    let page = |path: &str| match snapshot.overrides.get(path) {
        Some(bytes) => Some(bytes.clone()),
        None => snapshot
            .output
            .get(path)?
            .bytes()
            .ok()
            .map(|b| b.into_owned()),
    };
    match (route, &snapshot.error_page) {
        (Route::ErrorPage | Route::NotFound, Some(html)) => {
            Some((StatusCode::INTERNAL_SERVER_ERROR, html.clone().into_bytes()))
        }
        (Route::File(path), _) if is_html(path) => Some((StatusCode::OK, page(path)?)),
        (Route::NotFound, None) => Some((StatusCode::NOT_FOUND, page("404.html")?)),
        _ => None,
    }
}

/// The id of a page: the snapshot's generation and a hash of the page.
fn page_id(snapshot: &Snapshot, bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{}-{:016x}", snapshot.generation, hasher.finish())
}

/// The id the page at `path` (a request path) has in `snapshot`.
fn current_id(snapshot: &Snapshot, path: &str) -> String {
    let (path, query) = path
        .split_once('?')
        .map_or((path, None), |(p, q)| (p, Some(q)));
    match html_answer(snapshot, &route(snapshot, path, query)) {
        Some((_, bytes)) => page_id(snapshot, &bytes),
        None => snapshot.generation.clone(),
    }
}

/// Decides what `raw_path` (as sent, percent-encoded) asks for.
fn route(snapshot: &Snapshot, raw_path: &str, query: Option<&str>) -> Route {
    let mut segments = Vec::new();
    for raw in raw_path.trim_start_matches('/').split('/') {
        let segment = crate::markdown::percent_decode(raw);
        if segment == "."
            || segment == ".."
            || segment.contains(['/', '\\', '\0'])
            || segment.contains('\u{fffd}')
        {
            return Route::BadRequest;
        }
        segments.push(segment);
    }
    if let [.., dir, name] = segments.as_slice() {
        if format!("{dir}/") == preview::DIR {
            match name.as_str() {
                preview::RELOAD_SCRIPT => return Route::Asset(preview::RELOAD_SCRIPT),
                preview::STYLESHEET => return Route::Asset(preview::STYLESHEET),
                preview::EVENTS => {
                    let parameter = |name: &str| {
                        query
                            .into_iter()
                            .flat_map(|q| q.split('&'))
                            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                            .map(crate::markdown::percent_decode)
                    };
                    return Route::Events {
                        since: parameter("build").unwrap_or_default(),
                        page: parameter("page").unwrap_or_else(|| snapshot.base_path.clone()),
                    };
                }
                _ => {}
            }
        }
    }
    let path = format!("/{}", segments.join("/"));
    let base = snapshot.base_path.as_str();
    if format!("{path}/") == base {
        return Route::Redirect(SamePath::new(&format!("{raw_path}/"), query));
    }
    let Some(rest) = path.strip_prefix(base) else {
        return Route::NotFound;
    };
    let key = if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest.to_string()
    };
    let output = &snapshot.output;
    if snapshot.error_page.is_some() {
        // Styles and scripts of the last good build still load; pages show the errors.
        return match output.get(&key) {
            Some(_) if !is_html(&key) => Route::File(key),
            _ => Route::ErrorPage,
        };
    }
    if output.contains(&key) {
        Route::File(key)
    } else if !key.ends_with("index.html") && output.contains(&format!("{key}/index.html")) {
        Route::Redirect(SamePath::new(&format!("{raw_path}/"), query))
    } else {
        Route::NotFound
    }
}

/// Where a redirect may point: a path on this server, never another origin.
/// The one way to make one is [`SamePath::new`], and [`redirect`] takes
/// nothing else, so no `Location` this server sends can leave it.
#[derive(Debug, PartialEq, Eq)]
struct SamePath(String);

impl SamePath {
    /// `path` (as sent, percent-encoded) and its query as a path that starts
    /// with exactly one `/`. Browsers read `//host/…` and `/\host/…` as
    /// another host, and drop tabs and line breaks anywhere in a URL first
    /// (`/\t/host`), so those go, then every leading `/` and `\` but one.
    fn new(path: &str, query: Option<&str>) -> SamePath {
        let kept = |c: &char| !matches!(c, '\t' | '\n' | '\r');
        let path: String = path.chars().filter(kept).collect();
        let mut location = format!("/{}", path.trim_start_matches(['/', '\\']));
        if let Some(query) = query {
            location.push('?');
            location.extend(query.chars().filter(kept));
        }
        SamePath(location)
    }
}

fn is_html(path: &str) -> bool {
    path.ends_with(".html")
}

/// The Content-Type of an output file, by its extension.
fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

async fn file(path: &str, content: &Content) -> Response {
    let bytes = match content {
        Content::Bytes(b) => b.clone(),
        Content::Embedded(b) => b.to_vec(),
        // Copies name files found by the build, never a path from the request.
        Content::Copy(source) => match tokio::fs::read(source).await {
            Ok(b) => b,
            Err(_) => return plain(StatusCode::NOT_FOUND, "404 not found\n"),
        },
        // Serve builds keep every file in memory; none is ever written out.
        Content::Written => return plain(StatusCode::NOT_FOUND, "404 not found\n"),
    };
    respond(StatusCode::OK, path, bytes)
}

/// Writes the build id into the reload script's URL, so the page's event
/// stream knows which build the page shows.
fn with_build_id(html: Vec<u8>, id: &str) -> Vec<u8> {
    let needle = format!("{}{}\"", preview::DIR, preview::RELOAD_SCRIPT);
    let Some(at) = html
        .windows(needle.len())
        .rposition(|w| w == needle.as_bytes())
    else {
        return html;
    };
    let cut = at + needle.len() - 1;
    let mut out = Vec::with_capacity(html.len() + id.len() + 7);
    out.extend_from_slice(&html[..cut]);
    out.extend_from_slice(b"?build=");
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(&html[cut..]);
    out
}

fn respond(status: StatusCode, path: &str, bytes: Vec<u8>) -> Response {
    let mut response = (status, Body::from(bytes)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    respond(status, "status.txt", text.as_bytes().to_vec())
}

fn redirect(location: &SamePath) -> Response {
    let mut response = plain(StatusCode::MOVED_PERMANENTLY, "301 moved permanently\n");
    match HeaderValue::from_str(&location.0) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => plain(StatusCode::BAD_REQUEST, "400 bad request\n"),
    }
}

/// A stream that sends `reload` as soon as the page at `page` is not the one
/// with id `since` any more, then stays open (so the browser does not
/// reconnect and ask again).
fn events(mut builds: Builds, since: String, page: String) -> Response {
    let reload = futures_util::stream::once(async move {
        let id = loop {
            let snapshot = Arc::clone(&builds.borrow_and_update());
            let current = current_id(&snapshot, &page);
            if current != since {
                break current;
            }
            if builds.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        Ok::<Event, Infallible>(Event::default().event("reload").data(id))
    });
    let stream = reload.chain(futures_util::stream::pending());
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Output;
    use std::collections::HashMap;

    fn snapshot(base_path: &str, failed: bool) -> Snapshot {
        let mut output = Output::default();
        for path in [
            "index.html",
            "404.html",
            "style.css",
            "incidents/index.html",
            "incidents/a/index.html",
        ] {
            output.insert_bytes(path, path.as_bytes().to_vec());
        }
        Snapshot {
            generation: "g1".into(),
            base_path: base_path.into(),
            output: Arc::new(output),
            overrides: HashMap::new(),
            error_page: failed.then(|| "errors".to_string()),
        }
    }

    #[test]
    fn paths_map_to_output_files_under_the_base_path() {
        let s = snapshot("/kb/", false);
        assert_eq!(route(&s, "/kb/", None), Route::File("index.html".into()));
        assert_eq!(
            route(&s, "/kb/incidents/a/", None),
            Route::File("incidents/a/index.html".into())
        );
        assert_eq!(
            route(&s, "/kb/%69ncidents/", None),
            Route::File("incidents/index.html".into())
        );
        assert_eq!(
            route(&s, "/kb/incidents", Some("q=1")),
            Route::Redirect(SamePath("/kb/incidents/?q=1".into()))
        );
        assert_eq!(
            route(&s, "/kb", None),
            Route::Redirect(SamePath("/kb/".into()))
        );
        assert_eq!(route(&s, "/", None), Route::NotFound);
        assert_eq!(route(&s, "/index.html", None), Route::NotFound);
        assert_eq!(route(&s, "/kb/nope/", None), Route::NotFound);
    }

    #[test]
    fn redirects_stay_on_this_server() {
        let s = snapshot("/kb/", false);
        for (path, location) in [
            ("//kb/incidents", "/kb/incidents/"),
            ("///kb/incidents", "/kb/incidents/"),
            ("//kb", "/kb/"),
            ("////kb", "/kb/"),
        ] {
            assert_eq!(
                route(&s, path, None),
                Route::Redirect(SamePath(location.into())),
                "{path}"
            );
        }
        let root = snapshot("/", false);
        assert_eq!(
            route(&root, "//incidents", Some("a=//b")),
            Route::Redirect(SamePath("/incidents/?a=//b".into()))
        );
        // Whatever a path holds, the location is a path of this server.
        for path in [
            "//evil.com/",
            "///evil.com",
            "/\\evil.com",
            "\\/evil.com",
            "/\t/evil.com",
            "/\n\\evil.com",
            "\r//\\/evil.com",
            "",
            "evil.com",
        ] {
            let SamePath(location) = SamePath::new(path, None);
            let mut chars = location.chars();
            assert_eq!(chars.next(), Some('/'), "{path:?}");
            assert!(
                !location.contains(['\t', '\n', '\r'])
                    && !chars.next().is_some_and(|c| c == '/' || c == '\\'),
                "{path:?} -> {location:?}"
            );
        }
    }

    #[test]
    fn traversal_and_odd_bytes_are_refused() {
        let s = snapshot("/", false);
        for path in [
            "/../seckb.yaml",
            "/%2e%2e/seckb.yaml",
            "/%2E%2E/seckb.yaml",
            "/..%2fseckb.yaml",
            "/..%5cseckb.yaml",
            "/incidents/../../seckb.yaml",
            "/./index.html",
            "/index.html%00",
            "/%ff",
        ] {
            assert_eq!(route(&s, path, None), Route::BadRequest, "{path}");
        }
        assert_eq!(route(&s, "/etc/passwd", None), Route::NotFound);
        assert_eq!(route(&s, "//etc/passwd", None), Route::NotFound);
    }

    #[test]
    fn preview_files_and_events_are_found_under_any_prefix() {
        let s = snapshot("/kb/", false);
        assert_eq!(
            route(&s, "/kb/__seckb/reload.js", None),
            Route::Asset("reload.js")
        );
        assert_eq!(
            route(&s, "/__seckb/preview.css", None),
            Route::Asset("preview.css")
        );
        assert_eq!(
            route(
                &s,
                "/old/__seckb/events",
                Some("build=a%2D1&x=y&page=%2Fkb%2Fa%2F")
            ),
            Route::Events {
                since: "a-1".into(),
                page: "/kb/a/".into()
            }
        );
    }

    #[test]
    fn a_failed_build_shows_errors_on_pages_but_keeps_styles() {
        let s = snapshot("/", true);
        assert_eq!(route(&s, "/", None), Route::ErrorPage);
        assert_eq!(route(&s, "/incidents/a/", None), Route::ErrorPage);
        assert_eq!(route(&s, "/nope", None), Route::ErrorPage);
        assert_eq!(
            route(&s, "/style.css", None),
            Route::File("style.css".into())
        );
    }

    /// A server answering from `snapshot("/kb/", false)` on a free port,
    /// with a request head timeout of `HEAD`; stopped when dropped.
    struct Running {
        address: std::net::SocketAddr,
        builds: watch::Sender<Arc<Snapshot>>,
        _runtime: tokio::runtime::Runtime,
    }

    /// Short, so the tests are quick; the server's default is the same code.
    const HEAD: Duration = Duration::from_millis(300);
    /// Long enough for a loaded machine: a closed connection closes well before.
    const CLOSED_BY: Duration = Duration::from_secs(5);

    fn start() -> Running {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let (builds, receiver) = watch::channel(Arc::new(snapshot("/kb/", false)));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.spawn(serve(listener, receiver, HEAD));
        Running {
            address,
            builds,
            _runtime: runtime,
        }
    }

    /// Reads from `stream` until the server closes it, or `within` passes.
    /// Returns what was read and how long the close took (None: still open).
    fn read_until_closed(
        stream: &mut std::net::TcpStream,
        within: Duration,
    ) -> (String, Option<Duration>) {
        use std::io::{ErrorKind, Read};
        let start = std::time::Instant::now();
        let mut text = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let left = within.saturating_sub(start.elapsed());
            if left.is_zero() {
                return (String::from_utf8_lossy(&text).into(), None);
            }
            stream.set_read_timeout(Some(left)).unwrap();
            match stream.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => text.extend_from_slice(&buffer[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => break,
            }
        }
        (String::from_utf8_lossy(&text).into(), Some(start.elapsed()))
    }

    #[test]
    fn a_request_head_that_does_not_arrive_in_time_closes_the_connection() {
        use std::io::Write;
        let server = start();
        // Part of a request line, then nothing.
        let mut stream = std::net::TcpStream::connect(server.address).unwrap();
        stream.write_all(b"GET /kb/inc").unwrap();
        let (_, closed) = read_until_closed(&mut stream, CLOSED_BY);
        let closed = closed.expect("a partial request line was not cut off");
        assert!(
            closed >= HEAD / 2,
            "closed after {closed:?}, before the timeout"
        );

        // Headers one line at a time, each well inside the timeout: the
        // deadline is for the whole head, so the connection still closes.
        let mut stream = std::net::TcpStream::connect(server.address).unwrap();
        stream.write_all(b"GET /kb/ HTTP/1.1\r\n").unwrap();
        let mut writer = stream.try_clone().unwrap();
        let dribble = std::thread::spawn(move || {
            for _ in 0..100 {
                if writer.write_all(b"X-Slow: 1\r\n").is_err() {
                    return;
                }
                std::thread::sleep(HEAD / 6);
            }
        });
        let (_, closed) = read_until_closed(&mut stream, CLOSED_BY);
        assert!(
            closed.is_some(),
            "a request head sent slowly was not cut off"
        );
        let _ = stream.shutdown(std::net::Shutdown::Both);
        dribble.join().unwrap();
    }

    #[test]
    fn an_idle_keep_alive_connection_is_closed() {
        use std::io::Write;
        let server = start();
        let mut stream = std::net::TcpStream::connect(server.address).unwrap();
        // HTTP/1.1 keeps the connection open after the answer by default.
        stream
            .write_all(b"GET /kb/style.css HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let (text, closed) = read_until_closed(&mut stream, CLOSED_BY);
        assert!(text.starts_with("HTTP/1.1 200"), "{text}");
        assert!(text.ends_with("style.css"), "{text}");
        assert!(closed.is_some(), "an idle connection stayed open");
    }

    #[test]
    fn an_event_stream_outlives_the_request_head_timeout() {
        use std::io::Write;
        let server = start();
        let id = current_id(&server.builds.borrow(), "/kb/");
        let mut stream = std::net::TcpStream::connect(server.address).unwrap();
        write!(
            stream,
            "GET /kb/__seckb/events?build={id}&page=/kb/ HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        .unwrap();
        // Several timeouts pass with nothing sent either way: still open.
        let (head, closed) = read_until_closed(&mut stream, HEAD * 4);
        assert!(head.contains("text/event-stream"), "{head}");
        assert_eq!(closed, None, "the event stream was closed: {head}");
        // And it still carries the reload of the next build.
        let mut next = snapshot("/kb/", false);
        next.generation = "g2".into();
        server.builds.send_replace(Arc::new(next));
        let (events, _) = read_until_closed(&mut stream, HEAD * 4);
        assert!(events.contains("event: reload"), "{events}");
    }

    #[test]
    fn the_build_id_goes_into_the_reload_script_url() {
        let html = b"<p>__seckb/reload.js</p><script src=\"/__seckb/reload.js\" defer></script>";
        let out = with_build_id(html.to_vec(), "7-2");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<p>__seckb/reload.js</p><script src=\"/__seckb/reload.js?build=7-2\" defer></script>"
        );
        assert_eq!(content_type("a/b.WOFF2"), "font/woff2");
        assert_eq!(content_type("CNAME"), "application/octet-stream");
    }
}
