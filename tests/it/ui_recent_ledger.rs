//! Recent paged and filtered, against a real ledger: the app's page
//! requests answered by the store, as the runtime does, and what the list
//! then shows.

use crossterm::event::KeyCode;
use enroll_console::app::recent::{RECENT_PAGE, RecentPage, RecentQuery};
use enroll_console::app::{App, Effect, Msg};
use enroll_console::domain::{
    DateTimeOffset, ImportedDeviceIdentity, ImportedDeviceIdentityResult,
    ImportedDeviceIdentityType, Platform,
};
use enroll_console::model::RecentEntry;
use enroll_console::runtime::LocalStore;
use enroll_console::screens::render_to_string;
use enroll_console::store::Store;

use crate::ui_support::{app, key};

/// A ledger of `n` created identities, SERIAL00000 the oldest; every
/// third came from a scan.
fn ledger(n: usize) -> Store {
    let store = Store::open_in_memory().unwrap();
    let start = DateTimeOffset::parse("2026-01-01T00:00:00Z").unwrap();
    for i in 0..n {
        let mut identity = ImportedDeviceIdentity::new(
            format!("SERIAL{i:05}"),
            ImportedDeviceIdentityType::SerialNumber,
            Platform::Ios,
        );
        identity.id = Some(format!("id-{i}"));
        let result = ImportedDeviceIdentityResult {
            identity,
            status: Some(true),
        };
        let at = DateTimeOffset(start.inner() + time::Duration::seconds(i as i64));
        store
            .record_recent(&RecentEntry {
                recorded_at: at,
                profile: "sandbox".into(),
                method: enroll_console::domain::RecordedMethod::Create,
                raw: serde_json::to_value(&result).unwrap(),
                result,
                origin: if i % 3 == 0 { "scan" } else { "form" }.into(),
                item_id: None,
                live: None,
            })
            .unwrap();
    }
    store
}

/// Applies `msg`, then answers every page request from `store` until none
/// is left; returns how many pages were read.
fn run(app: &mut App, store: &Store, msg: Msg) -> usize {
    let mut pending: Vec<Effect> = app.update(msg);
    let mut pages = 0;
    while let Some(effect) = pending.pop() {
        if let Effect::LoadRecent(page) = effect {
            pages += 1;
            let entries = LocalStore::recent_page(store, &page).unwrap();
            pending.extend(app.update(Msg::RecentPage { page, entries }));
        }
    }
    pages
}

fn selected(app: &App) -> String {
    app.recent()
        .selected()
        .unwrap()
        .result
        .identity
        .identifier()
        .to_string()
}

#[test]
fn recent_pages_well_past_a_thousand_entries_to_the_last_one() {
    let store = ledger(2_500);
    let mut app = app();
    assert_eq!(run(&mut app, &store, key(KeyCode::F(4))), 1);
    assert_eq!(app.recent().len(), RECENT_PAGE);
    assert!(app.recent().has_more());
    assert_eq!(selected(&app), "SERIAL02499", "newest first");
    // Scrolling down brings the next pages as the end nears.
    for _ in 0..600 {
        run(&mut app, &store, key(KeyCode::Down));
    }
    assert_eq!(selected(&app), "SERIAL01899");
    assert!(app.recent().len() >= 1_000, "{}", app.recent().len());
    // End follows the pages to the very last (oldest) entry.
    let pages = run(&mut app, &store, key(KeyCode::End));
    assert!(pages >= 1, "{pages}");
    assert_eq!(app.recent().len(), 2_500);
    assert!(!app.recent().has_more());
    assert_eq!(selected(&app), "SERIAL00000");
    // Each identity is listed once.
    let mut ids: Vec<_> = app
        .recent()
        .entries()
        .iter()
        .map(|e| e.item_id.unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 2_500);
}

#[test]
fn a_move_while_end_follows_the_pages_stops_the_following() {
    let store = ledger(1_200);
    let mut app = app();
    run(&mut app, &store, key(KeyCode::F(4)));
    // End asks for the next page; Home before it arrives stays on top.
    let effects = app.update(key(KeyCode::End));
    let Some(Effect::LoadRecent(page)) = effects.first().cloned() else {
        panic!("{effects:?}");
    };
    app.update(key(KeyCode::Home));
    let entries = LocalStore::recent_page(&store, &page).unwrap();
    app.update(Msg::RecentPage { page, entries });
    assert_eq!(selected(&app), "SERIAL01199");
}

