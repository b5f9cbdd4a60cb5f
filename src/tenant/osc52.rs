//! Copying to the clipboard with OSC 52 (`ESC ] 52 ; c ; <base64> BEL`):
//! works through SSH and tmux (with `set-clipboard on`) without a clipboard
//! library. The text is sanitised first, so the sequence can carry nothing
//! but the visible text.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::sanitize::sanitize;

/// The most text copied at once (terminals cap OSC 52 payloads).
pub const MAX_COPY_BYTES: usize = 4096;

/// The escape sequence that puts `text` on the clipboard.
pub fn sequence(text: &str) -> String {
    let clean = sanitize(text);
    let mut end = clean.len().min(MAX_COPY_BYTES);
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "\u{1b}]52;c;{}\u{7}",
        STANDARD.encode(&clean.as_bytes()[..end])
    )
}

/// Writes the sequence and flushes.
pub fn copy(out: &mut impl std::io::Write, text: &str) -> std::io::Result<()> {
    out.write_all(sequence(text).as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_is_base64_of_the_clean_text() {
        assert_eq!(sequence("abc"), "\u{1b}]52;c;YWJj\u{7}");
        // An embedded escape cannot end the sequence early or start another.
        let seq = sequence("id\u{7}\u{1b}]0;pwned\u{7}-1");
        let payload = seq
            .strip_prefix("\u{1b}]52;c;")
            .and_then(|s| s.strip_suffix('\u{7}'))
            .unwrap();
        assert!(
            payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        );
        assert_eq!(STANDARD.decode(payload).unwrap(), b"id-1");
        let mut out = Vec::new();
        copy(&mut out, &"é".repeat(5000)).unwrap();
        let long = String::from_utf8(out).unwrap();
        let decoded = STANDARD.decode(&long[7..long.len() - 1]).unwrap();
        assert!(decoded.len() <= MAX_COPY_BYTES && String::from_utf8(decoded).is_ok());
    }
}
