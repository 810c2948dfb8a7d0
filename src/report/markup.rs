//! Text made safe for HTML and XML, content and quoted attribute values
//! alike: markup escaped, and the control characters XML 1.0 cannot hold
//! at all (and HTML treats as errors) replaced.

pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_control_characters_are_not_left_raw() {
        assert_eq!(
            escape("a<b>&\"c\"'\u{1}\u{7f}\n"),
            "a&lt;b&gt;&amp;&quot;c&quot;&#39;\u{fffd}\u{7f}\n"
        );
    }
}
