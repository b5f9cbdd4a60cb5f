//! The palettes on real screens: snapshots of the Form and the Tenant list
//! in the light theme WITH their styles (so a reader can check what colour
//! each run has), and every list's selection without colour: a `>` marker
//! and reverse video in the monochrome theme.

use crate::ui_support;

use crossterm::event::KeyCode;
use enroll_console::app::{App, Msg, OutboxMsg};
use enroll_console::screens::styled::render_to_styled_string;
use enroll_console::store::ItemState;
use enroll_console::widgets::Theme;
use ui_support::*;

/// The Tenant tab with `n` identities loaded, the second selected.
fn tenant_loaded(theme: Theme, n: usize) -> App {
    let mut app = app().with_theme(theme);
    load_tenant(&mut app, (0..n).map(tenant_identity).collect());
    send(&mut app, [key(KeyCode::Down)]);
    app
}

/// The form with an identifier whose check digit is wrong (an inline error).
fn form_with_error(theme: Theme) -> App {
    let mut app = app().with_theme(theme);
    type_text(&mut app, "490154203237517");
    app
}

#[test]
fn light_theme_form_with_styles() {
    insta::assert_snapshot!(
        "light_form_80x24",
        render_to_styled_string(&form_with_error(Theme::light()), 80, 24)
    );
}

#[test]
fn light_theme_tenant_list_with_styles() {
    insta::assert_snapshot!(
        "light_tenant_80x24",
        render_to_styled_string(&tenant_loaded(Theme::light(), 5), 80, 24)
    );
}

/// The rows of a styled dump that are drawn in reverse video, with the text
/// row above each.
fn reversed_rows(dump: &str) -> Vec<String> {
    let lines: Vec<&str> = dump.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[1].starts_with("  │ ") && w[1].contains("reversed"))
        .map(|w| w[0].to_string())
        .collect()
}

fn assert_no_colour(dump: &str) {
    for line in dump.lines().filter(|l| l.starts_with("  │ ")) {
        assert!(
            !line.contains("fg=") && !line.contains("bg="),
            "a colour without colour: {line}"
        );
    }
}

/// Every list and picker shows its selection with a marker and reverse
/// video when there is no colour at all.
#[test]
fn selection_is_visible_without_colour_everywhere() {
    let mono = Theme::monochrome();
    let mut screens: Vec<(&str, App, &str)> = Vec::new();

    let mut recent = app().with_theme(mono);
    recent.update(Msg::RecentLoaded(recent_entries()));
    send(&mut recent, [key(KeyCode::F(4)), key(KeyCode::Down)]);
    screens.push(("Recent", recent, "C02XK0XXJGH5"));

    screens.push(("Tenant", tenant_loaded(mono, 5), "C02XK0001GH5"));

    let mut outbox = app().with_theme(mono);
    outbox.update(Msg::Outbox(OutboxMsg::Loaded {
        items: vec![
            outbox_item(1, "C02XK0XXJGH5", ItemState::Queued, None),
            outbox_item(2, "F9FXK1ABCD12", ItemState::Queued, None),
        ],
        counts: Default::default(),
    }));
    send(
        &mut outbox,
        [
            key(KeyCode::F(4)),
            key(KeyCode::Char('3')),
            key(KeyCode::Down),
        ],
    );
    screens.push(("Drafts/Outbox", outbox, "F9FXK1ABCD12"));

    let mut picker = app().with_theme(mono);
    send(&mut picker, [key(KeyCode::Tab), key(KeyCode::Enter)]);
    send(&mut picker, [key(KeyCode::Down)]);
    screens.push(("type picker", picker, "IMEI"));

    let mut preview = app().with_theme(mono);
    load_import_preview(&mut preview);
    send(&mut preview, [key(KeyCode::Down)]);
    screens.push(("import preview", preview, "490154203237517"));

    let mut log = app().with_theme(mono);
    send(&mut log, [ctrl('d'), key(KeyCode::F(9))]);
    screens.push(("message log", log, "Nothing to save yet"));

    for (name, app, selected) in screens {
        let dump = render_to_styled_string(&app, 80, 24);
        assert_no_colour(&dump);
        let rows = reversed_rows(&dump);
        let row = rows
            .iter()
            .find(|r| r.contains(selected))
            .unwrap_or_else(|| panic!("{name}: {selected} not in reverse video:\n{dump}"));
        let before = row.split(selected).next().unwrap_or_default();
        assert!(before.contains('>'), "{name}: no marker on {row:?}");
    }
}
