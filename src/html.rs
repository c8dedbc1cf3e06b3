//! HTML escaping: the one function every template value, code block,
//! chart label and error page goes through.

/// HTML-escapes text for element content and attribute values. Tera calls
/// it for every value a template prints, so runs without a special character
/// are copied whole rather than char by char.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut copied = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // ASCII bytes are always character boundaries.
        out.push_str(&text[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_replaces_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            escape("a<b>&\"c\" 'é' ✓"),
            "a&lt;b&gt;&amp;&quot;c&quot; &#39;é&#39; ✓"
        );
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape(""), "");
    }
}
