//! Rendering results: data on stdout, explanations on stderr.

/// Writes to stdout; when the reader has gone (`datacoop log show | head`), exits the way
/// a process killed by SIGPIPE would, instead of panicking.
fn write_stdout(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(141);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

macro_rules! outln {
    () => { write_stdout(format_args!("\n")) };
    ($($arg:tt)*) => { write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

macro_rules! out {
    ($($arg:tt)*) => { write_stdout(format_args!($($arg)*)) };
}

use std::path::Path;

use datacoop_crypto::PublicIdentity;
use datacoop_node::{
    ActivityEntry, ActivityKind, AddReport, ConsentView, CoopInfo, DataListing, Earnings,
    ExportReport, FetchReport, GrantView, Home, Invitation, Joining, LogEntry, NewRecoveryKit,
    NodeError, Profile, Proof, ProposalView, Recipient, Recorded, RequestStatus, RequestView,
    RevokeReport, VerifySummary,
};

use crate::cli::StatementFlags;
use indicatif::HumanBytes;

use crate::error::CliError;

fn print_json(value: &impl serde::Serialize) -> Result<(), CliError> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| NodeError::Protocol(e.to_string()))?;
    outln!("{text}");
    Ok(())
}

pub fn initialised(home: &Home, identity: &PublicIdentity) {
    outln!("{}", identity.id);
    eprintln!(
        "Created identity {:?} in {}.\n\n\
         Your keys are sealed with your passphrase. If you forget it or lose this computer,\n\
         only a recovery kit can bring them back. Make one now and keep it apart from its phrase:\n\n    \
         datacoop recovery export --out datacoop-recovery-kit.txt\n",
        identity.name,
        home.root().display()
    );
}

pub fn restored(home: &Home, identity: &PublicIdentity) {
    outln!("{}", identity.id);
    eprintln!(
        "Restored identity {:?} into {}, sealed with your new passphrase.",
        identity.name,
        home.root().display()
    );
}

pub fn whoami(me: Profile, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&me);
    }
    outln!("name:     {}", me.identity.name);
    outln!("id:       {}", me.identity.id);
    outln!("x25519:   {}", me.identity.x25519_public);
    let roles: Vec<_> = me.roles.iter().map(|r| r.name()).collect();
    outln!(
        "roles:    {}",
        if roles.is_empty() {
            "none yet (not in a cooperative)".to_owned()
        } else {
            roles.join(", ")
        }
    );
    outln!("home:     {}", me.home.display());
    Ok(())
}

pub fn recovery_kit(
    kit: NewRecoveryKit,
    out: &Path,
    phrase_out: Option<&Path>,
    replace: bool,
) -> Result<(), CliError> {
    // Never over an existing file unless asked, and never through a name planted in
    // advance.
    let write = |path: &Path, text: &str| {
        if replace {
            datacoop_crypto::write_atomically(path, text.as_bytes())
        } else {
            datacoop_crypto::write_new_atomically(path, text.as_bytes())
        }
        .map_err(NodeError::from)
    };
    write(out, &kit.kit)?;
    match phrase_out {
        Some(path) => {
            if let Err(e) = write(path, &format!("{}\n", kit.phrase)) {
                // A kit whose phrase nobody has is no backup: it does not stay.
                let _ = std::fs::remove_file(out);
                return Err(CliError::KitWithoutPhrase {
                    kit: out.to_owned(),
                    cause: e,
                });
            }
            eprintln!(
                "Wrote the recovery kit to {} and its phrase to {}. Keep them in different places.",
                out.display(),
                path.display()
            );
        }
        None => eprintln!(
            "Wrote the recovery kit to {}.\n\nYour recovery phrase (shown once; write it down and keep it apart from the kit):\n\n    {}\n",
            out.display(),
            kit.phrase
        ),
    }
    Ok(())
}

pub fn passphrase_changed() {
    eprintln!(
        "Your keys are sealed under the new passphrase. Recovery kits made before still work: each has its own phrase."
    );
}

