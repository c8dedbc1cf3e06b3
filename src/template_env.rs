//! What a template may do: the functions it gets, the builtins of Tera it
//! does not get, and the bounds of one page's render.
//!
//! Tera registers `get_env` in every environment: `{{ get_env(name="…") }}`
//! would write the build machine's environment (CI tokens) into every page.
//! Tera cannot unregister a function, so seckb registers stand-ins that
//! always fail for it and for the builtins that read the clock or chance
//! (compiled only with Tera's `builtins` feature, which seckb leaves off),
//! and `template_check::calls` refuses a template that calls one when the
//! templates load, at the call.
//!
//! A render is bounded twice: its output by `limits.page_bytes`
//! ([`render`] writes into a buffer that refuses to grow past it, which
//! stops Tera), and `range()` by [`RANGE_NUMBERS`] numbers per page, all its
//! calls together (Tera's `range` builds its whole list before a loop
//! starts, so `range(end=100000000)` took gigabytes without writing a byte,
//! and nested loops over ranges multiply).

mod literal_t;

use crate::i18n::{Entry, Strings};
pub(crate) use literal_t::resolve as resolve_literal_translations;
use serde_json::Value;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Arc;
use tera::{Context, Tera};

/// Every function a template may call.
pub(crate) const FUNCTIONS: [&str; 6] =
    ["url", "range", "throw", "t", "format_date", "strings_json"];

/// Tera builtins that read the machine: (name, why a template cannot call
/// it, what to do instead).
pub(crate) const REMOVED: [(&str, &str, &str); 3] = [
    (
        "get_env",
        "it reads the build machine's environment, where CI keeps its tokens",
        "a value pages need goes under `extra:` in seckb.yaml, which templates read as `site.extra`",
    ),
    (
        "now",
        "it reads the build machine's clock, and two builds of the same input must be byte-identical",
        "show the dates of the content (`page.date`, `page.updated`)",
    ),
    (
        "get_random",
        "its value changes from build to build, and two builds of the same input must be byte-identical",
        "remove the call",
    ),
];

/// The most numbers `range()` may make for one page, all its calls
/// together: a loop over a range runs at most this many times, however the
/// loops nest.
pub(crate) const RANGE_NUMBERS: usize = 1_000_000;

/// The default of `limits.page_bytes`: 128 MiB, above twice the largest
/// page of a generated 100,000-document knowledge base (the list of
/// resolved incidents, which grows linearly; benches/README.md, "Figures behind the code").
pub(crate) const PAGE_BYTES: u64 = 128 * 1024 * 1024;

thread_local! {
    /// The numbers `range()` may still make for the page rendering on this
    /// thread: Tera calls a function on the thread that renders, and passes
    /// it nothing of the render. `None` outside [`render`].
    static RANGE_LEFT: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Registers seckb's template functions, and the failing stand-ins of
/// [`REMOVED`], on `tera`; `t()`, `format_date()` and `strings_json()`
/// read `strings`.
pub(crate) fn register(tera: &mut Tera, base_path: &str, strings: &Arc<Strings>) {
    let base = base_path.to_string();
    tera.register_function("url", move |args: &HashMap<String, Value>| {
        let path = args
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("url() needs a `path` argument"))?;
        Ok(Value::String(crate::urls::under(&base, path)))
    });
    tera.register_function("range", range);
    let own = Arc::clone(strings);
    tera.register_function("t", move |args: &HashMap<String, Value>| {
        translate(&own, args)
    });
    let own = Arc::clone(strings);
    tera.register_function("format_date", move |args: &HashMap<String, Value>| {
        let value = args.get("value").and_then(Value::as_str).ok_or_else(|| {
            tera::Error::msg("format_date() needs a `value` argument, a date such as 2026-12-03")
        })?;
        Ok(Value::String(own.date(value)))
    });
    let own = Arc::clone(strings);
    tera.register_function("strings_json", move |args: &HashMap<String, Value>| {
        let prefixes: Option<Vec<&str>> = args
            .get("prefixes")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect());
        let prefixes = prefixes.ok_or_else(|| {
            tera::Error::msg(
                "strings_json() needs a `prefixes` argument, a list such as [\"search.\"]",
            )
        })?;
        Ok(Value::String(strings_json(&own, &prefixes)))
    });
    for (name, why, _) in REMOVED {
        tera.register_function(name, move |_: &HashMap<String, Value>| {
            Err(tera::Error::msg(not_available(name, why)))
        });
    }
}

