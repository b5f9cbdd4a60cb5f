//! Makes untrusted text safe to draw: every string that comes from the
//! service, the local store or a paste passes through [`sanitize`] before it
//! reaches the terminal (PRODUCT §14).
//!
//! Removed: ANSI/VT escape sequences (CSI, OSC, DCS, SOS, PM, APC and
//! two-byte escapes, in their 7-bit and 8-bit forms), every other control
//! character, and the bidirectional override, isolate and mark characters that
//! can make text read differently from what it is. Tabs and line breaks become
//! a single space so that words stay apart.

use std::borrow::Cow;

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
/// 8-bit CSI, OSC, DCS, SOS, PM, APC and ST.
const C1_CSI: char = '\u{9b}';
const C1_OSC: char = '\u{9d}';
const C1_DCS: char = '\u{90}';
const C1_SOS: char = '\u{98}';
const C1_PM: char = '\u{9e}';
const C1_APC: char = '\u{9f}';
const C1_ST: char = '\u{9c}';

/// Bidirectional formatting characters: embeddings/overrides (U+202A–202E),
/// isolates (U+2066–2069) and the implicit marks (LRM, RLM, ALM).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn needs_cleaning(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Returns the text with escape sequences, control characters and bidi
/// controls removed; borrows when there was nothing to remove.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_cleaning) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ESC => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
                    skip_string(&mut chars)
                }
                // A two-byte escape (ESC 7, ESC c, ...): both bytes go.
                Some(_) | None => {}
            },
            C1_CSI => skip_csi(&mut chars),
            C1_OSC | C1_DCS | C1_SOS | C1_PM | C1_APC => skip_string(&mut chars),
            '\t' | '\n' | '\r' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if needs_cleaning(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Skips a CSI sequence's parameter and intermediate bytes and its final byte.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        // Anything outside the CSI byte ranges ends the sequence as well.
        if !('\u{20}'..='\u{3f}').contains(&c) {
            return;
        }
    }
}

/// Skips a control string (OSC, DCS, ...) up to BEL or the string terminator.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            BEL | C1_ST => return,
            ESC => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

/// Text for a single-line input: line breaks dropped (a pasted newline never
/// submits), then sanitised.
pub fn sanitize_paste(s: &str) -> String {
    clean_paste(s).map(|(text, _)| text).unwrap_or_default()
}

/// A paste refused because it holds control characters or escape
/// sequences (PRODUCT §3: they are rejected in every text field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("paste refused: it holds control characters or escape sequences")]
pub struct PasteRefused;

/// A paste for a single-line field: each line break (CRLF, LF or CR) and tab
/// becomes one space, as the editor path does, and the ends are trimmed;
/// returns the text and how many line breaks became spaces. Any other
/// control character, or a bidi control, refuses the whole paste.
pub fn clean_paste(s: &str) -> Result<(String, usize), PasteRefused> {
    let unified = s.replace("\r\n", "\n").replace('\r', "\n");
    let body = unified.trim_matches(|c: char| c.is_whitespace());
    if body
        .chars()
        .any(|c| !matches!(c, '\n' | '\t') && needs_cleaning(c))
    {
        return Err(PasteRefused);
    }
    let breaks = body.matches('\n').count();
    let text = body
        .chars()
        .map(|c| if matches!(c, '\n' | '\t') { ' ' } else { c })
        .collect();
    Ok((text, breaks))
}

/// JSON text with DEL, the C1 controls, the bidi controls and the line and
/// paragraph separators written as `\uXXXX` escapes: serde_json leaves them
/// raw, and a terminal would act on them. The JSON means the same; only
/// characters inside strings are affected (JSON outside strings is ASCII).
pub fn escape_json_controls(json: &str) -> Cow<'_, str> {
    let escaped =
        |c: char| matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}') || is_bidi_control(c);
    if !json.chars().any(escaped) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escaped(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_what_a_terminal_would_act_on() {
        let value = serde_json::json!({ "d": "a\u{9b}2J\u{9d}b\u{7f}c\u{202e}d\u{1b}é" });
        let text = serde_json::to_string(&value).unwrap();
        let safe = escape_json_controls(&text);
        assert_eq!(safe, r#"{"d":"a\u009b2J\u009db\u007fc\u202ed\u001bé"}"#);
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
        assert!(matches!(escape_json_controls("[1]"), Cow::Borrowed(_)));
    }

    fn is_printable(s: &str) -> bool {
        !s.chars().any(needs_cleaning)
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(sanitize("490154203237518"), Cow::Borrowed(_)));
        assert!(matches!(sanitize("Zürich — 東京"), Cow::Borrowed(_)));
    }

    #[test]
    fn removes_osc_title_and_csi_clear() {
        assert_eq!(sanitize("a\u{1b}]0;pwned\u{7}b"), "ab");
        assert_eq!(
            sanitize("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b"),
            "alinkb"
        );
        assert_eq!(sanitize("\u{1b}[2Jclear\u{1b}[31mred\u{1b}[0m"), "clearred");
        assert_eq!(sanitize("x\u{9b}2Jy"), "xy");
        assert_eq!(sanitize("x\u{1b}cy"), "xy");
        assert_eq!(sanitize("trailing\u{1b}"), "trailing");
        assert_eq!(sanitize("unterminated\u{1b}]0;title"), "unterminated");
    }

    #[test]
    fn removes_nul_controls_and_bidi() {
        assert_eq!(sanitize("a\0b\u{7f}c\u{85}d"), "abcd");
        assert_eq!(sanitize("abc\u{202E}fdp.exe"), "abcfdp.exe");
        assert_eq!(sanitize("\u{2066}x\u{2069}\u{200E}\u{200F}"), "x");
        assert_eq!(sanitize("line\r\nbreak\tand tab"), "line break and tab");
    }

    #[test]
    fn paste_turns_line_breaks_into_spaces_and_refuses_controls() {
        assert_eq!(sanitize_paste("490154203237518\r\n"), "490154203237518");
        assert_eq!(
            clean_paste("line1\nline2\r\nline3"),
            Ok(("line1 line2 line3".to_string(), 2))
        );
        assert_eq!(clean_paste("a\tb"), Ok(("a b".to_string(), 0)));
        assert_eq!(clean_paste("a\u{1b}[2Jb\n"), Err(PasteRefused));
        assert_eq!(clean_paste("x\u{202e}y"), Err(PasteRefused));
        assert_eq!(clean_paste("x\u{7}"), Err(PasteRefused));
    }

    #[test]
    fn output_is_always_printable() {
        let hostile = [
            "\u{1b}]0;title\u{7}",
            "\u{1b}[2J",
            "\0\0",
            "\u{202E}evil",
            "\u{1b}P1;2|data\u{1b}\\",
            "\u{9d}osc\u{9c}",
            "\u{1b}[",
            "\u{1b}]",
        ];
        for s in hostile {
            assert!(is_printable(&sanitize(s)), "{s:?}");
        }
    }
}
