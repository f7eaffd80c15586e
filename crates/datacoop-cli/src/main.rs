//! The `datacoop` command line: parses arguments, finds secrets, renders results.
//! Every use case runs in `datacoop-node`.

mod cli;
mod demo;
mod error;
mod output;
mod progress;
mod secrets;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use datacoop_node::api::{
    ActivityList, ConsentAnswer, ConsentSet, ConsentShow, ConsentWithdraw, CoopAccept, CoopCreate,
    CoopInvite, CoopJoin, CoopShow, DataAdd, DataExport, DataList, DataRecipient, DataRename,
    EarningsShow, Fetch, GrantList, GrantRevoke, LogProof, LogShow, LogVerify, Op, Passphrase,
    PassphraseChange, ProposalApprove, ProposalCreate, ProposalList, RecoveryExport,
    RequestApprove, RequestCreate, RequestDeny, RequestList, Whoami,
};
use datacoop_node::{
    CancellationToken, Home, Launch, NetSettings, NodeError, Owner, OwnerInfo, OwnerKind,
    OwnerOptions, ProposedChange, Session, SessionOptions, absolute,
};
use secrecy::ExposeSecret;

use crate::cli::{
    Cli, Command, ConsentCommand, ConsentModeArg, CoopCommand, DataCommand, GrantCommand,
    LogCommand, PassphraseCommand, ProposalCommand, RecoveryCommand, RequestCommand,
};
use crate::error::CliError;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DATACOOP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(e.exit_code())
        }
    }
}

fn options() -> SessionOptions {
    SessionOptions {
        kdf_cost: datacoop_node::kdf_cost_from_env(),
        ..SessionOptions::default()
    }
}

fn tell_waiting(owner: &OwnerInfo) {
    eprintln!("waiting for {owner} to finish with this home...");
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let home = Home::resolve(cli.home.clone())?;
    let passphrase_file = cli.passphrase_file.clone();
    match cli.command {
        Command::Init { name } => {
            // Checked before asking for a passphrase, and before a running owner could
            // make this look like an ownership problem.
            if home.is_initialised() {
                return Err(NodeError::AlreadyInitialised {
                    home: home.root().to_owned(),
                }
                .into());
            }
            let passphrase = secrets::new_passphrase(passphrase_file.as_deref())?;
            let identity = datacoop_node::with_exclusive_home(
                &home,
                Duration::from_secs(120),
                tell_waiting,
                |home| {
                    datacoop_node::init(
                        home,
                        &name,
                        &passphrase,
                        datacoop_node::kdf_cost_from_env(),
                    )
                },
            )?;
            output::initialised(&home, &identity);
            Ok(())
        }
        Command::Recovery(RecoveryCommand::Restore { file, phrase_file }) => {
            let kit = datacoop_node::read_recovery_kit(&file)?;
            let phrase = secrets::recovery_phrase(phrase_file.as_deref())?;
            let passphrase = secrets::new_passphrase(passphrase_file.as_deref())?;
            let identity = datacoop_node::with_exclusive_home(
                &home,
                Duration::from_secs(120),
                tell_waiting,
                |home| {
                    datacoop_node::restore(
                        home,
                        &kit,
                        phrase.expose_secret(),
                        &passphrase,
                        datacoop_node::kdf_cost_from_env(),
                    )
                },
            )?;
            output::restored(&home, &identity);
            Ok(())
        }
        Command::Recovery(RecoveryCommand::Export {
            out,
            phrase_out: Some(phrase_out),
            ..
        }) if absolute(out.clone()) == absolute(phrase_out.clone()) => {
            // Checked before anything is asked or made: the phrase would land on the kit.
            Err(CliError::Usage(format!(
                "--out and --phrase-out both name {}: the kit and its phrase must go to different files (and are best kept apart)",
                out.display()
            )))
        }
        Command::Passphrase(PassphraseCommand::Change {
            new_passphrase_file,
        }) => {
            // Asked once: it unlocks a local session and is checked again by the node.
            let current = secrets::passphrase(passphrase_file.as_deref())?;
            let unlock_with = current.clone();
            let session = Session::open(
                &home,
                move || Ok::<_, CliError>(unlock_with),
                options(),
                tell_waiting,
            )
            .await?;
            let result = async {
                let new = secrets::replacement_passphrase(new_passphrase_file.as_deref())?;
                let op = PassphraseChange {
                    current: Passphrase::new(&current),
                    new: Passphrase::new(&new),
                };
                quick(&session, op).await?;
                output::passphrase_changed();
                Ok(())
            }
            .await;
            session.close().await;
            result
        }
        Command::Serve(args) => serve(&home, passphrase_file, cli.listen.as_deref(), args).await,
        Command::Demo { dir } => demo::run(dir.map(absolute)).await.map_err(CliError::Demo),
        Command::Events(flag) => {
            // Only a long-running owner has events; never unlock the home just to say so.
            let session = Session::open(
                &home,
                || Err(NodeError::NotHere { op: "subscribe" }),
                options(),
                tell_waiting,
            )
            .await?;
            let result = follow_events(&session, flag.json).await;
            session.close().await;
            result
        }
        command => {
            let session = Session::open(
                &home,
                || secrets::passphrase(passphrase_file.as_deref()),
                options(),
                tell_waiting,
            )
            .await?;
            if let Some(home) = session.read_only_home() {
                output::read_only(home);
            }
            let result = run_in_session(&session, command, passphrase_file.as_deref()).await;
            session.close().await;
            result
        }
    }
}

