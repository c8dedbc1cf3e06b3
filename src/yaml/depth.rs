//! A bound on how deeply YAML text nests, checked in one pass over the text
//! before it is parsed.
//!
//! libyaml's scanner looks at every open flow level again for each token, so
//! its time grows with the square of the depth, long before serde_yaml's
//! recursion limit (128) stops the parse (figures: benches/README.md, "Figures behind the code"). No front matter or seckb.yaml
//! comes near `MAX_DEPTH`; deeper text is refused where the limit is
//! crossed, without running the parser at all.
//!
//! A level is a collection: a flow `[`/`{`, or a block mapping or sequence
//! (found by indentation and `- `/`? ` markers, so `- - x` is two levels).
//! The scan knows just enough YAML not to count what is text: quoted
//! scalars (over several lines too), plain scalars and their continuation
//! lines, block scalars (`|`, `>`), comments and node properties. It only
//! counts, it does not validate: text it cannot make sense of is left to the
//! parser, which reports it. An alias (`*a`) is not followed: its anchor was
//! counted where it is written, and what aliases expand into is bounded by
//! serde_yaml's recursion and alias limits.

/// The deepest nesting YAML text may have, flow and block levels together
/// (the top-level mapping is level 1).
pub const MAX_DEPTH: usize = 64;

/// Where the text first nests deeper than `MAX_DEPTH`: the 1-based line and
/// column (in characters) of the collection that crosses the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub line: usize,
    pub column: usize,
}

/// Checks that `text` nests at most `MAX_DEPTH` levels, in time linear in its
/// length.
pub fn check(text: &str) -> Result<(), TooDeep> {
    let mut scan = Scan::default();
    for (i, line) in text.split('\n').enumerate() {
        scan.line = i + 1;
        scan.text = line;
        scan.read_line(line.as_bytes())?;
    }
    Ok(())
}

/// What the previous line left open.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Open {
    #[default]
    Nothing,
    /// A quoted scalar, by its quote character.
    Quoted(u8),
    /// A block scalar (`|` or `>`) inside the block collection at `parent`
    /// (None at the top); `indent` is its content's indentation once known.
    BlockScalar {
        parent: Option<usize>,
        indent: Option<usize>,
    },
}

#[derive(Debug, Default)]
struct Scan<'a> {
    /// The current line (for the column of an error) and its number.
    text: &'a str,
    line: usize,
    /// Open flow collections.
    flow: usize,
    /// Open block collections, innermost last: (column, is a sequence).
    blocks: Vec<(usize, bool)>,
    open: Open,
    /// A plain scalar in block context that the next line may continue.
    plain: bool,
    /// Inside a plain scalar in flow context (where a quote is text).
    flow_plain: bool,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r'
}

/// Whether `b[i]` is followed by a blank or the end of the line.
fn blank_after(b: &[u8], i: usize) -> bool {
    b.get(i + 1).is_none_or(|&c| is_blank(c))
}

/// Whether a `#` at `i` starts a comment (it follows a blank or starts the line).
fn is_comment(b: &[u8], i: usize) -> bool {
    b[i] == b'#' && (i == 0 || is_blank(b[i - 1]))
}