/// `t(key="…", name=value, …)`: the string of `key` in the site's language,
/// its `{name}` placeholders filled (numbers and strings as they are),
/// its plural form picked by `n`. A key the language lacks is an error of
/// the render (`template_check::translation_keys` finds literal ones when
/// the templates load).
fn translate(strings: &Strings, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let key = args
        .get("key")
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg("t() needs a `key` argument, such as t(key=\"search\")"))?;
    let fills = args
        .iter()
        .filter(|(name, _)| name.as_str() != "key")
        .map(|(name, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
        .collect();
    strings
        .format(key, &fills)
        .map(Value::String)
        .map_err(|e| tera::Error::msg(format!("t(): {e}")))
}

/// The strings whose keys start with one of `prefixes`, as a JSON object
/// (a plural as `{one, other}`) for a
/// `<script type="application/json">` block the theme's scripts read, and
/// `_one` the counts that take the `one` form (`[1]`, French `[0, 1]`).
/// `<`, `>` and `&` are `\u` escapes, so no string can close the block.
pub(crate) fn strings_json(strings: &Strings, prefixes: &[&str]) -> String {
    let mut map = serde_json::Map::new();
    for (key, entry) in strings.entries() {
        if !prefixes.iter().any(|p| key.starts_with(p)) {
            continue;
        }
        let value = match entry {
            Entry::Text(text) => Value::String(text.clone()),
            Entry::Plural { one, other } => serde_json::json!({"one": one, "other": other}),
        };
        map.insert(key.to_string(), value);
    }
    let one: Vec<i64> = [0, 1].into_iter().filter(|&n| strings.is_one(n)).collect();
    map.insert("_one".into(), serde_json::json!(one));
    Value::Object(map)
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Why a template cannot call `name`.
pub(crate) fn not_available(name: &str, why: &str) -> String {
    format!("`{name}()` is not available in seckb templates: {why}")
}

/// Tera's `range(end, start=0, step_by=1)`, refusing a step of 0 (Tera's
/// loops for ever) and more numbers than the page has left.
fn range(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let number = |key: &str, default: Option<u64>| -> tera::Result<u64> {
        match args.get(key) {
            Some(value) => value.as_u64().ok_or_else(|| {
                tera::Error::msg(format!(
                    "range() received {key}={value}, but `{key}` must be a whole number of at least 0"
                ))
            }),
            None => default.ok_or_else(|| tera::Error::msg(format!("range() needs an `{key}` argument"))),
        }
    };
    let start = number("start", Some(0))?;
    let end = number("end", None)?;
    let step = number("step_by", Some(1))?;
    if step == 0 {
        return Err(tera::Error::msg(
            "range() received step_by=0: the step must be at least 1",
        ));
    }
    if start > end {
        return Err(tera::Error::msg(format!(
            "range() received start={start}, greater than end={end}"
        )));
    }
    let count = (end - start).div_ceil(step);
    let left = RANGE_LEFT.with(Cell::get).unwrap_or(RANGE_NUMBERS);
    let fits = usize::try_from(count).ok().filter(|&n| n <= left);
    let Some(count) = fits else {
        let used = match RANGE_NUMBERS - left {
            0 => String::new(),
            used => format!(" (its earlier calls made {used})"),
        };
        return Err(tera::Error::msg(format!(
            "range() would make {count} numbers, but a page may make at most {RANGE_NUMBERS} with range(), all its calls together{used}"
        )));
    };
    RANGE_LEFT.with(|c| c.set(c.get().map(|_| left - count)));
    let numbers = (0..count as u64).map(|i| Value::from(start + i * step));
    Ok(Value::Array(numbers.collect()))
}

/// Why a render failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Tera's error (a function's among them).
    Tera(tera::Error),
    /// The page grew past `limits.page_bytes`.
    TooLarge,
}

/// Renders `template` into at most `page_bytes` bytes, with a fresh
/// `range()` budget.
pub(crate) fn render(
    tera: &Tera,
    template: &str,
    ctx: &Context,
    page_bytes: usize,
) -> Result<String, Failure> {
    let _budget = RangeBudget::start();
    let mut out = Capped {
        bytes: Vec::new(),
        cap: page_bytes,
        over: false,
    };
    match tera.render_to(template, ctx, &mut out) {
        Ok(()) => Ok(String::from_utf8(out.bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())),
        Err(_) if out.over => Err(Failure::TooLarge),
        Err(e) => Err(Failure::Tera(e)),
    }
}

/// A page's `range()` budget for as long as it lives; what was before is
/// restored when it is dropped (a render inside a render keeps its own).
struct RangeBudget(Option<usize>);

impl RangeBudget {
    fn start() -> RangeBudget {
        RangeBudget(RANGE_LEFT.with(|c| c.replace(Some(RANGE_NUMBERS))))
    }
}

impl Drop for RangeBudget {
    fn drop(&mut self) {
        RANGE_LEFT.with(|c| c.set(self.0));
    }
}

/// A buffer that refuses a write past `cap` bytes: Tera stops rendering at
/// the first failed write. It grows in doubling steps up to `cap`, never
/// beyond.
struct Capped {
    bytes: Vec<u8>,
    cap: usize,
    over: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let needed = self.bytes.len().saturating_add(buf.len());
        if needed > self.cap {
            self.over = true;
            return Err(std::io::Error::other(
                "the page is larger than limits.page_bytes",
            ));
        }
        if needed > self.bytes.capacity() {
            let grown = self
                .bytes
                .capacity()
                .saturating_mul(2)
                .max(needed)
                .min(self.cap);
            self.bytes.reserve_exact(grown - self.bytes.len());
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(template: &str) -> Tera {
        let mut tera = Tera::default();
        register(&mut tera, "/kb/", &Default::default());
        tera.add_raw_template("t.txt", template).unwrap();
        tera
    }

    fn message(failure: Failure) -> String {
        let Failure::Tera(e) = failure else {
            panic!("not a Tera error: {failure:?}");
        };
        let mut chain = vec![e.to_string()];
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            chain.push(s.to_string());
            source = s.source();
        }
        chain.join(": ")
    }

    #[test]
    fn removed_builtins_fail_whatever_they_are_given() {
        std::env::set_var("SECKB_TEMPLATE_ENV_TEST", "leaked-value");
        for call in [
            "get_env(name=\"SECKB_TEMPLATE_ENV_TEST\")",
            "get_env(name=\"NOPE\", default=\"d\")",
            "now()",
            "get_random(end=10)",
        ] {
            let t = tera(&format!("{{{{ {call} }}}}"));
            let e = message(render(&t, "t.txt", &Context::new(), 1 << 20).unwrap_err());
            assert!(
                e.contains("is not available in seckb templates"),
                "{call}: {e}"
            );
            assert!(!e.contains("leaked-value"));
        }
    }

    #[test]
    fn range_is_tera_s_within_its_budget() {
        let t = tera("{% for i in range(end=5) %}{{ i }}{% endfor %}|{{ range(start=2, end=9, step_by=3) | join(sep=\",\") }}|{{ url(path=\"/a.css\") }}");
        let out = render(&t, "t.txt", &Context::new(), 1 << 20).unwrap();
        assert_eq!(out, "01234|2,5,8|/kb/a.css");
        for (call, expected) in [
            ("range(end=1000001)", "would make 1000001 numbers"),
            ("range(end=5, step_by=0)", "step_by=0"),
            ("range(start=5, end=1)", "greater than end=1"),
            ("range(end=-1)", "must be a whole number"),
        ] {
            let t = tera(&format!("{{% for i in {call} %}}{{% endfor %}}"));
            let e = message(render(&t, "t.txt", &Context::new(), 1 << 20).unwrap_err());
            assert!(e.contains(expected), "{call}: {e}");
        }
        // Nested loops share one budget: 2,000 × 1,000 numbers would be
        // 2,000,000, so the 999th inner range is refused.
        let t = tera(
            "{% for i in range(end=2000) %}{% for j in range(end=1000) %}{% endfor %}{% endfor %}",
        );
        let e = message(render(&t, "t.txt", &Context::new(), 1 << 20).unwrap_err());
        assert!(e.contains("(its earlier calls made 1000000)"), "{e}");
        // Each page starts with a whole budget.
        let t = tera("{% for i in range(end=1000000) %}{% endfor %}");
        for _ in 0..3 {
            render(&t, "t.txt", &Context::new(), 1 << 20).unwrap();
        }
    }

    #[test]
    fn output_stops_at_the_cap() {
        let t = tera("{% for i in range(end=100000) %}0123456789{% endfor %}");
        assert!(matches!(
            render(&t, "t.txt", &Context::new(), 999_999),
            Err(Failure::TooLarge)
        ));
        let out = render(&t, "t.txt", &Context::new(), 1_000_000).unwrap();
        assert_eq!(out.len(), 1_000_000);
    }
}
