//! Following Recent's registrations until they enroll: the live state of
//! each entry not yet enrolled is read from the tenant (GET by id, reads
//! only) on `r`/F5 and every minute while Recent is open. The timer is the
//! wall time the runtime sends (`Msg::Clock`); nothing here reads a clock.

use super::{RecentCtx, RecentList, RecentOutcome};
use crate::app::Effect;
use crate::domain::{DateTimeOffset, EnrollmentState, ImportedDeviceIdentity};
use crate::model::LiveCopy;
use crate::widgets::Tone;

/// How often the live state is read while Recent is open.
pub const LIVE_REFRESH_SECS: i64 = 60;

/// One entry to read: its ledger item and its id in the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveTarget {
    pub item_id: i64,
    pub service_id: String,
}

/// What one refresh read.
#[derive(Debug)]
pub struct LiveRefreshed {
    pub fetched_at: DateTimeOffset,
    /// Per item: the identity as the tenant holds it, or a user-facing error.
    pub results: Vec<(i64, Result<ImportedDeviceIdentity, String>)>,
}

pub(super) fn is_enrolled(identity: &ImportedDeviceIdentity) -> bool {
    identity.enrollment_state == Some(EnrollmentState::Enrolled)
}

impl RecentList {
    /// The wall time arrived while Recent is shown: a refresh is due a
    /// minute after the last one.
    pub fn on_clock(&mut self, now: DateTimeOffset, ctx: RecentCtx) -> RecentOutcome {
        if !self.is_loaded() {
            return RecentOutcome::default();
        }
        let due = match self.live_started_at {
            None => true,
            Some(last) => (now.inner() - last.inner()).whole_seconds() >= LIVE_REFRESH_SECS,
        };
        if due {
            self.start_live_refresh(now, false, ctx)
        } else {
            RecentOutcome::default()
        }
    }

    /// `r`/F5 on Recent.
    pub(super) fn refresh_live_now(&mut self, ctx: RecentCtx) -> RecentOutcome {
        match ctx.now {
            Some(now) => self.start_live_refresh(now, true, ctx),
            None => RecentOutcome::default(),
        }
    }

    fn start_live_refresh(
        &mut self,
        now: DateTimeOffset,
        manual: bool,
        ctx: RecentCtx,
    ) -> RecentOutcome {
        if self.live_in_flight || ctx.offline {
            if manual && ctx.offline {
                return RecentOutcome::status("Offline: the live state is not read", Tone::Warning);
            }
            return RecentOutcome::default();
        }
        self.live_started_at = Some(now);
        let targets = self.live_targets();
        if targets.is_empty() {
            if manual {
                return RecentOutcome::status("Every registration here is enrolled", Tone::Info);
            }
            return RecentOutcome::default();
        }
        self.live_in_flight = true;
        let mut outcome = RecentOutcome::default();
        if manual {
            outcome = RecentOutcome::status(
                format!("Reading the live state of {} registrations…", targets.len()),
                Tone::Info,
            );
        }
        outcome.effects.push(Effect::RefreshLive(targets));
        outcome
    }

    /// What a refresh read: the live copies, and a word when one failed or
    /// some became enrolled.
    pub fn on_live_refreshed(&mut self, done: LiveRefreshed) -> RecentOutcome {
        self.live_in_flight = false;
        let mut failed = None;
        let mut enrolled_now = 0;
        for (item_id, result) in done.results {
            match result {
                Ok(identity) => {
                    if self.set_live(
                        item_id,
                        LiveCopy {
                            identity,
                            fetched_at: done.fetched_at,
                        },
                    ) {
                        enrolled_now += 1;
                    }
                }
                Err(e) => failed = Some(e),
            }
        }
        let enrolled = self.enrolled_this_session();
        if let Some(e) = failed {
            let text = crate::sanitize::sanitize(&e).into_owned();
            RecentOutcome::status(
                format!("Could not read the live state: {text}"),
                Tone::Error,
            )
        } else if enrolled_now > 0 {
            RecentOutcome::status(
                format!("{enrolled} of your registrations enrolled"),
                Tone::Success,
            )
        } else {
            RecentOutcome::default()
        }
    }
}