/// Resolves when the process is asked to stop (SIGINT or SIGTERM).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

async fn serve(
    home: &Home,
    passphrase_file: Option<std::path::PathBuf>,
    listen: Option<&str>,
    args: cli::ServeArgs,
) -> Result<(), CliError> {
    if !home.is_initialised() {
        return Err(
            NodeError::from(datacoop_crypto::CryptoError::KeystoreMissing {
                path: home.keystore(),
            })
            .into(),
        );
    }
    let options = OwnerOptions {
        kind: OwnerKind::Serve,
        kdf_cost: datacoop_node::kdf_cost_from_env(),
        // A one-shot command finishing its work is waited for; another owner is not.
        patience: Duration::from_secs(120),
        on_activate: None,
        net: Some(NetSettings::configured(
            listen,
            args.relay.as_deref(),
            args.local_discovery,
        )?),
    };
    let passphrase = move || secrets::passphrase(passphrase_file.as_deref());
    let owner = match Owner::launch_unlocked(home, options, passphrase).await? {
        Launch::Owned(owner) => owner,
        Launch::Taken(owner) | Launch::Activated(owner) => {
            return Err(NodeError::OwnedBy {
                home: home.root().to_owned(),
                owner,
            }
            .into());
        }
    };
    let addrs = owner
        .listening()
        .await
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    eprintln!(
        "listening on {addrs} and on control socket {1} for home {0}; stop with Ctrl-C",
        home.root().display(),
        home.control_socket().display()
    );
    stop_signal().await;
    let running = owner.running();
    if running.is_empty() {
        eprintln!("stopping");
    } else {
        eprintln!("stopping: cancelling {}", output::job_list(&running));
    }
    let report = owner.shutdown().await;
    output::stopped(&report);
    Ok(())
}

/// Cancels `cancel` on Ctrl-C for the duration of a long request.
fn cancel_on_ctrl_c(cancel: &CancellationToken) -> tokio::task::JoinHandle<()> {
    let cancel = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\ncancelling... (press Ctrl-C again to quit at once)");
            cancel.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    })
}

async fn long_call<O: Op>(session: &Session, op: O, verb: &str) -> Result<O::Output, NodeError> {
    let bar = Arc::new(progress::Bar::new(verb));
    let cancel = CancellationToken::new();
    let watcher = cancel_on_ctrl_c(&cancel);
    let result = session.call(op, bar.clone(), &cancel).await;
    watcher.abort();
    bar.finish();
    result
}

async fn quick<O: Op>(session: &Session, op: O) -> Result<O::Output, NodeError> {
    session
        .call(
            op,
            Arc::new(datacoop_node::NoProgress),
            &CancellationToken::new(),
        )
        .await
}

