//! One scrolling list's window: the first visible row and the height it was
//! last drawn in. Drawing asks for the rows to show (keeping the selection
//! visible with the least scrolling); keys ask for a page's size.

use std::cell::Cell;
use std::ops::Range;

/// Where a list is scrolled to. Drawing updates it (it holds `Cell`s), so
/// scrolling stays where the user left it from one frame to the next.
#[derive(Debug, Clone, Default)]
pub struct Viewport {
    /// First visible row.
    offset: Cell<usize>,
    /// Rows shown at the last draw.
    height: Cell<usize>,
}

impl Viewport {
    /// The rows to draw of `len` in `height` rows with `selected` visible,
    /// remembering both for the next draw and for paging.
    pub fn range(&self, selected: usize, len: usize, height: usize) -> Range<usize> {
        self.height.set(height);
        if height == 0 || len == 0 {
            return 0..0;
        }
        let mut offset = self.offset.get();
        if selected < offset {
            offset = selected;
        } else if selected >= offset + height {
            offset = selected + 1 - height;
        }
        offset = offset.min(len.saturating_sub(height));
        self.offset.set(offset);
        offset..(offset + height).min(len)
    }

    /// How many rows a page key moves: the height last drawn (at least 1).
    pub fn page_size(&self) -> isize {
        isize::try_from(self.height.get().max(1)).unwrap_or(1)
    }

    /// The rows last drawn (0 before the first draw).
    pub fn height(&self) -> usize {
        self.height.get()
    }

    /// Back to the top (a new list, or a new filter).
    pub fn reset(&self) {
        self.offset.set(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolls_only_as_far_as_needed() {
        let v = Viewport::default();
        assert_eq!(v.range(0, 100, 10), 0..10);
        assert_eq!(v.range(12, 100, 10), 3..13);
        assert_eq!(v.range(7, 100, 10), 3..13);
        assert_eq!(v.range(0, 100, 10), 0..10);
        assert_eq!(v.range(99, 100, 10), 90..100);
        assert_eq!(v.range(99, 100, 0), 0..0);
        assert_eq!(v.range(0, 0, 10), 0..0);
    }

    #[test]
    fn a_shorter_list_or_a_taller_window_pulls_the_window_back() {
        let v = Viewport::default();
        assert_eq!(v.range(99, 100, 10), 90..100);
        // The list shrank under the window: it ends at the list's end.
        assert_eq!(v.range(4, 5, 10), 0..5);
        assert_eq!(v.range(50, 100, 10), 41..51);
        // Taller: as many rows as fit, from the same place when it can.
        assert_eq!(v.range(50, 100, 20), 41..61);
        assert_eq!(v.range(50, 55, 20), 35..55);
    }

    #[test]
    fn a_page_is_the_height_last_drawn_and_reset_goes_to_the_top() {
        let v = Viewport::default();
        assert_eq!((v.page_size(), v.height()), (1, 0));
        v.range(30, 100, 12);
        assert_eq!((v.page_size(), v.height()), (12, 12));
        v.reset();
        assert_eq!(v.range(5, 100, 12), 0..12);
    }
}