pub fn added(report: AddReport) -> Result<(), CliError> {
    let created = if report.created { " (new dataset)" } else { "" };
    eprintln!(
        "Added {} file(s), {}, to {}{created}{}.",
        report.files,
        HumanBytes(report.bytes),
        report.dataset,
        if report.replaced > 0 {
            format!(
                "; {} replaced an earlier file of the same name",
                report.replaced
            )
        } else {
            String::new()
        }
    );
    if report.unchanged > 0 {
        eprintln!(
            "{} file(s) were already there, unchanged.",
            report.unchanged
        );
    }
    skipped("and did not add them", &report.skipped);
    Ok(())
}

pub fn recipient(Recipient { recipient }: Recipient) -> Result<(), CliError> {
    outln!("{recipient}");
    Ok(())
}

pub fn read_only(home: &Path) {
    eprintln!(
        "note: {} is read-only; showing what it holds without changing it.",
        home.display()
    );
}

pub fn renamed(from: &str, to: &str) {
    eprintln!("Renamed dataset {from} to {to}. Its consents stay in force.");
}

pub fn listing(listing: DataListing, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&listing);
    }
    if listing.datasets.is_empty() {
        eprintln!(
            "No datasets yet. Add files with: datacoop data add PATH --dataset NAME --category CATEGORY"
        );
        return Ok(());
    }
    if listing.entries.is_empty() {
        outln!(
            "{:<24} {:<16} {:>7} {:>12}  KEPT",
            "DATASET",
            "CATEGORY",
            "ITEMS",
            "SIZE"
        );
        for d in &listing.datasets {
            let placement = listing
                .placement
                .iter()
                .find(|p| p.dataset == d.name.as_str());
            outln!(
                "{:<24} {:<16} {:>7} {:>12}  {}",
                d.name.as_str(),
                d.category.as_str(),
                d.items,
                HumanBytes(d.size).to_string(),
                kept(placement)
            );
        }
    } else {
        outln!("{:>12}  {:<24}  NAME", "SIZE", "TYPE");
        for e in &listing.entries {
            outln!(
                "{:>12}  {:<24}  {}",
                HumanBytes(e.size).to_string(),
                e.media_type,
                e.name
            );
        }
    }
    Ok(())
}

/// Where a dataset's ciphertext is: "on this computer", and the stewards pinning it.
fn kept(placement: Option<&datacoop_node::Placement>) -> String {
    match placement {
        Some(p) if !p.pinned_by.is_empty() => {
            let stewards: Vec<&str> = p.pinned_by.iter().map(|s| short(s)).collect();
            format!(
                "on this computer, and pinned by {} ({})",
                if stewards.len() == 1 {
                    "1 steward".to_owned()
                } else {
                    format!("{} stewards", stewards.len())
                },
                stewards.join(", ")
            )
        }
        Some(p) if p.announced < p.epochs => {
            "on this computer only (not yet on the cooperative's log)".to_owned()
        }
        _ => "on this computer only".to_owned(),
    }
}

/// Says what was found but not added or exported, one line each.
fn skipped(what: &str, skipped: &[datacoop_node::Skipped]) {
    if skipped.is_empty() {
        return;
    }
    eprintln!("Skipped {} file(s) {what}:", skipped.len());
    for s in skipped {
        eprintln!("  {}: {}", s.name, s.reason);
    }
}

