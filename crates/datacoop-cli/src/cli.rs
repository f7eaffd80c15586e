//! The command line's arguments (clap), as `CLI.md` names them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// datacoop: your data, pooled in a cooperative you own, licensed on your terms.
#[derive(Debug, Parser)]
#[command(name = "datacoop", version, about, max_term_width = 100)]
pub struct Cli {
    /// The node's home folder [default: ~/.local/share/datacoop]
    #[arg(long, global = true, env = "DATACOOP_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// Read the passphrase from this file (else env DATACOOP_PASSPHRASE, else a prompt)
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,

    /// The address `serve` binds and puts in its tickets [default: 0.0.0.0:0, every
    /// interface on a port the system picks]; tests and demos use 127.0.0.1:0
    #[arg(long, global = true, env = "DATACOOP_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create this home's identity; explains the recovery kit
    Init {
        /// Your display name in the cooperative
        #[arg(long)]
        name: String,
    },
    /// Show your identity id, public keys and roles
    Whoami(JsonFlag),
    /// Your passphrase, which seals your keys on this computer
    #[command(subcommand)]
    Passphrase(PassphraseCommand),
    /// Recovery kits: restore your identity if you lose this computer or your passphrase
    #[command(subcommand)]
    Recovery(RecoveryCommand),
    /// Add, list, export your data
    #[command(subcommand)]
    Data(DataCommand),
    /// Own this home and serve other commands through its control socket until stopped
    Serve(ServeArgs),
    /// Follow what happens on this home as it happens (adds, exports, the log, locking)
    /// until interrupted; needs `datacoop serve` or the desktop app running
    Events(JsonFlag),
    /// Your cooperative
    #[command(subcommand)]
    Coop(CoopCommand),
    /// Your consent for each dataset, recorded on the cooperative's log
    #[command(subcommand)]
    Consent(ConsentCommand),
    /// The cooperative's signed, append-only log
    #[command(subcommand)]
    Log(LogCommand),
    /// Governance: stewards propose changes; k approvals make them effective
    #[command(subcommand)]
    Proposal(ProposalCommand),
    /// Access requests: trainers ask, stewards approve or deny (needs `datacoop serve` or
    /// the app running)
    #[command(subcommand)]
    Request(RequestCommand),
    /// Keys released to trainers: who can decrypt what, until when; revoke
    #[command(subcommand)]
    Grant(GrantCommand),
    /// Everything that touched your data: consent, matching requests, approvals, keys
    /// released, what serving peers sent trainers, revocations, expiries
    Activity(StatementFlags),
    /// Credits per grant and in total, from the release operations on the log
    Earnings(StatementFlags),
    /// The whole story on 127.0.0.1 in one process, in throwaway homes: a steward, a
    /// member who consents and one who does not, a trainer who requests and fetches
    Demo {
        /// Keep the demo's homes and fetched files in this folder (default: a temporary
        /// folder, removed at the end)
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Trainers: fetch, decrypt and check what was released for a request, with
    /// croissant.json and the proofs (needs `datacoop serve` or the app running)
    Fetch {
        /// The request's id, or 8+ hex digits of it
        id: String,
        /// The folder to write
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Wait up to this long for members still to release (e.g. 30s, 5m)
        #[arg(long, value_name = "DURATION")]
        wait: Option<String>,
        /// Fail unless every matching member has released
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// Trainers: ask for access; signing the request accepts its license. Prints the
    /// request's id
    Create {
        /// The category of data wanted (e.g. fitness)
        #[arg(long)]
        category: String,
        /// What for (ScientificResearch, NonCommercialResearch, CommercialResearch,
        /// ResearchAndDevelopment, ServiceOptimisation, ModelTraining)
        #[arg(long)]
        purpose: String,
        /// How many days you may use the data
        #[arg(
            long,
            value_name = "N",
            conflicts_with = "duration",
            required_unless_present = "duration"
        )]
        days: Option<u64>,
        /// How long you may use the data (e.g. 20s, 12h, 30d)
        #[arg(long, value_name = "DURATION")]
        duration: Option<String>,
        /// The SPDX license of your use (e.g. CC-BY-NC-4.0)
        #[arg(long)]
        license: String,
        /// Credits each member who releases earns
        #[arg(long, value_name = "N", default_value_t = 0)]
        credits: u64,
        /// How long members in ask mode have to answer [default: 7d]
        #[arg(long, value_name = "DURATION")]
        deadline: Option<String>,
    },
    /// Requests with their terms, approvals (k of n), matching, released and pending members
    Ls(JsonFlag),
    /// Stewards: approve a request
    Approve {
        /// The request's id, or 8+ hex digits of it
        id: String,
    },
    /// Stewards: deny a request; the trainer is shown the reason
    Deny {
        /// The request's id, or 8+ hex digits of it
        id: String,
        /// Why
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum GrantCommand {
    /// Releases you are party to (stewards: all)
    Ls(JsonFlag),
    /// End a grant before its window closes: members their own, stewards any. ID is a
    /// grant, or a request (all its grants you may end). The trainer is told, and peers
    /// refuse it from then on
    Revoke {
        /// The grant's or request's id, or 8+ hex digits of it
        id: String,
        /// Why (the trainer is shown it)
        #[arg(long)]
        reason: Option<String>,
    },
}

/// How a statement is printed: for people, `--json` or `--csv`.
#[derive(Debug, Args)]
pub struct StatementFlags {
    /// Print one JSON document on stdout
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print comma-separated values with a header row on stdout
    #[arg(long)]
    pub csv: bool,
}

/// How `serve` reaches the network, for this run (the app's Settings → Network saves
/// the same choices for every run).
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Keep a connection to this self-hosted iroh-relay and be reached through it (for
    /// peers behind NATs); also env DATACOOP_RELAY [default: the saved choice, else none]
    #[arg(long, value_name = "URL")]
    pub relay: Option<String>,

    /// Announce this node and find the cooperative's peers on the local network (mDNS);
    /// also env DATACOOP_LOCAL_DISCOVERY=1 [default: the saved choice, else off]
    #[arg(long)]
    pub local_discovery: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProposalCommand {
    /// The proposals waiting for approvals
    Ls(JsonFlag),
    /// Approve a proposal (its id or 8+ hex digits of it)
    Approve {
        /// The proposal
        id: String,
    },
    /// Propose making a member a steward
    AddSteward {
        /// Their identity id (or 8+ hex digits of it)
        id: String,
    },
    /// Propose removing a steward
    RemoveSteward {
        /// Their identity id (or 8+ hex digits of it)
        id: String,
    },
    /// Propose how many steward approvals governance and requests need (k)
    Threshold {
        /// The new k
        k: u32,
    },
    /// Propose a new witness set and quorum
    Witnesses {
        /// The witnesses' identity ids (or 8+ hex digits of each)
        #[arg(required = true, num_args = 1..)]
        ids: Vec<String>,
        /// Cosignatures a checkpoint needs
        #[arg(long, value_name = "Q")]
        quorum: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum CoopCommand {
    /// Found a cooperative: you become its first steward, witness and log operator
    Create {
        /// The cooperative's name
        name: String,
        /// Steward approvals needed for governance and requests (k)
        #[arg(long, value_name = "K")]
        threshold: Option<u32>,
        /// Witness cosignatures a checkpoint needs (q; default a majority)
        #[arg(long, value_name = "Q")]
        witness_quorum: Option<u32>,
    },
    /// Members, roles, witnesses, the latest checkpoint; says "unwitnessed" if so
    Show(JsonFlag),
    /// Invite someone (stewards): prints one ticket line to hand them (needs `datacoop
    /// serve` or the app running)
    Invite {
        /// The role offered
        #[arg(long, value_parser = ["member", "steward", "trainer"])]
        role: String,
        /// How long the ticket stays valid (e.g. 30m, 12h, 7d) [default: 7d]
        #[arg(long, value_name = "DURATION")]
        expires: Option<String>,
        /// A steward accepts the newcomer (`coop accept`) before they are in
        #[arg(long)]
        review: bool,
    },
    /// Accept someone waiting to join (the join's id as `coop show` lists it)
    Accept {
        /// The join's id, or 8+ hex digits of it
        id: String,
    },
    /// Join the cooperative a ticket invites you to (needs `datacoop serve` or the app
    /// running on this home)
    Join {
        /// The ticket (dcinvite...)
        ticket: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConsentCommand {
    /// Record which purposes may use a dataset
    Set {
        /// The dataset
        #[arg(long)]
        dataset: String,
        /// Purposes allowed (ScientificResearch, NonCommercialResearch, CommercialResearch,
        /// ResearchAndDevelopment, ServiceOptimisation, ModelTraining)
        #[arg(long, required = true, num_args = 1.., value_name = "PURPOSE")]
        allow: Vec<String>,
        /// Purposes refused (listed for clarity; anything not allowed is refused)
        #[arg(long, num_args = 1.., value_name = "PURPOSE")]
        deny: Vec<String>,
        /// The longest access period you accept for one request, in days
        #[arg(long, value_name = "N")]
        max_days: Option<u64>,
        /// ask (the default): you answer each matching request; auto: matching requests
        /// include you automatically
        #[arg(long, value_enum, default_value = "ask")]
        mode: ConsentModeArg,
    },
    /// Your consents and whether they are in force
    Show(JsonFlag),
    /// Withdraw your consent for a dataset
    Withdraw {
        /// The dataset
        #[arg(long)]
        dataset: String,
    },
    /// Answer a request that asks you (ask mode), before its deadline
    Answer {
        /// The request's id, or 8+ hex digits of it
        id: String,
        /// Release your data to it
        #[arg(long, conflicts_with = "decline", required_unless_present = "decline")]
        accept: bool,
        /// Do not
        #[arg(long)]
        decline: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ConsentModeArg {
    /// Include me automatically in matching requests
    Auto,
    /// Ask me about each request
    Ask,
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// The operations in the log
    Show {
        /// Start at this index
        #[arg(long, value_name = "N", default_value_t = 0)]
        from: u64,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Verify signatures, author chains, the tree and every checkpoint (exit 0 only if all hold)
    Verify,
    /// Print the offline-verifiable proof bundle of one operation
    Proof {
        /// Operation id, or a unique prefix of 8+ hex digits
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print one JSON document on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum PassphraseCommand {
    /// Seal your keys under a new passphrase (the current one is asked first); recovery
    /// kits made before keep working
    Change {
        /// Read the new passphrase from this file (else env DATACOOP_NEW_PASSPHRASE, else
        /// a prompt, twice)
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecoveryCommand {
    /// Write a recovery kit (your keys sealed to a new recovery phrase)
    Export {
        /// Where to write the kit
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Write the phrase to this file instead of showing it once on stderr
        #[arg(long, value_name = "FILE")]
        phrase_out: Option<PathBuf>,
        /// Replace files already at --out and --phrase-out (an earlier kit stops working
        /// only if you lose the new one: keep the new kit and phrase)
        #[arg(long)]
        replace: bool,
    },
    /// Rebuild --home from a kit; the phrase comes from env DATACOOP_RECOVERY_PHRASE,
    /// --phrase-file or a prompt
    Restore {
        /// The kit file
        file: PathBuf,
        /// Read the recovery phrase from this file
        #[arg(long, value_name = "FILE")]
        phrase_file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Encrypt and store files and folders in a dataset
    Add {
        /// Files and folders to add
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// The dataset to add to
        #[arg(long)]
        dataset: String,
        /// The dataset's category (required for a new dataset; fixed afterwards)
        #[arg(long)]
        category: Option<String>,
        /// The files are already age-encrypted to `data recipient --dataset NAME`
        #[arg(long)]
        age: bool,
    },
    /// Print the dataset's current age recipient (age1...)
    Recipient {
        /// The dataset
        #[arg(long)]
        dataset: String,
        /// Create the dataset with this category if it does not exist yet
        #[arg(long)]
        category: Option<String>,
    },
    /// Rename a dataset (its name is yours only; its consents stay in force)
    Rename {
        /// The dataset
        #[arg(long)]
        dataset: String,
        /// Its new name
        #[arg(long, value_name = "NAME")]
        to: String,
    },
    /// List datasets, or one dataset's files
    Ls {
        /// List this dataset's files
        #[arg(long)]
        dataset: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Decrypt a dataset into a folder
    Export {
        /// The dataset
        #[arg(long)]
        dataset: String,
        /// The folder to write into (created if missing; existing files are never overwritten)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Write the ciphertext (NAME.age) and the epoch identities (epoch-keys.txt) instead
        #[arg(long)]
        age: bool,
    },
}
