//! Where passphrases and recovery phrases come from: a file, an environment variable, or
//! an interactive prompt; never from nowhere.

use std::io::IsTerminal;
use std::path::Path;

use crate::error::CliError;
use secrecy::SecretString;

fn usage(message: String) -> CliError {
    CliError::Usage(message)
}

fn read_secret_file(path: &Path, what: &str) -> Result<SecretString, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        usage(format!(
            "cannot read the {what} file {}: {e}",
            path.display()
        ))
    })?;
    let trimmed = text.trim_end_matches(['\n', '\r']);
    if trimmed.is_empty() {
        return Err(usage(format!(
            "the {what} file {} is empty",
            path.display()
        )));
    }
    Ok(SecretString::from(trimmed.to_owned()))
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The passphrase for an existing home.
pub fn passphrase(file: Option<&Path>) -> Result<SecretString, CliError> {
    if let Some(file) = file {
        return read_secret_file(file, "passphrase");
    }
    if let Ok(value) = std::env::var("DATACOOP_PASSPHRASE") {
        return Ok(SecretString::from(value));
    }
    if interactive() {
        let value = rpassword::prompt_password("Passphrase: ")
            .map_err(|e| usage(format!("cannot read the passphrase: {e}")))?;
        return Ok(SecretString::from(value));
    }
    Err(usage(
        "no passphrase: set DATACOOP_PASSPHRASE, pass --passphrase-file FILE, or run in a terminal"
            .into(),
    ))
}

/// A new passphrase for `init` and `restore`, asked twice on a terminal.
pub fn new_passphrase(file: Option<&Path>) -> Result<SecretString, CliError> {
    if file.is_some() || std::env::var_os("DATACOOP_PASSPHRASE").is_some() || !interactive() {
        let value = passphrase(file)?;
        datacoop_node::check_new_passphrase(&value)?;
        return Ok(value);
    }
    prompt_new_passphrase()
}

/// The passphrase `passphrase change` seals with: from `file`, env
/// `DATACOOP_NEW_PASSPHRASE`, or asked twice on a terminal.
pub fn replacement_passphrase(file: Option<&Path>) -> Result<SecretString, CliError> {
    let value = if let Some(file) = file {
        read_secret_file(file, "new passphrase")?
    } else if let Ok(value) = std::env::var("DATACOOP_NEW_PASSPHRASE") {
        SecretString::from(value)
    } else if interactive() {
        return prompt_new_passphrase();
    } else {
        return Err(usage(
            "no new passphrase: set DATACOOP_NEW_PASSPHRASE, pass --new-passphrase-file FILE, or run in a terminal"
                .into(),
        ));
    };
    datacoop_node::check_new_passphrase(&value)?;
    Ok(value)
}

fn prompt_new_passphrase() -> Result<SecretString, CliError> {
    loop {
        let first = rpassword::prompt_password("New passphrase: ")
            .map_err(|e| usage(format!("cannot read the passphrase: {e}")))?;
        if let Err(e) = datacoop_node::check_new_passphrase(&SecretString::from(first.clone())) {
            eprintln!("{e}");
            continue;
        }
        let second = rpassword::prompt_password("Repeat it: ")
            .map_err(|e| usage(format!("cannot read the passphrase: {e}")))?;
        if first == second {
            return Ok(SecretString::from(first));
        }
        eprintln!("The two passphrases differ; try again.");
    }
}

/// A recovery phrase for `recovery restore`.
pub fn recovery_phrase(file: Option<&Path>) -> Result<SecretString, CliError> {
    if let Some(file) = file {
        return read_secret_file(file, "recovery phrase");
    }
    if let Ok(value) = std::env::var("DATACOOP_RECOVERY_PHRASE") {
        return Ok(SecretString::from(value));
    }
    if interactive() {
        let value = rpassword::prompt_password("Recovery phrase (24 words): ")
            .map_err(|e| usage(format!("cannot read the recovery phrase: {e}")))?;
        return Ok(SecretString::from(value));
    }
    Err(usage(
        "no recovery phrase: set DATACOOP_RECOVERY_PHRASE, pass --phrase-file FILE, or run in a terminal".into(),
    ))
}
