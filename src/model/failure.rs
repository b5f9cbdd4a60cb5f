//! A failed call to the local database on its way to the screen: what the
//! console was doing, and the typed error. It becomes text only when drawn.
//! The store turns SQLite's own errors into [`StoreError::Sqlite`] (with
//! their text worded for the user), so nothing here needs the database.

/// What the console was doing with the local database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreTask {
    /// Journalling a form's submission before it is sent.
    JournalSubmission,
    /// Recording the service's answer to a form's submission.
    RecordAnswer,
    /// Recording that a cancelled submission was not applied.
    RecordCancel,
    SaveRecent,
    LoadRecent,
    SaveSetting,
    ReadLedger,
    /// Keeping a description edited on Detail as the live copy.
    KeepEdit,
    /// Keeping the live copies just read from the tenant.
    KeepLive,
    /// Reading the Drafts/Outbox items and counts.
    LoadOutbox,
    /// Reading the newest draft at start.
    LoadDrafts,
    SaveDraft,
    /// Dropping the form's draft once it is sent or emptied.
    DropDraft,
    /// Queueing an item (from the form, or again from the outbox).
    Queue,
    /// Discarding an outbox item.
    Discard,
}

impl StoreTask {
    /// The head of the message: "could not …".
    pub fn failed_text(self) -> &'static str {
        match self {
            StoreTask::JournalSubmission => "could not record the submission in the ledger",
            StoreTask::RecordAnswer => "could not record the answer in the ledger",
            StoreTask::RecordCancel => "could not record the cancel in the ledger",
            StoreTask::SaveRecent => "could not save to Recent",
            StoreTask::LoadRecent => "could not load Recent",
            StoreTask::SaveSetting => "could not save a setting",
            StoreTask::ReadLedger => "could not read the ledger",
            StoreTask::KeepEdit => "could not keep the edit in Recent",
            StoreTask::KeepLive => "could not keep the live state",
            StoreTask::LoadOutbox => "could not load the outbox",
            StoreTask::LoadDrafts => "could not load drafts",
            StoreTask::SaveDraft => "could not save the draft",
            StoreTask::DropDraft => "could not drop the draft",
            StoreTask::Queue => "could not queue it",
            StoreTask::Discard => "could not discard it",
        }
    }
}

/// An error SQLite reported, as the user reads it: the store words it when
/// it converts SQLite's error (a full disk is named as such).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SqliteError {
    pub message: String,
}

/// Why a call to the local database failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("local database error: {0}")]
    Sqlite(SqliteError),
    #[error("could not create the data folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the local database is from a newer enroll-console (schema {found}, this build knows {known})"
    )]
    TooNew { found: i64, known: i64 },
    #[error(
        "the local database {path} is damaged ({detail}); a copy was kept as {copy}. Move the \
         file away to start with an empty one, or restore it from a backup"
    )]
    Damaged {
        path: String,
        detail: String,
        copy: String,
    },
    /// An earlier call panicked while holding the database.
    #[error("the local database is unavailable after an earlier failure")]
    Unavailable,
    /// The blocking task running a call failed.
    #[error("local database task failed: {0}")]
    Task(String),
}

/// A local-database call that failed, and what it was for.
#[derive(Debug, thiserror::Error)]
#[error("{}: {error}", task.failed_text())]
pub struct StoreFailure {
    pub task: StoreTask,
    pub error: StoreError,
}

impl StoreFailure {
    pub fn new(task: StoreTask, error: impl Into<StoreError>) -> Self {
        StoreFailure {
            task,
            error: error.into(),
        }
    }
}

/// `.map_err(StoreTask::X.failed())` on a store call's result.
impl StoreTask {
    pub fn failed<E: Into<StoreError>>(self) -> impl FnOnce(E) -> StoreFailure {
        move |error| StoreFailure::new(self, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_the_task_then_the_error() {
        let failure = StoreFailure::new(StoreTask::SaveRecent, StoreError::Unavailable);
        assert_eq!(
            failure.to_string(),
            "could not save to Recent: the local database is unavailable after an earlier failure"
        );
        let failure = StoreTask::LoadRecent.failed()(StoreError::Task("cancelled".into()));
        assert_eq!(
            failure.to_string(),
            "could not load Recent: local database task failed: cancelled"
        );
        assert!(matches!(failure.error, StoreError::Task(_)));
    }
}
