//! Drafts and the outbox driven through `App::update`: the draft timer and
//! every way out, queueing offline and after failures that may pass, and
//! when a sync starts, waits for the service or stops.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::{App, Effect, Msg, SessionInfo};
use crate::model::ItemState;
use crate::outbox::Stop;
use crate::session::{Paths, Target};

fn app(offline: bool) -> App {
    App::new(SessionInfo {
        target: Target::Sandbox,
        profile: "sandbox".into(),
        paths: Paths::under(PathBuf::from("/h")),
        offline,
    })
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| app.update(key(KeyCode::Char(c))))
        .collect()
}

/// The Drafts/Outbox effects among `effects` (the drafts tests use it too).
pub(super) fn outbox_effects(effects: &[Effect]) -> Vec<OutboxEffect> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Outbox(o) => Some(o.clone()),
            _ => None,
        })
        .collect()
}

fn loaded(pending: usize) -> Msg {
    Msg::Outbox(OutboxMsg::Loaded {
        items: Vec::new(),
        counts: OutboxCounts {
            pending,
            ..OutboxCounts::default()
        },
    })
}

#[test]
fn typing_arms_the_draft_timer_once_and_the_timer_saves_the_form() {
    let mut app = app(false);
    let effects = type_text(&mut app, "C02XK0");
    assert_eq!(outbox_effects(&effects), [OutboxEffect::ArmDraftTimer]);
    let effects = app.update(Msg::Outbox(OutboxMsg::DraftTimer));
    let [OutboxEffect::SaveDraft(fields)] = &outbox_effects(&effects)[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(fields.identifier, "C02XK0");
    // Nothing changed since: the next timer saves nothing; a new key re-arms.
    assert!(app.update(Msg::Outbox(OutboxMsg::DraftTimer)).is_empty());
    assert_eq!(
        outbox_effects(&type_text(&mut app, "X")),
        [OutboxEffect::ArmDraftTimer]
    );
}

#[test]
fn every_way_out_saves_the_draft_first() {
    for exit in [ctrl('c'), Msg::Quit] {
        let mut app = app(false);
        type_text(&mut app, "C02XK0XX");
        let effects = app.update(exit);
        assert!(
            matches!(&effects[..], [Effect::Outbox(OutboxEffect::SaveDraft(f)), Effect::Quit] if f.identifier == "C02XK0XX"),
            "{effects:?}"
        );
    }
    // Esc leaves the form for the List: saved at once.
    let mut app = app(false);
    type_text(&mut app, "AB");
    let effects = app.update(key(KeyCode::Esc));
    assert!(matches!(
        &outbox_effects(&effects)[..],
        [OutboxEffect::SaveDraft(_)]
    ));
    // Ctrl-D saves explicitly.
    let mut app = self::app(false);
    type_text(&mut app, "AB");
    let effects = app.update(ctrl('d'));
    assert!(matches!(
        &outbox_effects(&effects)[..],
        [OutboxEffect::SaveDraft(_)]
    ));
}

#[test]
fn offline_submissions_are_queued_and_the_form_starts_afresh() {
    let mut app = app(true);
    app.update(loaded(0));
    type_text(&mut app, "C02XK0XXJGH5");
    let effects = app.update(ctrl('s'));
    let [
        OutboxEffect::Enqueue {
            identity,
            unknown_outcome,
            form,
            ..
        },
    ] = &outbox_effects(&effects)[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(identity.identifier(), "C02XK0XXJGH5");
    assert_eq!(form.identifier, "C02XK0XXJGH5");
    assert!(!unknown_outcome);
    assert!(app.form().is_blank());
    assert_eq!(app.outbox().badge().as_deref(), Some("outbox 1"));
    assert!(app.status().unwrap().text.contains("Queued C02XK0XXJGH5"));
}

#[test]
fn failures_that_may_pass_go_to_the_outbox_with_their_outcome() {
    let mut app = app(false);
    app.update(loaded(0));
    type_text(&mut app, "C02XK0XXJGH5");
    let effects = app.update(ctrl('s'));
    let Some(Effect::Submit { request, .. }) =
        effects.iter().find(|e| matches!(e, Effect::Submit { .. }))
    else {
        panic!("{effects:?}");
    };
    let error = crate::graph::GraphError::Service {
        status: 503,
        code: String::new(),
        message: "busy".into(),
        request_id: None,
        client_request_id: "c".into(),
        retry_after_secs: Some(3),
    };
    let effects = app.update(Msg::SubmitFinished {
        request: *request,
        received_at: crate::domain::DateTimeOffset::parse("2026-01-01T00:00:00Z").unwrap(),
        result: Err(error),
    });
    let effects = outbox_effects(&effects);
    assert!(
        matches!(
            &effects[..],
            [
                OutboxEffect::Enqueue {
                    unknown_outcome: true,
                    ..
                },
                OutboxEffect::Sync
            ]
        ),
        "{effects:?}"
    );
}

#[test]
fn sync_starts_online_waits_for_the_probe_when_unreachable_and_pauses_offline() {
    let mut paused = app(true);
    assert!(paused.update(loaded(3)).is_empty());
    assert_eq!(
        outbox_effects(&paused.update(ctrl('o'))),
        [OutboxEffect::Sync],
        "going online sends the outbox"
    );
    let mut app = app(false);
    assert_eq!(outbox_effects(&app.update(loaded(3))), [OutboxEffect::Sync]);
    let report = SyncReport {
        pending: 3,
        stopped: Some(Stop::Unreachable("dns".into())),
        ..SyncReport::default()
    };
    let effects = outbox_effects(&app.update(Msg::Outbox(OutboxMsg::SyncFinished(Ok(report)))));
    assert_eq!(
        effects,
        [OutboxEffect::Load, OutboxEffect::ProbeLater { attempt: 1 }]
    );
    assert!(
        app.update(loaded(3)).is_empty(),
        "no sync while unreachable"
    );
    let effects = outbox_effects(&app.update(Msg::Outbox(OutboxMsg::Probed(Err("no".into())))));
    assert_eq!(effects, [OutboxEffect::ProbeLater { attempt: 2 }]);
    let effects = outbox_effects(&app.update(Msg::Outbox(OutboxMsg::Probed(Ok(())))));
    assert_eq!(effects, [OutboxEffect::Sync]);
    // Going offline stops the running sync.
    let effects = outbox_effects(&app.update(ctrl('o')));
    assert_eq!(effects, [OutboxEffect::CancelSync, OutboxEffect::Load]);
    assert!(app.outbox().paused());
}

#[test]
fn the_newest_draft_is_restored_into_a_blank_form() {
    let mut app = app(false);
    let mut typed = FormState::new();
    typed.identifier.insert_str("HALF-TYPED");
    typed.set_focus(crate::app::FieldId::Description);
    let effects = app.update(Msg::Outbox(OutboxMsg::LatestDraft(Some((
        4,
        typed.draft_fields(),
    )))));
    assert_eq!(app.form().draft_fields(), typed.draft_fields());
    assert_eq!(app.status().unwrap().text, "Draft restored");
    assert_eq!(outbox_effects(&effects), [OutboxEffect::UseDraft(4)]);
    assert_eq!(app.outbox().form_item(), Some(4));
}

#[test]
fn a_sync_summary_is_not_replaced_by_an_empty_second_one() {
    let mut app = app(false);
    assert_eq!(outbox_effects(&app.update(loaded(1))), [OutboxEffect::Sync]);
    // The item was queued during the sync: its reload arrives meanwhile.
    assert!(outbox_effects(&app.update(loaded(1))).is_empty());
    let report = SyncReport {
        created: 1,
        requests: 1,
        ..SyncReport::default()
    };
    let effects = outbox_effects(&app.update(Msg::Outbox(OutboxMsg::SyncFinished(Ok(report)))));
    assert_eq!(
        effects,
        [OutboxEffect::Load],
        "no second sync from the counts of before this one"
    );
    assert_eq!(
        app.status().map(|s| s.text.as_str()),
        Some("Outbox: 1 created")
    );
    // The reload says nothing is pending: nothing more is sent.
    assert!(outbox_effects(&app.update(loaded(0))).is_empty());
    // An automatic sync that settles nothing keeps the summary.
    assert_eq!(outbox_effects(&app.update(loaded(1))), [OutboxEffect::Sync]);
    let empty = SyncReport::default();
    app.update(Msg::Outbox(OutboxMsg::SyncFinished(Ok(empty.clone()))));
    assert_eq!(
        app.status().map(|s| s.text.as_str()),
        Some("Outbox: 1 created")
    );
    // Asked for (`y`), even an empty sync answers.
    assert_eq!(
        outbox_effects(&app.on_outbox_action(crate::app::Action::SyncOutbox)),
        [OutboxEffect::Sync]
    );
    app.update(Msg::Outbox(OutboxMsg::SyncFinished(Ok(empty))));
    assert_eq!(
        app.status().map(|s| s.text.as_str()),
        Some("Outbox: 0 created")
    );
}

#[test]
fn an_item_waiting_for_its_next_attempt_is_not_synced_until_it_is_due() {
    let mut app = app(false);
    let now = crate::domain::DateTimeOffset::parse("2026-01-01T10:00:00Z").unwrap();
    app.update(Msg::Clock(now));
    assert_eq!(outbox_effects(&app.update(loaded(1))), [OutboxEffect::Sync]);
    let report = SyncReport {
        pending: 1,
        deferred: 1,
        requests: 9,
        next_attempt_in: Some(std::time::Duration::from_secs(240)),
        ..SyncReport::default()
    };
    let effects = outbox_effects(&app.update(Msg::Outbox(OutboxMsg::SyncFinished(Ok(report)))));
    assert_eq!(
        effects,
        [
            OutboxEffect::Load,
            OutboxEffect::SyncLater {
                after: std::time::Duration::from_secs(240)
            }
        ]
    );
    // The reload shows the item waiting: no sync (no loop of empty syncs).
    let mut item = crate::model::OutboxItem {
        reason: Some("HTTP 500".into()),
        attempts: 9,
        next_attempt_at: crate::domain::DateTimeOffset::parse("2026-01-01T10:04:00Z").ok(),
        spent_rounds: 3,
        ..crate::model::OutboxItem::sample(1, "C02XK0XXJGH5", ItemState::Queued, now)
    };
    let waiting = Msg::Outbox(OutboxMsg::Loaded {
        items: vec![item.clone()],
        counts: OutboxCounts {
            pending: 1,
            ..OutboxCounts::default()
        },
    });
    assert!(outbox_effects(&app.update(waiting)).is_empty());
    assert_eq!(
        app.outbox().next_try(&item).as_deref(),
        Some("next try in 4 min")
    );
    // The timer fires: reload; by then the item is due and is synced.
    let effects = outbox_effects(&app.update(Msg::Outbox(OutboxMsg::SyncDue)));
    assert_eq!(effects, [OutboxEffect::Load]);
    app.update(Msg::Clock(
        crate::domain::DateTimeOffset::parse("2026-01-01T10:04:01Z").unwrap(),
    ));
    item.next_attempt_at = crate::domain::DateTimeOffset::parse("2026-01-01T10:04:00Z").ok();
    let due = Msg::Outbox(OutboxMsg::Loaded {
        items: vec![item.clone()],
        counts: OutboxCounts {
            pending: 1,
            ..OutboxCounts::default()
        },
    });
    assert_eq!(outbox_effects(&app.update(due)), [OutboxEffect::Sync]);
    assert_eq!(app.outbox().next_try(&item), None);
}

#[test]
fn a_store_failure_reaches_the_status_bar_as_its_text() {
    let mut app = app(false);
    let failure = crate::model::StoreFailure::new(
        crate::model::StoreTask::Queue,
        crate::model::StoreError::Unavailable,
    );
    app.update(Msg::Outbox(OutboxMsg::Error(failure)));
    let status = app.status().unwrap();
    assert_eq!(
        status.text,
        "could not queue it: the local database is unavailable after an earlier failure"
    );
    assert_eq!(status.tone, crate::widgets::Tone::Error);
}