pub fn exported(report: ExportReport) -> Result<(), CliError> {
    eprintln!(
        "Wrote {} file(s), {}, to {}.",
        report.files,
        HumanBytes(report.bytes),
        report.out.display()
    );
    skipped("that cannot be written as paths here", &report.skipped);
    Ok(())
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

pub fn coop_created(info: CoopInfo) -> Result<(), CliError> {
    outln!("{}", info.id);
    eprintln!(
        "Founded cooperative {:?}. You are its steward, log operator and witness.{}",
        info.name,
        if info.unwitnessed {
            "\nWith one steward the log is unwitnessed: nobody independent cosigns its checkpoints."
        } else {
            ""
        }
    );
    Ok(())
}

pub fn invitation(invite: Invitation) -> Result<(), CliError> {
    outln!("{}", invite.ticket);
    eprintln!(
        "Invitation for a new {} (operation {}), valid until {} (log time). Hand the ticket above to them; it works once.{}",
        invite.role,
        short(&invite.invite),
        datacoop_ledger::rfc3339(invite.expires),
        if invite.review {
            " A steward accepts them (datacoop coop accept) before they are in."
        } else {
            ""
        }
    );
    Ok(())
}

pub fn joined(joining: Joining) -> Result<(), CliError> {
    let info = match joining {
        Joining::Joined { coop } => coop,
        Joining::AwaitingReview { coop } => {
            outln!("{coop}");
            eprintln!(
                "Your request to join is on the cooperative's log and waits for a steward to accept it. Keep datacoop serve (or the app) running: it finishes joining by itself once they do."
            );
            return Ok(());
        }
    };
    outln!("{}", info.id);
    eprintln!(
        "Joined cooperative {:?} as {}; its log ({} operations) is on this computer and verified.",
        info.name,
        info.role
            .map_or_else(|| "a participant".to_owned(), |r| r.to_string()),
        info.size
    );
    Ok(())
}

pub fn proposals(proposals: Vec<ProposalView>, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&proposals);
    }
    if proposals.is_empty() {
        eprintln!("No proposals are waiting for approvals.");
        return Ok(());
    }
    outln!("{:<12}  {:<9}  {:<4}  CHANGE", "ID", "APPROVALS", "YOU");
    for p in &proposals {
        outln!(
            "{:<12}  {:<9}  {:<4}  {}",
            short(&p.id),
            format!("{} of {}", p.approvals, p.needed),
            if p.approved_by_me { "yes" } else { "-" },
            p.summary
        );
    }
    Ok(())
}

pub fn accepted(recorded: Recorded) -> Result<(), CliError> {
    outln!("{}", recorded.operation);
    eprintln!(
        "Accepted. They are a member once this reaches them (a steward invitee is also proposed as steward, with your approval)."
    );
    Ok(())
}

pub fn proposed(recorded: Recorded) -> Result<(), CliError> {
    outln!("{}", recorded.operation);
    eprintln!(
        "Proposed, with your approval. It takes effect when enough stewards approve it (datacoop proposal ls)."
    );
    Ok(())
}

pub fn approved(recorded: Recorded) -> Result<(), CliError> {
    outln!("{}", recorded.operation);
    eprintln!("Approved. The change takes effect with the last approval it needs.");
    Ok(())
}

