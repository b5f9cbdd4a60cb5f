//! What the keymap speaks of: the scopes a binding applies in and the
//! actions a key can ask for. Their names in `config.toml` are in
//! `names`; the default keys are in `defaults`.

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Form,
    List,
    /// The Tenant tab of the List screen (on top of `List`).
    Tenant,
    /// The Drafts/Outbox tab of the List screen (on top of `List`).
    Outbox,
    Detail,
    Scan,
    Import,
    Help,
    /// The message log overlay (F9).
    Log,
    /// A question before a destructive or overwriting step.
    Confirm,
    /// A dialog with a text field: the description editor, the export path.
    Dialog,
    /// The answer to a finished step (the Tenant delete results).
    Results,
    /// A filter prompt (Recent and Tenant): letters type the filter.
    Prompt,
    /// The sign-in screen.
    SignIn,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Form => "New identity",
            Scope::List => "List",
            Scope::Tenant => "Tenant list",
            Scope::Outbox => "Drafts/Outbox",
            Scope::Detail => "Detail",
            Scope::Scan => "Scan",
            Scope::Import => "Import CSV",
            Scope::Help => "Help",
            Scope::Log => "Message log",
            Scope::Confirm => "Confirmation",
            Scope::Dialog => "Dialog",
            Scope::Results => "Results",
            Scope::Prompt => "Filter prompt",
            Scope::SignIn => "Sign-in",
        }
    }
}

/// What a key asks for. Each has a name in `config.toml` (`Action::name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    OpenForm,
    OpenList,
    Submit,
    CancelSubmit,
    SaveDraft,
    NextField,
    PrevField,
    Back,
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    First,
    Last,
    OpenSelected,
    NewForm,
    OpenScan,
    ScanUndo,
    ScanCycleType,
    ScanCyclePlatform,
    ScanEditSetting,
    ScanToggleCommit,
    ScanSendQueued,
    OpenImport,
    ImportCommit,
    ImportToggleOverwrite,
    ImportSaveReport,
    // List tabs and the Tenant list (see `app::tenant`).
    NextTab,
    PrevTab,
    SelectTab(u8),
    Filter,
    Sort,
    ReverseSort,
    StaleView,
    Refresh,
    CancelLoad,
    ToggleMark,
    Delete,
    Export,
    // Detail actions.
    EditDescription,
    CopyId,
    RawJson,
    // Drafts and the outbox (see `app::outbox`).
    /// Pause or resume sending (offline mode).
    ToggleOffline,
    SyncOutbox,
    /// Outbox tab: discard the selected item (asks first).
    Discard,
    /// Outbox tab: queue a rejected or duplicate item again.
    Resend,
    /// Outbox tab: queue it again, overwriting the tenant's copy.
    ResendOverwrite,
    /// Open or close the message log.
    ToggleLog,
    /// Form: edit the description in $VISUAL or $EDITOR.
    EditInEditor,
    /// A confirmation: go ahead.
    Confirm,
    /// A confirmation: keep things as they are.
    Keep,
    /// Recent: list one origin (form, scan, import), then all again.
    CycleOrigin,
    /// Import: load the file whose path was typed.
    ImportLoad,
    /// A dialog or prompt: take what was typed (save, write, keep the filter).
    Accept,
    /// A dialog or the sign-in: close without doing anything.
    Cancel,
    /// A filter prompt: close it and clear the filter.
    Clear,
    /// The export dialog: the next file format.
    CycleFormat,
    /// Close a results window.
    Close,
    /// Sign-in: copy the code (or the sign-in URL).
    CopyCode,
    /// Sign-in: try again after a failure.
    Retry,
}