/// "enrolled 2 min ago" (from the last contact), or the state's label.
pub fn live_label(live: &LiveCopy, now: Option<DateTimeOffset>) -> String {
    let state = live
        .identity
        .enrollment_state
        .as_ref()
        .map(|s| s.label().to_string())
        .unwrap_or_else(|| "—".into());
    let (Some(now), Some(contact), true) = (
        now,
        live.identity.last_contacted_date_time,
        is_enrolled(&live.identity),
    ) else {
        return state;
    };
    let minutes = (now.inner() - contact.inner()).whole_minutes().max(0);
    match minutes {
        0 => format!("{state} just now"),
        m if m < 60 => format!("{state} {m} min ago"),
        m if m < 48 * 60 => format!("{state} {} h ago", m / 60),
        m => format!("{state} {} d ago", m / (24 * 60)),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::app::{App, Msg, SessionInfo};
    use crate::domain::{ImportedDeviceIdentityResult, ImportedDeviceIdentityType, Platform};
    use crate::model::RecentEntry;
    use crate::session::{Paths, Target};

    fn at(s: &str) -> DateTimeOffset {
        DateTimeOffset::parse(s).unwrap()
    }

    fn entry(n: i64) -> RecentEntry {
        let mut identity = ImportedDeviceIdentity::new(
            format!("SERIAL{n:06}"),
            ImportedDeviceIdentityType::SerialNumber,
            Platform::Windows,
        );
        identity.id = Some(format!("id-{n}"));
        RecentEntry {
            recorded_at: at("2026-01-01T10:00:00Z"),
            profile: "sandbox".into(),
            method: crate::domain::RecordedMethod::Create,
            result: ImportedDeviceIdentityResult {
                identity,
                status: Some(true),
            },
            raw: serde_json::Value::Null,
            origin: "form".into(),
            item_id: Some(n),
            live: None,
        }
    }

    /// An app on Recent with two entries not yet enrolled.
    fn on_recent() -> App {
        let mut app = App::new(SessionInfo {
            target: Target::Sandbox,
            profile: "sandbox".into(),
            paths: Paths::under(PathBuf::from("/h")),
            offline: false,
        });
        let effects = app.update(Msg::Key(KeyEvent::new(KeyCode::F(4), KeyModifiers::NONE)));
        assert!(
            matches!(effects.as_slice(), [Effect::LoadRecent(page)] if page.offset == 0),
            "opening Recent reads the ledger: {effects:?}"
        );
        app.update(Msg::RecentLoaded(vec![entry(1), entry(2)]));
        app
    }

    fn refreshes(effects: &[Effect]) -> Vec<i64> {
        effects
            .iter()
            .flat_map(|e| match e {
                Effect::RefreshLive(targets) => targets.iter().map(|t| t.item_id).collect(),
                _ => Vec::new(),
            })
            .collect()
    }

    fn enrolled(n: i64, contact: &str) -> ImportedDeviceIdentity {
        let mut identity = entry(n).result.identity;
        identity.enrollment_state = Some(EnrollmentState::Enrolled);
        identity.last_contacted_date_time = Some(at(contact));
        identity
    }

    #[test]
    fn the_live_state_is_read_every_minute_while_recent_is_open_and_only_then() {
        let mut app = on_recent();
        let first = app.update(Msg::Clock(at("2026-01-01T10:01:00Z")));
        assert_eq!(refreshes(&first), [1, 2]);
        // One at a time, and not again before a minute has passed.
        assert!(refreshes(&app.update(Msg::Clock(at("2026-01-01T10:01:05Z")))).is_empty());
        app.update(Msg::RecentLive(LiveRefreshed {
            fetched_at: at("2026-01-01T10:01:01Z"),
            results: vec![(1, Ok(enrolled(1, "2026-01-01T10:00:30Z")))],
        }));
        assert!(refreshes(&app.update(Msg::Clock(at("2026-01-01T10:01:59Z")))).is_empty());
        // Due again: only the entry not yet enrolled is read.
        let again = app.update(Msg::Clock(at("2026-01-01T10:02:00Z")));
        assert_eq!(refreshes(&again), [2]);
        app.update(Msg::RecentLive(LiveRefreshed {
            fetched_at: at("2026-01-01T10:02:01Z"),
            results: Vec::new(),
        }));
        // Recent closed: no timer.
        app.update(Msg::Key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE)));
        assert!(refreshes(&app.update(Msg::Clock(at("2026-01-01T10:09:00Z")))).is_empty());
    }

    #[test]
    fn r_refreshes_now_and_a_change_is_highlighted_and_summarised() {
        let mut app = on_recent();
        app.update(Msg::Clock(at("2026-01-01T10:00:10Z")));
        app.update(Msg::RecentLive(LiveRefreshed {
            fetched_at: at("2026-01-01T10:00:10Z"),
            results: Vec::new(),
        }));
        let r = app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('r'),
            KeyModifiers::NONE,
        )));
        assert_eq!(refreshes(&r), [1, 2], "r does not wait for the minute");
        app.update(Msg::RecentLive(LiveRefreshed {
            fetched_at: at("2026-01-01T10:00:20Z"),
            results: vec![
                (1, Ok(enrolled(1, "2026-01-01T09:58:00Z"))),
                (2, Ok(entry(2).result.identity)),
            ],
        }));
        let status = app.status().map(|s| s.text.as_str());
        assert_eq!(status, Some("1 of your registrations enrolled"));
        let first = &app.recent().entries()[0];
        assert!(app.recent().enrolled_here(first));
        assert!(!app.recent().enrolled_here(&app.recent().entries()[1]));
        let live = first.live.as_ref().unwrap();
        assert_eq!(live_label(live, app.now()), "enrolled 2 min ago");
        // Detail shows the live copy and when it was read.
        app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        let detail = app.detail().unwrap();
        assert_eq!(
            detail.result.identity.enrollment_state,
            Some(EnrollmentState::Enrolled)
        );
        assert_eq!(detail.live_fetched_at, Some(at("2026-01-01T10:00:20Z")));
    }
}