pub fn coop(info: CoopInfo, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&info);
    }
    outln!("cooperative: {}", info.name);
    outln!("id:          {}", info.id);
    if let Some(role) = &info.role {
        outln!("you:         {role}");
    }
    outln!(
        "threshold:   {} of {} steward(s)",
        info.threshold,
        info.stewards.len()
    );
    outln!("operator:    {}", short(&info.operator));
    outln!(
        "witnesses:   {} (quorum {}){}",
        info.witnesses
            .iter()
            .map(|w| short(w))
            .collect::<Vec<_>>()
            .join(", "),
        info.witness_quorum,
        if info.unwitnessed {
            " — unwitnessed"
        } else {
            ""
        }
    );
    match &info.latest_checkpoint {
        Some(c) => outln!(
            "checkpoint:  size {} root {} ({} signature(s); cosigned by {})",
            c.size,
            short(&c.root),
            c.signatures,
            if c.cosigned_by.is_empty() {
                "no witness yet".to_owned()
            } else {
                c.cosigned_by
                    .iter()
                    .map(|w| short(w))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        None => outln!("checkpoint:  none yet"),
    }
    if !info.evidence.is_empty() {
        eprintln!("WARNING: this node holds evidence of misbehaviour in the cooperative's log:");
        for e in &info.evidence {
            eprintln!("  {} — {}", e.code, e.summary);
        }
    }
    if !info.awaiting.is_empty() {
        outln!("waiting to be accepted (datacoop coop accept JOIN):");
        for a in &info.awaiting {
            outln!("  join {}  {}  as {}", short(&a.join), short(&a.id), a.role);
        }
    }
    outln!("members:");
    for m in &info.members {
        let reach = match m.reachable {
            Some(true) => "  reachable",
            Some(false) => "  unreachable",
            None => "",
        };
        let endpoint = m.endpoint.as_deref().map_or_else(
            || "no endpoint".to_owned(),
            |e| format!("endpoint {}", short(e)),
        );
        outln!("  {}  {:<8}  {endpoint}{reach}", short(&m.id), m.role);
    }
    Ok(())
}

pub fn log(entries: Vec<LogEntry>, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&entries);
    }
    outln!(
        "{:>6}  {:<12}  {:<18}  {:<12}  {:<20}  DATASET",
        "INDEX",
        "ID",
        "KIND",
        "AUTHOR",
        "LOG TIME"
    );
    for e in &entries {
        // A changed consent is its withdrawal and new terms; the mark pairs the two rows.
        let dataset = match (&e.dataset, e.consent_changed) {
            (Some(name), true) => format!("{name} (changed)"),
            (Some(name), false) => name.clone(),
            (None, _) => "-".into(),
        };
        outln!(
            "{:>6}  {:<12}  {:<18}  {:<12}  {:<20}  {dataset}",
            e.index,
            short(&e.id),
            format!("{:?}", e.kind),
            short(&e.author),
            e.log_time
                .map(datacoop_ledger::rfc3339)
                .unwrap_or_else(|| "(not yet witnessed)".into())
        );
    }
    Ok(())
}

pub fn verified(summary: VerifySummary) -> Result<(), CliError> {
    outln!(
        "verified {} operation(s) and {} checkpoint(s); root {}",
        summary.operations,
        summary.checkpoints,
        summary.root
    );
    if summary.unwitnessed {
        eprintln!("note: the log is unwitnessed (one steward)");
    }
    if summary.withheld > 0 {
        eprintln!(
            "note: a trainer's view: {} operation(s) held as signed headers only (members' consent records and other trainers' requests never reach a trainer)",
            summary.withheld
        );
    }
    Ok(())
}

pub fn proof(Proof { text }: Proof) -> Result<(), CliError> {
    out!("{text}");
    Ok(())
}

pub fn consent_recorded(Recorded { operation }: Recorded) -> Result<(), CliError> {
    outln!("{operation}");
    eprintln!("Recorded on the cooperative's log.");
    Ok(())
}

pub fn consents(consents: Vec<ConsentView>, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&consents);
    }
    if consents.is_empty() {
        eprintln!(
            "No consents yet. Record one with: datacoop consent set --dataset NAME --allow PURPOSE"
        );
        return Ok(());
    }
    outln!(
        "{:<20} {:<10} {:<5} {:<9} PURPOSES  [RECORD]",
        "DATASET",
        "STATUS",
        "MODE",
        "LONGEST"
    );
    for c in &consents {
        let purposes: Vec<_> = c.purposes.iter().map(|p| p.name()).collect();
        outln!(
            "{:<20} {:<10} {:<5} {:<9} {}{}",
            c.dataset,
            if c.withdrawn { "withdrawn" } else { "in force" },
            c.mode.name(),
            c.max_days
                .map(|d| format!("<= {d}d"))
                .unwrap_or_else(|| "any".into()),
            purposes.join(", "),
            format_args!("  [{}]", short(&c.record_id))
        );
    }
    Ok(())
}

pub fn answered(Recorded { operation }: Recorded, accept: bool) -> Result<(), CliError> {
    outln!("{operation}");
    if accept {
        eprintln!("Accepted: your computer releases the keys once the request is approved.");
    } else {
        eprintln!("Declined: your data stays out of this request.");
    }
    Ok(())
}

pub fn request_created(Recorded { operation }: Recorded) -> Result<(), CliError> {
    outln!("{operation}");
    eprintln!(
        "Requested, accepting its license. Stewards approve or deny it (datacoop request ls); \
         then fetch with: datacoop fetch {} --out DIR",
        short(&operation)
    );
    Ok(())
}

