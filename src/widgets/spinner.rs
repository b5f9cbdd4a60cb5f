//! A braille spinner driven by the tick counter (no clock reads).

const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// The frame for a tick.
pub fn frame(tick: u64) -> &'static str {
    FRAMES[(tick % FRAMES.len() as u64) as usize]
}

/// Elapsed seconds as text, from ticks of `tick_ms` milliseconds: `2.3 s`.
pub fn elapsed(ticks: u64, tick_ms: u64) -> String {
    let tenths = ticks.saturating_mul(tick_ms) / 100;
    format!("{}.{} s", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_cycle_and_elapsed_reads_well() {
        assert_eq!(frame(0), frame(10));
        assert_ne!(frame(0), frame(1));
        assert_eq!(elapsed(23, 100), "2.3 s");
        assert_eq!(elapsed(0, 100), "0.0 s");
    }
}
