//! The list budgets of PRODUCT §13, measured (docs/PERFORMANCE.md, "Lists"):
//! the first frame of a fresh console, a keystroke → frame on the Tenant list
//! at 100,000 rows, one filter keystroke over 100,000 rows, and decoding a
//! 1,000-item list page. Run with `cargo bench --bench lists`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use enroll_console::app::{App, Msg, SessionInfo, TenantMsg};
use enroll_console::domain::{
    DateTimeOffset, EnrollmentState, ImportedDeviceIdentity, ImportedDeviceIdentityType, Page,
    Platform,
};
use enroll_console::screens;
use enroll_console::session::{Paths, Target};
use enroll_console::tenant::TenantView;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ROWS: usize = 100_000;
const PAGE: usize = 1_000;

fn info() -> SessionInfo {
    SessionInfo {
        target: Target::Sandbox,
        profile: "sandbox".into(),
        paths: Paths {
            config_dir: PathBuf::from("/tmp/bench/config"),
            data_dir: PathBuf::from("/tmp/bench/data"),
            log_dir: PathBuf::from("/tmp/bench/logs"),
        },
        offline: false,
    }
}

fn at(s: &str) -> DateTimeOffset {
    DateTimeOffset::parse(s).unwrap_or_else(|e| panic!("fixed timestamp: {e}"))
}

/// Identities like a real tenant's: IMEIs, serials and Windows tuples.
fn identity(i: usize) -> ImportedDeviceIdentity {
    let (identifier, ty, platform) = match i % 4 {
        0 | 1 => (
            format!("35{:013}", i),
            ImportedDeviceIdentityType::Imei,
            Platform::Android,
        ),
        2 => (
            format!("SBX{i:09}"),
            ImportedDeviceIdentityType::SerialNumber,
            Platform::MacOs,
        ),
        _ => (
            format!("Contoso,Laptop {},SN{i:08}", i % 7),
            ImportedDeviceIdentityType::ManufacturerModelSerial,
            Platform::Windows,
        ),
    };
    let mut identity = ImportedDeviceIdentity::new(identifier, ty, platform);
    identity.id = Some(format!("00000000-0000-4000-8000-{i:012}"));
    identity.created_date_time = Some(at("2024-01-01T08:00:00Z"));
    identity.last_modified_date_time = Some(at("2024-01-01T08:00:00Z"));
    identity.last_contacted_date_time = Some(at("0001-01-01T00:00:00Z"));
    if i % 10 > 5 {
        identity.enrollment_state = Some(EnrollmentState::Enrolled);
        identity.last_contacted_date_time = Some(at("2024-03-01T08:00:00Z"));
    }
    if i.is_multiple_of(3) {
        identity.description = Some(format!("PO-{} cart {}", 4000 + i % 97, i % 13));
    }
    identity
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn special(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// A console on the Tenant tab holding `ROWS` identities.
fn loaded_app() -> App {
    let mut app = App::new(info());
    app.update(special(KeyCode::F(4)));
    app.update(key('2'));
    let pages = ROWS / PAGE;
    for p in 0..pages {
        app.update(Msg::Tenant(TenantMsg::Page {
            load: 1,
            received_at: at("2024-06-01T12:00:00Z"),
            identities: (p * PAGE..(p + 1) * PAGE).map(identity).collect(),
            last: p + 1 == pages,
        }));
    }
    assert_eq!(app.tenant().view().total(), ROWS);
    app
}

fn terminal() -> Terminal<TestBackend> {
    match Terminal::new(TestBackend::new(120, 40)) {
        Ok(t) => t,
        Err(never) => match never {},
    }
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    if let Err(never) = terminal.draw(|frame| screens::draw(frame, app)) {
        match never {}
    }
}

fn first_frame(c: &mut Criterion) {
    c.bench_function("first_frame/new_app_and_draw", |b| {
        b.iter(|| {
            let app = App::new(info());
            let mut terminal = terminal();
            draw(&mut terminal, &app);
            black_box(terminal);
        })
    });
}

fn keystroke_to_frame(c: &mut Criterion) {
    let mut app = loaded_app();
    let mut terminal = terminal();
    let mut down = true;
    c.bench_function("tenant_100k/keystroke_to_frame", |b| {
        b.iter(|| {
            app.update(key(if down { 'j' } else { 'k' }));
            down = !down;
            draw(&mut terminal, &app);
        })
    });
    app.update(key('s'));
    c.bench_function("tenant_100k/keystroke_to_frame_sorted", |b| {
        b.iter(|| {
            app.update(key(if down { 'j' } else { 'k' }));
            down = !down;
            draw(&mut terminal, &app);
        })
    });
}

fn filter_keystroke(c: &mut Criterion) {
    let mut view = TenantView::new();
    let all: Vec<ImportedDeviceIdentity> = (0..ROWS).map(identity).collect();
    for chunk in all.chunks(PAGE) {
        view.append(chunk);
    }
    drop(all);
    // The first letter scans every row; typing on scans the current view.
    c.bench_function("filter_100k/first_keystroke_full_scan", |b| {
        b.iter_batched_ref(
            || view.clone(),
            |v| black_box(v.set_filter("s")),
            BatchSize::LargeInput,
        )
    });
    let mut typed = view.clone();
    typed.set_filter("sbx00009");
    c.bench_function("filter_100k/typing_on_narrows", |b| {
        b.iter_batched_ref(
            || typed.clone(),
            |v| black_box(v.set_filter("sbx000099")),
            BatchSize::LargeInput,
        )
    });
    c.bench_function("filter_100k/backspace_widens_full_scan", |b| {
        b.iter_batched_ref(
            || typed.clone(),
            |v| black_box(v.set_filter("sbx0000")),
            BatchSize::LargeInput,
        )
    });
    c.bench_function("filter_100k/prefix_word_state", |b| {
        b.iter_batched_ref(
            || view.clone(),
            |v| black_box(v.set_filter("state:enrolled")),
            BatchSize::LargeInput,
        )
    });
    // Through the app, with the frame: a letter typed into the filter prompt.
    let mut app = loaded_app();
    let mut terminal = terminal();
    app.update(key('/'));
    c.bench_function("filter_100k/app_keystroke_and_frame", |b| {
        b.iter(|| {
            app.update(key('9'));
            draw(&mut terminal, &app);
            app.update(special(KeyCode::Backspace));
            draw(&mut terminal, &app);
        })
    });
}

fn decode_page(c: &mut Criterion) {
    let page = Page::new((0..PAGE).map(identity).collect::<Vec<_>>());
    let body = serde_json::to_vec(&page).unwrap_or_default();
    c.bench_function("decode/list_page_1000", |b| {
        b.iter(|| {
            let page: Page<ImportedDeviceIdentity> =
                serde_json::from_slice(black_box(&body)).unwrap_or_else(|_| Page::new(Vec::new()));
            black_box(page)
        })
    });
    let mut view = TenantView::new();
    let identities = page.value;
    c.bench_function("decode/append_page_1000_to_rows", |b| {
        b.iter(|| {
            view.append(black_box(&identities));
            if view.total() > 50 * PAGE {
                view.clear();
            }
        })
    });
}

criterion_group! {
    name = lists;
    config = Criterion::default().sample_size(30);
    targets = first_frame, keystroke_to_frame, filter_keystroke, decode_page
}
criterion_main!(lists);