pub fn request_decided(Recorded { operation }: Recorded, what: &str) -> Result<(), CliError> {
    outln!("{operation}");
    eprintln!("Recorded: you {what} the request.");
    Ok(())
}

/// A period in seconds in the largest whole unit (`30d`, `12h`, `20s`).
fn period(secs: u64) -> String {
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if secs >= size && secs.is_multiple_of(size) {
            return format!("{}{unit}", secs / size);
        }
    }
    format!("{secs}s")
}

pub fn requests(requests: Vec<RequestView>, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&requests);
    }
    if requests.is_empty() {
        eprintln!("No access requests.");
        return Ok(());
    }
    outln!(
        "{:<12} {:<12} {:<9} {:<22} {:<14} {:<6} {:<7} {:<9} {:<8} PENDING",
        "ID",
        "TRAINER",
        "STATUS",
        "PURPOSE",
        "LICENSE",
        "PERIOD",
        "CREDITS",
        "APPROVALS",
        "RELEASED"
    );
    for r in &requests {
        let status = match r.status {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Denied => "denied",
            RequestStatus::Expired => "expired",
        };
        let pending: Vec<&str> = r.pending.iter().map(|p| short(p)).collect();
        outln!(
            "{:<12} {:<12} {:<9} {:<22} {:<14} {:<6} {:<7} {:<9} {:<8} {}",
            short(&r.id),
            short(&r.trainer),
            status,
            r.purpose.name(),
            r.license,
            period(r.period_secs),
            r.credits,
            format!("{} of {}", r.approvals, r.threshold),
            format!("{}/{}", r.released, r.matching),
            if pending.is_empty() {
                "-".to_owned()
            } else {
                pending.join(",")
            }
        );
        if let Some(reason) = &r.denial_reason {
            outln!("           denied: {reason}");
        }
        if !r.asks_me.is_empty() {
            outln!(
                "           asks you about {}: datacoop consent answer {} --accept|--decline",
                r.asks_me.join(", "),
                short(&r.id)
            );
        }
    }
    Ok(())
}

pub fn grants(grants: Vec<GrantView>, json: bool) -> Result<(), CliError> {
    if json {
        return print_json(&grants);
    }
    if grants.is_empty() {
        eprintln!("No keys have been released to anyone.");
        return Ok(());
    }
    outln!(
        "{:<12} {:<12} {:<12} {:<12} {:<16} {:<7} {:<20} {:<20} STATE",
        "ID",
        "REQUEST",
        "TRAINER",
        "MEMBER",
        "DATASET",
        "EPOCHS",
        "FROM",
        "UNTIL"
    );
    for g in &grants {
        let state = match &g.ending {
            Some(datacoop_node::GrantEnding::Revoked { .. }) => "revoked",
            Some(datacoop_node::GrantEnding::Expired { .. }) => "expired",
            None if g.live => "live",
            None => "sequencing",
        };
        outln!(
            "{:<12} {:<12} {:<12} {:<12} {:<16} {:<7} {:<20} {:<20} {state}",
            short(&g.id),
            short(&g.request),
            short(&g.trainer),
            short(&g.member),
            g.dataset
                .clone()
                .unwrap_or_else(|| short(&g.dataset_id).to_owned()),
            format!("{}-{}", g.first_epoch, g.last_epoch),
            datacoop_ledger::rfc3339(g.window_start),
            datacoop_ledger::rfc3339(g.window_end),
        );
    }
    Ok(())
}

pub fn fetched(report: FetchReport) -> Result<(), CliError> {
    outln!("{}", report.out.display());
    eprintln!(
        "Fetched {} file(s), {}, released by {} member(s); metadata in {}.",
        report.files,
        HumanBytes(report.bytes),
        report.released_by.len(),
        report.croissant.display()
    );
    if !report.pending.is_empty() {
        let pending: Vec<&str> = report.pending.iter().map(|p| short(p)).collect();
        eprintln!(
            "Still pending: {} (fetch again later, or with --wait).",
            pending.join(", ")
        );
    }
    for ended in &report.ended {
        eprintln!(
            "Not fetched: member {}'s grant {}.",
            short(&ended.member),
            ended.ending
        );
    }
    Ok(())
}