async fn run_in_session(
    session: &Session,
    command: Command,
    passphrase_file: Option<&Path>,
) -> Result<(), CliError> {
    match command {
        Command::Whoami(flag) => output::whoami(quick(session, Whoami {}).await?, flag.json),
        Command::Recovery(RecoveryCommand::Export {
            out,
            phrase_out,
            replace,
        }) => {
            // A running owner makes a kit only for someone who knows the passphrase; a
            // local session already proved it by unlocking.
            let passphrase = match session {
                Session::Remote(_) => Some(Passphrase::new(&secrets::passphrase(passphrase_file)?)),
                Session::Local { .. } | Session::ReadOnly { .. } => None,
            };
            output::recovery_kit(
                quick(session, RecoveryExport { passphrase }).await?,
                &out,
                phrase_out.as_deref(),
                replace,
            )
        }
        Command::Data(DataCommand::Add {
            paths,
            dataset,
            category,
            age,
        }) => {
            let op = DataAdd {
                dataset,
                category,
                paths: paths.into_iter().map(absolute).collect(),
                age,
            };
            output::added(long_call(session, op, "Encrypting").await?)
        }
        Command::Data(DataCommand::Recipient { dataset, category }) => {
            output::recipient(quick(session, DataRecipient { dataset, category }).await?)
        }
        Command::Data(DataCommand::Rename { dataset, to }) => {
            let from = dataset.clone();
            let to_name = to.clone();
            quick(session, DataRename { dataset, to }).await?;
            output::renamed(&from, &to_name);
            Ok(())
        }
        Command::Data(DataCommand::Ls { dataset, json }) => {
            output::listing(quick(session, DataList { dataset }).await?, json.json)
        }
        Command::Data(DataCommand::Export { dataset, out, age }) => {
            // The epoch identities are the dataset's keys: a running owner hands them out
            // only for the passphrase, as it does a recovery kit.
            let passphrase = match session {
                Session::Remote(_) if age => {
                    Some(Passphrase::new(&secrets::passphrase(passphrase_file)?))
                }
                _ => None,
            };
            let op = DataExport {
                dataset,
                out: absolute(out),
                age,
                passphrase,
            };
            output::exported(long_call(session, op, "Decrypting").await?)
        }
        Command::Coop(CoopCommand::Create {
            name,
            threshold,
            witness_quorum,
        }) => output::coop_created(
            quick(
                session,
                CoopCreate {
                    name,
                    threshold,
                    witness_quorum,
                },
            )
            .await?,
        ),
        Command::Coop(CoopCommand::Show(flag)) => {
            output::coop(quick(session, CoopShow {}).await?, flag.json)
        }
        Command::Coop(CoopCommand::Invite {
            role,
            expires,
            review,
        }) => {
            let expires_secs = expires
                .map(|d| datacoop_core::parse_duration(&d).map(|d| d.as_secs()))
                .transpose()
                .map_err(NodeError::from)?;
            output::invitation(
                quick(
                    session,
                    CoopInvite {
                        role,
                        expires_secs,
                        review,
                    },
                )
                .await?,
            )
        }
        Command::Coop(CoopCommand::Join { ticket }) => {
            output::joined(quick(session, CoopJoin { ticket }).await?)
        }
        Command::Coop(CoopCommand::Accept { id }) => {
            output::accepted(quick(session, CoopAccept { id }).await?)
        }
        Command::Proposal(ProposalCommand::Ls(flag)) => {
            output::proposals(quick(session, ProposalList {}).await?, flag.json)
        }
        Command::Proposal(ProposalCommand::Approve { id }) => {
            output::approved(quick(session, ProposalApprove { id }).await?)
        }
        Command::Proposal(proposal) => {
            let change = match proposal {
                ProposalCommand::AddSteward { id } => ProposedChange::AddSteward { id },
                ProposalCommand::RemoveSteward { id } => ProposedChange::RemoveSteward { id },
                ProposalCommand::Threshold { k } => ProposedChange::Threshold { k },
                ProposalCommand::Witnesses { ids, quorum } => {
                    ProposedChange::Witnesses { ids, quorum }
                }
                ProposalCommand::Ls(_) | ProposalCommand::Approve { .. } => {
                    return Err(NodeError::Protocol("handled above".into()).into());
                }
            };
            output::proposed(quick(session, ProposalCreate { change }).await?)
        }
        Command::Log(LogCommand::Show { from, json }) => {
            output::log(quick(session, LogShow { from }).await?, json.json)
        }
        Command::Log(LogCommand::Verify) => output::verified(quick(session, LogVerify {}).await?),
        Command::Log(LogCommand::Proof { id }) => {
            output::proof(quick(session, LogProof { id }).await?)
        }
        Command::Consent(ConsentCommand::Set {
            dataset,
            allow,
            deny,
            max_days,
            mode,
        }) => {
            let op = ConsentSet {
                dataset,
                allow,
                deny,
                max_days,
                ask: matches!(mode, ConsentModeArg::Ask),
            };
            output::consent_recorded(quick(session, op).await?)
        }
        Command::Consent(ConsentCommand::Show(flag)) => {
            output::consents(quick(session, ConsentShow {}).await?, flag.json)
        }
        Command::Consent(ConsentCommand::Withdraw { dataset }) => {
            output::consent_recorded(quick(session, ConsentWithdraw { dataset }).await?)
        }
        Command::Consent(ConsentCommand::Answer { id, accept, .. }) => {
            output::answered(quick(session, ConsentAnswer { id, accept }).await?, accept)
        }
        Command::Request(RequestCommand::Create {
            category,
            purpose,
            days,
            duration,
            license,
            credits,
            deadline,
        }) => {
            let period_secs = match (days, duration) {
                (Some(days), _) => days.saturating_mul(86_400),
                (None, Some(d)) => seconds(&d)?,
                (None, None) => return Err(NodeError::ZeroMaxDays.into()),
            };
            let deadline_secs = deadline.as_deref().map(seconds).transpose()?;
            let op = RequestCreate {
                category,
                purpose,
                period_secs,
                license,
                credits,
                deadline_secs,
            };
            output::request_created(quick(session, op).await?)
        }
        Command::Request(RequestCommand::Ls(flag)) => {
            output::requests(quick(session, RequestList {}).await?, flag.json)
        }
        Command::Request(RequestCommand::Approve { id }) => {
            output::request_decided(quick(session, RequestApprove { id }).await?, "approved")
        }
        Command::Request(RequestCommand::Deny { id, reason }) => {
            output::request_decided(quick(session, RequestDeny { id, reason }).await?, "denied")
        }
        Command::Grant(GrantCommand::Ls(flag)) => {
            output::grants(quick(session, GrantList {}).await?, flag.json)
        }
        Command::Grant(GrantCommand::Revoke { id, reason }) => {
            output::revoked(quick(session, GrantRevoke { id, reason }).await?)
        }
        Command::Activity(flags) => {
            output::activity(quick(session, ActivityList {}).await?, &flags)
        }
        Command::Earnings(flags) => {
            output::earnings(quick(session, EarningsShow {}).await?, &flags)
        }
        Command::Fetch { id, out, wait, all } => {
            let wait_secs = wait.as_deref().map(seconds).transpose()?;
            let op = Fetch {
                id,
                out: absolute(out),
                wait_secs,
                all,
            };
            output::fetched(long_call(session, op, "Fetching").await?)
        }
        Command::Init { .. }
        | Command::Passphrase(_)
        | Command::Serve(_)
        | Command::Demo { .. }
        | Command::Events(_)
        | Command::Recovery(RecoveryCommand::Restore { .. }) => {
            Err(NodeError::Protocol("handled before opening the home".into()).into())
        }
    }
}

/// A duration argument (`30s`, `12h`, `7d`) in seconds.
fn seconds(text: &str) -> Result<u64, CliError> {
    Ok(datacoop_core::parse_duration(text)
        .map_err(NodeError::from)?
        .as_secs())
}

/// Prints the owner's events as they happen until Ctrl-C or the owner stops.
async fn follow_events(session: &Session, json: bool) -> Result<(), CliError> {
    let mut events = session.subscribe().await?;
    eprintln!("following events; stop with Ctrl-C");
    loop {
        let event = tokio::select! {
            () = stop_signal() => return Ok(()),
            event = events.next() => event?,
        };
        match event {
            Some(event) => output::event(&event, json)?,
            None => {
                eprintln!("the owner of this home stopped");
                return Ok(());
            }
        }
    }
}