impl Scan<'_> {
    fn too_deep(&self, at: usize) -> TooDeep {
        let column = self.text.get(..at).map_or(at, |s| s.chars().count()) + 1;
        TooDeep {
            line: self.line,
            column,
        }
    }

    fn check_depth(&self, at: usize) -> Result<(), TooDeep> {
        if self.blocks.len() + self.flow > MAX_DEPTH {
            return Err(self.too_deep(at));
        }
        Ok(())
    }

    fn top(&self) -> Option<usize> {
        self.blocks.last().map(|b| b.0)
    }

    /// A `key:` at column `at`: the mapping there, which ends an indentless
    /// sequence at the same column.
    fn mapping(&mut self, at: usize) -> Result<(), TooDeep> {
        if self.blocks.last() == Some(&(at, true)) {
            self.blocks.pop();
        }
        if self.top() != Some(at) {
            self.blocks.push((at, false));
        }
        self.check_depth(at)
    }

    /// A `- ` at column `at`: the sequence there (a sequence under a key at
    /// the same column is a level of its own).
    fn sequence(&mut self, at: usize) -> Result<(), TooDeep> {
        if self.blocks.last() != Some(&(at, true)) {
            self.blocks.push((at, true));
        }
        self.check_depth(at)
    }

    fn read_line(&mut self, b: &[u8]) -> Result<(), TooDeep> {
        let spaces = b.iter().take_while(|&&c| c == b' ').count();
        let blank_line = b.iter().all(|&c| is_blank(c));
        match self.open {
            Open::Quoted(quote) => match self.quoted(b, 0, quote) {
                Some(end) => return self.scan(b, end, false),
                None => return Ok(()),
            },
            Open::BlockScalar { parent, indent } => {
                let least = parent.map_or(1, |p| p + 1);
                match indent {
                    _ if blank_line => return Ok(()),
                    Some(i) if spaces >= i => return Ok(()),
                    None if spaces >= least => {
                        self.open = Open::BlockScalar {
                            parent,
                            indent: Some(spaces),
                        };
                        return Ok(());
                    }
                    _ => self.open = Open::Nothing,
                }
            }
            Open::Nothing => {}
        }
        if self.flow > 0 {
            return self.scan(b, 0, false);
        }
        if blank_line {
            return Ok(());
        }
        if is_comment(b, spaces) {
            self.plain = false;
            return Ok(());
        }
        if self.plain && self.top().is_none_or(|t| spaces > t) {
            // The plain scalar above goes on: this line is text.
            return self.plain_text(b, spaces);
        }
        self.plain = false;
        if spaces == 0 {
            let marker = b.get(..3);
            if (marker == Some(b"---") || marker == Some(b"...")) && blank_after(b, 2) {
                // A document marker: whatever follows starts afresh.
                self.blocks.clear();
                return match marker {
                    Some(b"---") => self.scan(b, 3, true),
                    _ => Ok(()),
                };
            }
            if b[0] == b'%' {
                // A directive (`%YAML 1.2`): nothing nests in it.
                return Ok(());
            }
        }
        while self.top().is_some_and(|t| t > spaces) {
            self.blocks.pop();
        }
        self.scan(b, spaces, true)
    }

    /// Scans `b` from `i`; `node` is whether a block node may start there.
    fn scan(&mut self, b: &[u8], mut i: usize, mut node: bool) -> Result<(), TooDeep> {
        while i < b.len() {
            if self.flow > 0 {
                match self.flow_token(b, i)? {
                    Some(next) => i = next,
                    None => return Ok(()),
                }
                if self.flow == 0 {
                    node = false;
                }
                continue;
            }
            let c = b[i];
            if is_blank(c) {
                i += 1;
                continue;
            }
            if is_comment(b, i) {
                return Ok(());
            }
            if !node {
                // After a scalar or flow collection: only a `: ` matters.
                if c == b':' && blank_after(b, i) {
                    node = true;
                }
                i += 1;
                continue;
            }
            match c {
                b'-' | b'?' | b':' if blank_after(b, i) => {
                    match c {
                        b'-' => self.sequence(i)?,
                        b'?' => self.mapping(i)?,
                        _ => {}
                    }
                    i += 1;
                }
                b'[' | b'{' => {
                    self.flow += 1;
                    self.flow_plain = false;
                    self.check_depth(i)?;
                    i += 1;
                }
                b'"' | b'\'' => {
                    let Some(end) = self.quoted(b, i + 1, c) else {
                        return Ok(());
                    };
                    if self.is_key(b, end) {
                        self.mapping(i)?;
                    }
                    i = end;
                    node = false;
                }
                b'|' | b'>' => {
                    self.block_scalar(b, i);
                    return Ok(());
                }
                b'&' | b'!' => {
                    // An anchor or tag: the node itself follows.
                    i += b[i..].iter().take_while(|&&c| !is_blank(c)).count();
                }
                _ => return self.plain_scalar(b, i),
            }
        }
        Ok(())
    }

    /// Whether a `:` and a blank follow (after blanks) from `i`.
    fn is_key(&self, b: &[u8], i: usize) -> bool {
        let j = i + b[i..].iter().take_while(|&&c| is_blank(c)).count();
        b.get(j) == Some(&b':') && blank_after(b, j)
    }

    /// A plain scalar starting at `i` in block context: a key when a `: `
    /// follows on the line (the value is then scanned), else text that may
    /// go on over the next lines.
    fn plain_scalar(&mut self, b: &[u8], i: usize) -> Result<(), TooDeep> {
        for j in i..b.len() {
            if is_comment(b, j) {
                return Ok(());
            }
            if b[j] == b':' && blank_after(b, j) {
                self.mapping(i)?;
                return self.scan(b, j + 1, true);
            }
        }
        self.plain = true;
        Ok(())
    }

    /// A continuation line of a plain scalar: text up to a comment.
    fn plain_text(&mut self, b: &[u8], from: usize) -> Result<(), TooDeep> {
        if (from..b.len()).any(|j| is_comment(b, j)) {
            self.plain = false;
        }
        Ok(())
    }

    /// A block scalar header at `i` (`|`, `>-`, `|2`): the lines below that
    /// are indented more than its collection are its text.
    fn block_scalar(&mut self, b: &[u8], i: usize) {
        let parent = self.top();
        let explicit = b[i + 1..]
            .iter()
            .take_while(|c| !is_blank(**c))
            .find(|c| c.is_ascii_digit())
            .map(|d| usize::from(d - b'0'));
        let indent = explicit.map(|d| parent.map_or(d, |p| p + d));
        self.open = Open::BlockScalar { parent, indent };
    }

    /// Scans a quoted scalar's text from `i`; returns where it ends (past the
    /// closing quote), or None when it goes on to the next line.
    fn quoted(&mut self, b: &[u8], mut i: usize, quote: u8) -> Option<usize> {
        while i < b.len() {
            let c = b[i];
            if quote == b'"' && c == b'\\' {
                i += 2;
                continue;
            }
            if c == quote {
                if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                self.open = Open::Nothing;
                return Some(i + 1);
            }
            i += 1;
        }
        self.open = Open::Quoted(quote);
        None
    }

    /// One token in flow context at `i`; returns where the next starts, or
    /// None when the rest of the line is a comment or an unclosed quote.
    fn flow_token(&mut self, b: &[u8], i: usize) -> Result<Option<usize>, TooDeep> {
        let c = b[i];
        match c {
            _ if is_blank(c) => {}
            b'#' if is_comment(b, i) => {
                self.flow_plain = false;
                return Ok(None);
            }
            b'[' | b'{' => {
                self.flow += 1;
                self.flow_plain = false;
                self.check_depth(i)?;
            }
            b']' | b'}' => {
                self.flow = self.flow.saturating_sub(1);
                self.flow_plain = false;
            }
            b',' => self.flow_plain = false,
            b'"' | b'\'' if !self.flow_plain => {
                return Ok(self.quoted(b, i + 1, c));
            }
            b':' if !self.flow_plain || blank_after(b, i) => self.flow_plain = false,
            _ => self.flow_plain = true,
        }
        Ok(Some(i + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_ok(text: &str) -> bool {
        check(text).is_ok()
    }

    /// Text nested `n` levels deep in `style`, for the limit's edge.
    fn nested(n: usize, style: &str) -> String {
        match style {
            // The top-level key is level 1.
            "flow" => format!("x: {}1{}\n", "[".repeat(n - 1), "]".repeat(n - 1)),
            "mapping" => (0..n).map(|i| format!("{}k:\n", " ".repeat(i))).collect(),
            "markers" => format!("{}x\n", "- ".repeat(n)),
            _ => unreachable!(),
        }
    }

    #[test]
    fn each_style_is_refused_just_past_the_limit() {
        for style in ["flow", "mapping", "markers"] {
            assert!(depth_ok(&nested(MAX_DEPTH, style)), "{style}");
            assert!(!depth_ok(&nested(MAX_DEPTH + 1, style)), "{style}");
        }
    }

    #[test]
    fn the_error_points_where_the_limit_is_crossed() {
        let text = format!("title: A\nextra:\n  x: {}\n", "[".repeat(100_000));
        // Levels: the top mapping, extra's mapping, then the brackets.
        let e = check(&text).unwrap_err();
        assert_eq!((e.line, e.column), (3, 6 + MAX_DEPTH - 2));
        let e = check(&nested(MAX_DEPTH + 1, "mapping")).unwrap_err();
        assert_eq!((e.line, e.column), (MAX_DEPTH + 1, MAX_DEPTH + 1));
        let e = check(&format!("é: {}", "{".repeat(MAX_DEPTH))).unwrap_err();
        assert_eq!((e.line, e.column), (1, 3 + MAX_DEPTH));
    }

    #[test]
    fn a_sequence_under_a_key_at_its_column_is_a_level() {
        // `k:` then `- k:` lines, each two levels deeper (its sequence and
        // mapping), and a last `- x`: 1 + 2 * 31 + 1 levels.
        let text = |items: usize| {
            let mut text = String::from("k:\n");
            for j in 0..items {
                text.push_str(&format!("{}- k:\n", " ".repeat(2 * j)));
            }
            text + &" ".repeat(2 * items) + "- x\n"
        };
        assert!(depth_ok(&text(MAX_DEPTH / 2 - 1)));
        assert!(!depth_ok(&text(MAX_DEPTH / 2)));
        assert!(crate::yaml::parse(&text(MAX_DEPTH / 2 - 1)).is_ok());
    }

    #[test]
    fn brackets_in_text_do_not_count() {
        let many = "[".repeat(1000);
        let texts = [
            format!("title: \"{many}\"\n"),
            format!("title: '{many} it''s'\n"),
            format!("title: \"a\n  {many}\n  b\"\n"),
            format!("title: Fix {many} bug\n"),
            format!("summary: first line\n  {many}\n  more\n"),
            format!("title: x # {many}\n"),
            format!("# {many}\ntitle: x\n"),
            format!("summary: |\n  {many}\n  {{{{\nnext: x\n"),
            format!("summary: >-\n\n  {many}\nnext: x\n"),
            format!("tags: [a, \"{many}\", '{many}', it's, \"x\"]\n"),
            format!("url: https://a.example/#{many}\n"),
            format!("- |2\n  {many}\n- x\n"),
        ];
        for text in &texts {
            assert!(depth_ok(text), "{text}");
        }
    }

    #[test]
    fn flow_and_block_levels_add_up() {
        // 61 mapping levels, `x:` and two flow levels: 64.
        let mut text = nested(MAX_DEPTH - 3, "mapping");
        text.push_str(&format!("{}x: [{{a: 1}}]\n", " ".repeat(MAX_DEPTH - 3)));
        assert!(depth_ok(&text));
        let deeper = text.replace("[{a: 1}]", "[{a: [1]}]");
        assert!(!depth_ok(&deeper));
    }

    #[test]
    fn levels_close_with_their_brackets_and_indentation() {
        let closed = format!("a: {}\n", "[]".repeat(10_000));
        assert!(depth_ok(&closed));
        let mut siblings = String::new();
        for _ in 0..1000 {
            siblings.push_str(&nested(MAX_DEPTH - 1, "mapping"));
        }
        assert!(depth_ok(&siblings));
        let markers = format!("{}\n", "- x\n".repeat(10_000));
        assert!(depth_ok(&markers));
    }

    #[test]
    fn a_document_marker_does_not_hide_what_follows() {
        assert!(!depth_ok(&format!("--- {}\n", "[".repeat(100))));
        assert!(depth_ok("%YAML 1.2\n---\ntitle: x\n...\n"));
    }
}