pub fn revoked(report: RevokeReport) -> Result<(), CliError> {
    for id in &report.revoked {
        outln!("{id}");
    }
    eprintln!(
        "Revoked {} grant(s): from the next checkpoint on, peers refuse the trainer and its client wipes the keys.",
        report.revoked.len()
    );
    Ok(())
}

/// What each kind of activity is called in the human listing.
fn activity_words(e: &ActivityEntry) -> String {
    let dataset = e.dataset.as_deref().unwrap_or("");
    let trainer = e.trainer.as_deref().map(short).unwrap_or("");
    let by = e.by.as_deref().map(short).unwrap_or("");
    let reason = e.reason.as_deref().unwrap_or("");
    match e.kind {
        ActivityKind::ConsentGiven => format!("consent given for {dataset}"),
        ActivityKind::ConsentChanged => format!("consent changed for {dataset}"),
        ActivityKind::ConsentWithdrawn => format!("consent withdrawn for {dataset}"),
        ActivityKind::RequestMade => format!(
            "you requested access ({})",
            e.purpose.map(|p| p.name()).unwrap_or("")
        ),
        ActivityKind::RequestMatched => {
            format!("trainer {trainer}'s request matches {dataset}")
        }
        ActivityKind::AskAnswered => format!(
            "you {} a request about {dataset}",
            if e.accepted == Some(true) {
                "accepted"
            } else {
                "declined"
            }
        ),
        ActivityKind::RequestApproved => {
            format!("stewards approved request {}", short_opt(&e.request))
        }
        ActivityKind::RequestDenied => {
            format!(
                "stewards denied request {}: {reason}",
                short_opt(&e.request)
            )
        }
        ActivityKind::KeysReleased => format!(
            "keys of {dataset} released to trainer {trainer} ({} credits)",
            e.credits.unwrap_or(0)
        ),
        ActivityKind::DataServed => format!(
            "peer {by} sent trainer {trainer} {} of {dataset}",
            HumanBytes(e.bytes.unwrap_or(0))
        ),
        ActivityKind::GrantRevoked if reason.is_empty() => {
            format!(
                "grant of {dataset} to trainer {trainer} revoked by {}",
                by_or_you(by)
            )
        }
        ActivityKind::GrantRevoked => format!(
            "grant of {dataset} to trainer {trainer} revoked by {}: {reason}",
            by_or_you(by)
        ),
        ActivityKind::GrantExpired => format!("grant of {dataset} to trainer {trainer} expired"),
    }
}

fn short_opt(id: &Option<String>) -> &str {
    id.as_deref().map(short).unwrap_or("")
}

fn by_or_you(by: &str) -> &str {
    if by.is_empty() { "you" } else { by }
}

fn print_csv(bytes: &[u8]) {
    out!("{}", String::from_utf8_lossy(bytes));
}

pub fn activity(entries: Vec<ActivityEntry>, flags: &StatementFlags) -> Result<(), CliError> {
    if flags.json {
        return print_json(&entries);
    }
    if flags.csv {
        print_csv(&datacoop_node::activity_csv(&entries)?);
        return Ok(());
    }
    if entries.is_empty() {
        eprintln!("Nothing has touched your data yet.");
        return Ok(());
    }
    for e in &entries {
        let when = e.time.map_or_else(
            || "(not yet witnessed)".to_owned(),
            datacoop_ledger::rfc3339,
        );
        outln!("{when:<21} {}", activity_words(e));
    }
    Ok(())
}

