//! Layout helpers shared by overlays and screens: a centred box, word
//! wrapping and truncation by display width.

use ratatui::layout::Rect;
use ratatui::text::Span;

/// A `width`×`height` box centred in `area`, clipped to it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

fn display_width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Cuts text to at most `width` display columns, ending in `…` when cut.
pub fn truncate(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = display_width(c.encode_utf8(&mut [0; 4]));
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The last `width` display columns of `s` (whole characters).
fn tail(s: &str, width: usize) -> String {
    let mut out = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = display_width(c.encode_utf8(&mut [0; 4]));
        if used + w > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.into_iter().rev().collect()
}

/// Cuts an identifier to at most `width` columns with the `…` in the
/// middle, so its end stays visible: for `manufacturer,model,serial` the
/// whole serial (and the comma before it) is kept whenever it fits, because
/// rows of one model differ only there.
pub fn truncate_identifier(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_string();
    }
    if width <= 2 {
        return truncate(s, width);
    }
    let keep_end = match s.rfind(',') {
        Some(i) if display_width(&s[i..]) + 2 <= width => display_width(&s[i..]),
        // No serial part that fits: the end gets a little more than half.
        _ => (width - 1).div_ceil(2),
    };
    let end = tail(s, keep_end);
    let head = truncate(s, width - display_width(&end));
    format!("{head}{end}")
}

/// Wraps text at spaces into lines of at most `width` columns; words longer
/// than a line are split. Always returns at least one line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word_width = display_width(word);
        if line_width > 0 && line_width + 1 + word_width > width {
            lines.push(std::mem::take(&mut line));
            line_width = 0;
        }
        if word_width > width {
            for c in word.chars() {
                let w = display_width(c.encode_utf8(&mut [0; 4]));
                if line_width + w > width && line_width > 0 {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0;
                }
                line.push(c);
                line_width += w;
            }
            continue;
        }
        if line_width > 0 {
            line.push(' ');
            line_width += 1;
        }
        line.push_str(word);
        line_width += word_width;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_splits_long_words() {
        assert_eq!(
            wrap("check digit is wrong", 11),
            ["check digit", "is wrong"]
        );
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("a b", 0), ["a", "b"]);
    }

    #[test]
    fn truncates_with_an_ellipsis() {
        assert_eq!(truncate("490154203237518", 8), "4901542…");
        assert_eq!(truncate("short", 8), "short");
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn identifiers_keep_their_serial_visible() {
        let dell = "Dell Inc.,Latitude 7440,DL00049";
        assert_eq!(truncate_identifier(dell, 40), dell);
        assert_eq!(truncate_identifier(dell, 24), "Dell Inc.,Latit…,DL00049");
        assert_eq!(truncate_identifier(dell, 17), "Dell Inc…,DL00049");
        assert_eq!(truncate_identifier(dell, 8).chars().count(), 8);
        assert_eq!(truncate_identifier("490154203237518", 9), "4901…7518");
        assert_eq!(truncate_identifier("abc", 2), "a…");
        for width in 0..34 {
            let cut = truncate_identifier(dell, width);
            assert!(display_width(&cut) <= width, "{width}: {cut}");
        }
    }

    #[test]
    fn centred_box_stays_inside() {
        let area = Rect::new(0, 0, 10, 4);
        assert_eq!(centered(area, 20, 20), area);
        assert_eq!(centered(area, 4, 2), Rect::new(3, 1, 4, 2));
    }
}
