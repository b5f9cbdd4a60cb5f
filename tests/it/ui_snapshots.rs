//! Snapshots of every screen on a TestBackend, at 80×24 and 60×20. Ids and
//! timestamps in the data are fixed, so nothing needs redacting.

use crate::ui_support;

use crossterm::event::KeyCode;
use enroll_console::app::{App, Msg};
use enroll_console::graph::{GraphError, UsedMethod};
use enroll_console::screens::render_to_string;
use ui_support::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (60, 20)];

fn snapshot_all(name: &str, app: &App) {
    // The Help title carries the build's git revision: the same width whatever it is.
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\(git [0-9a-f]{12}\)", "(git ************)");
    settings.add_filter(r"\(git unknown\)( ─+)─{5}", "(git ************)$1");
    settings.bind(|| {
        for (width, height) in SIZES {
            insta::assert_snapshot!(
                format!("{name}_{width}x{height}"),
                render_to_string(app, width, height)
            );
        }
    });
}

fn finished(
    result: enroll_console::domain::ImportedDeviceIdentityResult,
    method: UsedMethod,
) -> App {
    let mut app = app();
    type_text(&mut app, "490154203237518");
    let (request, _) = submitted(&app.update(ctrl('s'))).expect("submit");
    app.update(Msg::SubmitFinished {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Ok(outcome(result, method)),
    });
    app
}

#[test]
fn form_empty() {
    snapshot_all("form_empty", &app());
}

#[test]
fn form_with_inline_error() {
    let mut app = app();
    type_text(&mut app, "490154203237517");
    send(&mut app, [key(KeyCode::Tab), key(KeyCode::Tab)]);
    app.update(ctrl('s'));
    snapshot_all("form_inline_error", &app);
}

#[test]
fn form_with_open_picker_and_warning() {
    let mut app = app();
    type_text(&mut app, "490154203237518");
    send(
        &mut app,
        [
            key(KeyCode::Tab),
            key(KeyCode::Tab),
            key(KeyCode::Right),
            key(KeyCode::Right),
            key(KeyCode::Enter),
        ],
    );
    snapshot_all("form_picker_open", &app);
}

#[test]
fn form_sending() {
    let mut app = app();
    type_text(&mut app, "C02.XK0XXJGH5");
    app.update(ctrl('s'));
    for _ in 0..12 {
        app.update(Msg::Tick);
    }
    snapshot_all("form_sending", &app);
}

#[test]
fn detail_created() {
    let app = finished(
        created_result("490154203237518", "b6f3e8a0-51d4-4c1e-9a57-3c1f0e2d7a11"),
        UsedMethod::Create,
    );
    snapshot_all("detail_created", &app);
}

#[test]
fn detail_status_false() {
    let mut result = created_result("490154203237518", "b6f3e8a0-51d4-4c1e-9a57-3c1f0e2d7a11");
    result.status = Some(false);
    let app = finished(result, UsedMethod::Import);
    snapshot_all("detail_status_false", &app);
}

#[test]
fn list_recent() {
    let mut app = app();
    app.update(Msg::RecentLoaded(recent_entries()));
    send(&mut app, [key(KeyCode::F(4)), key(KeyCode::Char('j'))]);
    snapshot_all("list_recent", &app);
}

#[test]
fn list_recent_empty() {
    let mut app = app();
    app.update(Msg::RecentLoaded(Vec::new()));
    app.update(key(KeyCode::F(4)));
    snapshot_all("list_recent_empty", &app);
}

#[test]
fn help_on_the_form() {
    let mut app = app();
    app.update(key(KeyCode::F(1)));
    snapshot_all("help_form", &app);
}

#[test]
fn too_small() {
    insta::assert_snapshot!("too_small_39x9", render_to_string(&app(), 39, 9));
}

#[test]
fn form_with_error_panel_after_an_unchecked_cancel() {
    let mut app = app();
    type_text(&mut app, "490154203237518");
    let (request, _) = submitted(&app.update(ctrl('s'))).expect("submit");
    app.update(key(KeyCode::Esc));
    app.update(Msg::SubmitCancelled { request });
    app.update(Msg::SubmitChecked {
        request,
        received_at: at("2024-05-01T09:30:13Z"),
        result: Err(GraphError::Service {
            status: 429,
            code: String::new(),
            message: String::new(),
            request_id: Some("7d1c7a52-0000-4000-8000-000000000001".into()),
            client_request_id: String::new(),
            retry_after_secs: Some(20),
        }),
    });
    snapshot_all("form_error_panel", &app);
}

#[test]
fn form_for_a_tenant_while_offline() {
    let mut info = info();
    info.target = enroll_console::session::Target::Tenant("contoso.onmicrosoft.com".into());
    info.profile = "contoso".into();
    info.offline = true;
    let app = App::new(info);
    snapshot_all("form_tenant_offline", &app);
}
