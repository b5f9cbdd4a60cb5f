//! What Detail learns from the ledger and tells it: whether this machine
//! created the identity a Tenant row opened (only those say "✓ created"),
//! and a description edited on Detail carried to the identity's ledger item,
//! so Recent and its Detail show the identity as it is now.

use super::RecentList;
use crate::app::{DetailView, Effect};
use crate::domain::{DateTimeOffset, ImportedDeviceIdentity};
use crate::model::LiveCopy;

/// Where the identity on Detail came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Provenance {
    /// Sent from this machine (a submit, or Recent): the result says how it went.
    #[default]
    Sent,
    /// A row of the tenant's list; `created_here` once the ledger answered.
    Tenant { created_here: Option<bool> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum LedgerEffect {
    /// Does the ledger hold a created item with this id in the tenant?
    /// (answered with `CreatedHere`).
    AskCreatedHere { service_id: String },
    /// Keep this copy (just written to the tenant) on the identity's ledger items.
    RecordEdit {
        identity: Box<ImportedDeviceIdentity>,
        at: DateTimeOffset,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum LedgerMsg {
    CreatedHere {
        service_id: String,
        created_here: bool,
    },
}

impl DetailView {
    /// Detail shows a Tenant row: the question for the ledger, whether it is ours.
    pub fn ledger_question(&self) -> Option<LedgerEffect> {
        match (&self.provenance, &self.result.identity.id) {
            (Provenance::Tenant { .. }, Some(id)) => Some(LedgerEffect::AskCreatedHere {
                service_id: id.clone(),
            }),
            _ => None,
        }
    }

    /// The ledger's answer, kept when it is about this identity.
    pub fn on_ledger_msg(&mut self, msg: LedgerMsg) {
        match msg {
            LedgerMsg::CreatedHere {
                service_id,
                created_here,
            } => {
                if self.result.identity.id.as_deref() == Some(service_id.as_str())
                    && let Provenance::Tenant {
                        created_here: known,
                    } = &mut self.provenance
                {
                    *known = Some(created_here);
                }
            }
        }
    }
}

impl RecentList {
    /// A description saved on Detail: Recent's entries of that identity show
    /// it at once (and `shown`, the Detail on screen, says when it was
    /// read), and its ledger item keeps the copy for the next load.
    pub fn carry_edit(
        &mut self,
        identity: ImportedDeviceIdentity,
        at: DateTimeOffset,
        shown: Option<&mut DetailView>,
    ) -> Vec<Effect> {
        if identity.id.is_none() {
            return Vec::new();
        }
        self.replace_live(&LiveCopy {
            identity: identity.clone(),
            fetched_at: at,
        });
        if let Some(view) = shown
            && view.provenance == Provenance::Sent
            && view.result.identity.id == identity.id
        {
            view.live_fetched_at = Some(at);
        }
        vec![Effect::Ledger(LedgerEffect::RecordEdit {
            identity: Box::new(identity),
            at,
        })]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{App, Screen, TenantMsg};
    use crate::domain::{ImportedDeviceIdentityResult, ImportedDeviceIdentityType, Platform};
    use crate::model::RecentEntry;

    fn identity(id: &str, description: &str) -> ImportedDeviceIdentity {
        let mut identity = ImportedDeviceIdentity::new(
            "356938035643809",
            ImportedDeviceIdentityType::Imei,
            Platform::Android,
        );
        identity.id = Some(id.into());
        identity.description = Some(description.into());
        identity
    }

    fn at(s: &str) -> DateTimeOffset {
        DateTimeOffset::parse(s).unwrap()
    }

    #[test]
    fn a_tenant_row_is_marked_created_only_when_the_ledger_says_so() {
        let mut app = App::for_tests();
        app.detail = Some(DetailView::from_identity(identity("t-1", "x")));
        assert_eq!(
            app.ask_ledger_about_detail(),
            vec![Effect::Ledger(LedgerEffect::AskCreatedHere {
                service_id: "t-1".into()
            })]
        );
        let provenance = |app: &App| app.detail().unwrap().provenance;
        assert_eq!(provenance(&app), Provenance::Tenant { created_here: None });
        // An answer about another identity changes nothing.
        app.update(crate::app::Msg::Ledger(LedgerMsg::CreatedHere {
            service_id: "other".into(),
            created_here: true,
        }));
        assert_eq!(provenance(&app), Provenance::Tenant { created_here: None });
        app.update(crate::app::Msg::Ledger(LedgerMsg::CreatedHere {
            service_id: "t-1".into(),
            created_here: false,
        }));
        assert_eq!(
            provenance(&app),
            Provenance::Tenant {
                created_here: Some(false)
            }
        );
    }

    #[test]
    fn a_description_edited_on_recent_detail_shows_when_opened_again() {
        let mut app = App::for_tests();
        let created = identity("r-1", "at creation");
        let result = ImportedDeviceIdentityResult {
            identity: created.clone(),
            status: Some(true),
        };
        app.recent.set(vec![RecentEntry {
            recorded_at: at("2026-01-01T10:00:00Z"),
            profile: "sandbox".into(),
            method: crate::domain::RecordedMethod::Create,
            raw: serde_json::to_value(&result).unwrap(),
            result,
            origin: "form".into(),
            item_id: Some(7),
            live: None,
        }]);
        app.screen = Screen::Detail;
        app.detail = Some(DetailView::from_recent(&app.recent.entries()[0]));
        let saved_at = at("2026-01-01T11:00:00Z");
        let effects = app.update(crate::app::Msg::Tenant(TenantMsg::Updated {
            received_at: saved_at,
            id: "r-1".into(),
            result: Ok(Box::new(identity("r-1", "changed"))),
        }));
        assert!(effects.contains(&Effect::Ledger(LedgerEffect::RecordEdit {
            identity: Box::new(identity("r-1", "changed")),
            at: saved_at,
        })));
        let again = DetailView::from_recent(&app.recent.entries()[0]);
        assert_eq!(
            again.result.identity.description.as_deref(),
            Some("changed")
        );
        assert_eq!(again.live_fetched_at, Some(saved_at));
    }
}
