use crate::Code;
use thiserror::Error;

/// Invalid domain input: every variant is the user's input being wrong, never I/O.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// A purpose name that is not one of the known DPV purposes.
    #[error("unknown purpose {given:?}; known purposes: {known}")]
    UnknownPurpose {
        /// What the user typed.
        given: String,
        /// The known names, comma separated.
        known: String,
    },
    /// A category that is not a lowercase slug.
    #[error(
        "invalid category {given:?}: use a lowercase slug of letters, digits and dashes \
         (for example: {suggestions})"
    )]
    InvalidCategory {
        /// What the user typed.
        given: String,
        /// A few suggested categories, comma separated.
        suggestions: String,
    },
    /// A dataset name that is empty, too long or has characters we do not accept.
    #[error(
        "invalid dataset name {given:?}: use 1 to 64 letters, digits, '-', '_' or '.', \
         not starting with '.'"
    )]
    InvalidDatasetName {
        /// What the user typed.
        given: String,
    },
    /// A duration that is not a number followed by s, m, h or d.
    #[error(
        "invalid duration {given:?}: write a whole number followed by s, m, h or d (30s, 30m, 12h, 7d)"
    )]
    InvalidDuration {
        /// What the user typed.
        given: String,
    },
    /// A role name other than member, steward or trainer.
    #[error("unknown role {given:?}: use member, steward or trainer")]
    UnknownRole {
        /// What the user typed.
        given: String,
    },
}

impl CoreError {
    /// A stable machine-readable code; the UI and CLI map it to messages.
    pub fn code(&self) -> Code {
        match self {
            CoreError::UnknownPurpose { .. } => Code::InputUnknownPurpose,
            CoreError::InvalidCategory { .. } => Code::InputInvalidCategory,
            CoreError::InvalidDatasetName { .. } => Code::InputInvalidDatasetName,
            CoreError::InvalidDuration { .. } => Code::InputInvalidDuration,
            CoreError::UnknownRole { .. } => Code::InputUnknownRole,
        }
    }
}