#[test]
fn the_filter_prompt_and_the_origin_key_list_what_matches() {
    let store = ledger(30);
    let mut app = app();
    run(&mut app, &store, key(KeyCode::F(4)));
    assert_eq!(app.recent().len(), 30);
    // `/` opens the prompt; letters go to it, not to the keymap.
    run(&mut app, &store, key(KeyCode::Char('/')));
    assert!(app.text_focused());
    for c in "serial0001".chars() {
        run(&mut app, &store, key(KeyCode::Char(c)));
    }
    let shown: Vec<String> = app
        .recent()
        .entries()
        .iter()
        .map(|e| e.result.identity.identifier().to_string())
        .collect();
    assert_eq!(shown.len(), 10, "{shown:?}");
    assert!(
        shown.iter().all(|s| s.starts_with("SERIAL0001")),
        "{shown:?}"
    );
    run(&mut app, &store, key(KeyCode::Enter));
    assert!(!app.text_focused());
    // The origin key: form items only (of SERIAL00010..19, all but the
    // scans 12, 15 and 18), then scans only.
    run(&mut app, &store, key(KeyCode::Char('f')));
    assert_eq!(app.recent().query().origin.as_deref(), Some("form"));
    assert!(app.recent().entries().iter().all(|e| e.origin == "form"));
    assert_eq!(app.recent().len(), 7);
    run(&mut app, &store, key(KeyCode::Char('f')));
    assert_eq!(app.recent().query().origin.as_deref(), Some("scan"));
    assert!(app.recent().entries().iter().all(|e| e.origin == "scan"));
    assert_eq!(app.recent().len(), 3);
    let screen = render_to_string(&app, 100, 24);
    assert!(screen.contains("origin: scan"), "{screen}");
    assert!(screen.contains("SERIAL00018"), "{screen}");
    // Then import (none), then all again.
    run(&mut app, &store, key(KeyCode::Char('f')));
    assert_eq!(app.recent().len(), 0);
    let screen = render_to_string(&app, 100, 24);
    assert!(
        screen.contains("Nothing from this machine matches"),
        "{screen}"
    );
    run(&mut app, &store, key(KeyCode::Char('f')));
    assert_eq!(app.recent().query().origin, None);
    assert_eq!(app.recent().len(), 10);
    // Esc in the prompt clears the text.
    run(&mut app, &store, key(KeyCode::Char('/')));
    run(&mut app, &store, key(KeyCode::Esc));
    assert_eq!(app.recent().len(), 30);
    assert!(app.recent().query().is_empty());
}

#[test]
fn a_paste_goes_into_the_filter_prompt_and_filters() {
    let store = ledger(30);
    let mut app = app();
    run(&mut app, &store, key(KeyCode::F(4)));
    // Without the prompt a paste is not taken as keys.
    run(&mut app, &store, Msg::Paste("serial00012".into()));
    assert_eq!(app.recent().len(), 30);
    assert!(app.recent().query().is_empty());
    run(&mut app, &store, key(KeyCode::Char('/')));
    run(&mut app, &store, Msg::Paste("serial0001\n".into()));
    assert_eq!(app.recent().query().text, "serial0001");
    assert_eq!(app.recent().len(), 10);
    assert!(app.text_focused());
}

#[test]
fn a_page_of_an_earlier_filter_is_dropped() {
    let store = ledger(5);
    let mut app = app();
    run(&mut app, &store, key(KeyCode::F(4)));
    let stale = RecentPage {
        query: RecentQuery {
            text: "old".into(),
            origin: None,
        },
        offset: 0,
        limit: RECENT_PAGE,
    };
    app.update(Msg::RecentPage {
        page: stale,
        entries: Vec::new(),
    });
    assert_eq!(app.recent().len(), 5);
}

#[test]
fn each_entry_shows_where_it_came_from() {
    let store = ledger(3);
    let mut app = app();
    run(&mut app, &store, key(KeyCode::F(4)));
    for width in [60, 80, 120] {
        let screen = render_to_string(&app, width, 20);
        assert!(screen.contains("Origin"), "{width}: {screen}");
        assert!(
            screen
                .lines()
                .any(|l| l.contains("SERIAL00000") && l.contains("scan")),
            "{width}: {screen}"
        );
        assert!(
            screen
                .lines()
                .any(|l| l.contains("SERIAL00001") && l.contains("form")),
            "{width}: {screen}"
        );
    }
}
