//! Tests of `http`.

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
