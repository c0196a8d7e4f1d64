//! How a run ends, and the exit code that says so: the only place the codes of
//! the command line (0 passed, 1 findings, 2 could not judge) are decided.

/// Why a command did not end with success. Every message has been written to the
/// user by the time a command returns one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The run completed and a policy failed at or above `--fail-on`.
    #[error("policies failed")]
    Findings,
    /// The command could not do its work (invalid policies, an unreadable repository,
    /// a file it cannot write): nothing can be concluded from the run.
    #[error("the run did not complete")]
    Failed,
    /// The command line could not be parsed.
    #[error("invalid arguments")]
    Usage,
    /// relgate crashed (a panic): a bug; the run did not complete.
    #[error("internal error")]
    Internal,
}

/// What a command returns.
pub type Outcome = Result<(), Error>;

impl Error {
    /// The process exit code: 1 for findings, 2 when the run cannot be trusted. A gate
    /// never reports success (0) for a run that did not complete.
    pub fn exit_code(self) -> u8 {
        match self {
            Error::Findings => 1,
            Error::Failed | Error::Usage | Error::Internal => 2,
        }
    }
}

/// The exit code of an outcome: 0 on success, else [`Error::exit_code`].
pub fn exit_code(outcome: Outcome) -> u8 {
    match outcome {
        Ok(()) => 0,
        Err(e) => e.exit_code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_of_the_command_line() {
        assert_eq!(exit_code(Ok(())), 0);
        assert_eq!(exit_code(Err(Error::Findings)), 1);
        for e in [Error::Failed, Error::Usage, Error::Internal] {
            assert_eq!(exit_code(Err(e)), 2, "{e:?}");
        }
    }
}
