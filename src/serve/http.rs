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
pub(super) const REQUEST_HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves requests on `listener` until the process stops. A connection is
/// closed when the head of a request has not fully arrived `head_timeout`
/// after the server began to wait for it: on a new connection, that is a
/// slow sender (slowloris); between requests, an idle keep-alive. An open
/// event stream is a response being written, not a wait for a request, so
/// it stays open.
pub(super) async fn serve(
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
mod tests;