pub fn earnings(earnings: Earnings, flags: &StatementFlags) -> Result<(), CliError> {
    if flags.json {
        return print_json(&earnings);
    }
    if flags.csv {
        print_csv(&datacoop_node::earnings_csv(&earnings)?);
        return Ok(());
    }
    if earnings.grants.is_empty() {
        eprintln!("No keys of yours have been released yet, so nothing is earned.");
        return Ok(());
    }
    outln!(
        "{:<21} {:<12} {:<12} {:<16} {:>8} STATE",
        "RELEASED",
        "GRANT",
        "TRAINER",
        "DATASET",
        "CREDITS"
    );
    for g in &earnings.grants {
        let status = serde_json::to_value(g.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        outln!(
            "{:<21} {:<12} {:<12} {:<16} {:>8} {status}",
            g.time.map_or_else(
                || "(not yet witnessed)".to_owned(),
                datacoop_ledger::rfc3339
            ),
            short(&g.grant),
            short(&g.trainer),
            g.dataset.as_deref().unwrap_or(""),
            g.credits
        );
    }
    outln!(
        "{:<21} {:<12} {:<12} {:<16} {:>8}",
        "total",
        "",
        "",
        "",
        earnings.total
    );
    eprintln!(
        "Each grant is a release operation on the log: check one with `datacoop log proof GRANT`."
    );
    Ok(())
}

/// "adding files to \"d\" and exporting \"e\"".
pub fn job_list(jobs: &[datacoop_node::JobKind]) -> String {
    let names: Vec<String> = jobs.iter().map(ToString::to_string).collect();
    match names.as_slice() {
        [] => "nothing".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What stopping an owner had to stop.
pub fn stopped(report: &datacoop_node::StopReport) {
    if report.cancelled.is_empty() {
        eprintln!("stopped");
    } else if report.in_time {
        eprintln!(
            "stopped after cancelling {}; nothing half-done was kept",
            job_list(&report.cancelled)
        );
    } else {
        eprintln!(
            "stopped; {} did not end in time and was left to the operating system",
            job_list(&report.cancelled)
        );
    }
}

/// One event: a JSON document on its own line, or a line for people.
pub fn event(event: &datacoop_node::Event, json: bool) -> Result<(), CliError> {
    use datacoop_node::{Event, JobOutcome};
    if json {
        let text = serde_json::to_string(event).map_err(|e| NodeError::Protocol(e.to_string()))?;
        outln!("{text}");
        return Ok(());
    }
    match event {
        Event::Unlocked { name, identity } => outln!("unlocked: {name} ({})", short(identity)),
        Event::Locked { cancelled } if cancelled.is_empty() => outln!("locked"),
        Event::Locked { cancelled } => {
            outln!("locked, after cancelling {}", job_list(cancelled))
        }
        Event::DatasetsChanged { dataset } => outln!("dataset changed: {dataset}"),
        Event::LogAppended { size } => outln!("log appended: {size} operation(s)"),
        Event::JobStarted { job, kind } => outln!("job {job} started: {kind}"),
        Event::JobProgress { job, progress } => outln!(
            "job {job}: {}/{} file(s), {} of {}",
            progress.files_done,
            progress.files_total,
            HumanBytes(progress.bytes_done),
            HumanBytes(progress.bytes_total)
        ),
        Event::JobFinished { job, kind, outcome } => match outcome {
            JobOutcome::Done => outln!("job {job} done: {kind}"),
            JobOutcome::Cancelled => outln!("job {job} cancelled: {kind}"),
            JobOutcome::Failed { code } => outln!("job {job} failed ({code}): {kind}"),
        },
        Event::Missed { count } => outln!("missed {count} event(s)"),
        Event::PeersChanged {
            reachable,
            unreachable,
        } => outln!("peers: {reachable} reachable, {unreachable} unreachable"),
        Event::HolderTampered { endpoint } => outln!(
            "holder {} served ciphertext that does not match its hash; fetched elsewhere",
            short(endpoint)
        ),
        Event::Released { request, dataset } => outln!(
            "released the keys of {dataset} to request {}",
            short(request)
        ),
        Event::GrantEnded {
            release, ending, ..
        } => outln!("grant {} {ending}", short(release)),
        Event::RequestKeyWiped { request } => outln!(
            "request {}'s window closed: its key was wiped from this computer",
            short(request)
        ),
    }
    Ok(())
}
