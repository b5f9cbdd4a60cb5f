//! Reusable pieces of the screens: they draw what they are given and know
//! nothing of the application state.

pub mod empty_state;
pub mod footer;
pub mod modal;
pub mod picker;
pub mod spinner;
pub mod status_bar;
pub mod text_field;
pub mod theme;
pub mod toast;

pub use empty_state::draw_empty_state;
pub use footer::{Footer, Hint};
pub use picker::{Picker, PickerEvent};
pub use status_bar::{StatusBar, TargetBadge};
pub use text_field::TextField;
pub use theme::{Theme, Tone};
