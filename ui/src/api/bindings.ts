// Generated from the Rust types by src-tauri's `bindings_are_current` test
// (DATACOOP_UPDATE_BINDINGS=1 cargo test bindings). Do not edit by hand.

export type AppStatus = { "state": "no_identity", 
/**
 * The home folder.
 */
home: string, } | { "state": "locked", 
/**
 * The home folder.
 */
home: string, } | { "state": "unlocked", 
/**
 * The home folder.
 */
home: string, 
/**
 * Whose home it is.
 */
identity: PublicIdentity, } | { "state": "in_use", 
/**
 * The home folder.
 */
home: string, 
/**
 * What owns it.
 */
owner_kind: OwnerKind, 
/**
 * Its process id.
 */
owner_pid: number, } | { "state": "unavailable", 
/**
 * The home folder.
 */
home: string, 
/**
 * Why, as a stable code.
 */
code: Code, 
/**
 * Why, for people.
 */
message: string, };

export type ShellWords = { 
/**
 * The tray menu item that shows the window.
 */
open: string, 
/**
 * The tray menu item that quits.
 */
quit: string, 
/**
 * The tray icon's tooltip.
 */
tooltip: string, 
/**
 * The notification's title when the window is hidden on close.
 */
hidden_title: string, 
/**
 * Its text.
 */
hidden_body: string, };

export type CommandError = { 
/**
 * Stable code (`auth.wrong_passphrase`, `input.invalid_name`, ...).
 */
code: Code, 
/**
 * The node's message.
 */
message: string, 
/**
 * For a file problem the person can act on, its kind and the path to name.
 */
io: IoProblem | null, };

export type IoProblem = { 
/**
 * What kind of problem.
 */
kind: IoKind, 
/**
 * The file or folder the sentence names.
 */
subject: string, };

export type IoKind = "not_found" | "exists" | "permission_denied" | "read_only" | "full" | "is_a_folder" | "not_a_folder" | "other";

export type Code = "usage" | "cancelled" | "input.unknown_purpose" | "input.invalid_category" | "input.invalid_dataset_name" | "input.invalid_duration" | "input.unknown_role" | "home.not_initialised" | "keystore.corrupt" | "auth.wrong_passphrase" | "auth.wrong_recovery_phrase" | "auth.invalid_recovery_phrase" | "input.recovery_kit_corrupt" | "input.recovery_kit_unreadable" | "integrity.seal_broken" | "integrity.sealed_key" | "input.invalid_key" | "io.random" | "input.file_exists" | "io.disk_full" | "io.failed" | "input.unknown_dataset" | "input.category_required" | "input.category_mismatch" | "input.nothing_to_add" | "input.duplicate_name" | "input.dataset_exists" | "input.not_found" | "io.unreadable" | "io.changed_while_adding" | "io.dataset_changed" | "input.not_for_this_dataset" | "integrity.blob" | "input.export_target_exists" | "input.link_in_export_target" | "io.meta" | "integrity.record" | "io.blobs" | "ledger.encoding" | "ledger.non_canonical" | "ledger.unsupported_version" | "ledger.bad_signature" | "ledger.bad_key" | "ledger.wrong_coop" | "ledger.body_hash_mismatch" | "ledger.kind_mismatch" | "ledger.body_missing" | "ledger.sequence_gap" | "ledger.equivocation" | "ledger.broken_chain" | "ledger.duplicate_operation" | "ledger.unauthorized" | "ledger.invalid_governance" | "ledger.invalid_genesis" | "ledger.invalid_body" | "ledger.invalid_reference" | "ledger.invalid_note" | "ledger.checkpoint_mismatch" | "ledger.truncated" | "ledger.invalid_proof" | "ledger.not_found" | "ledger.evidence" | "ledger.store" | "home.already_initialised" | "home.keystore_lost" | "input.kit_for_another_identity" | "input.invalid_name" | "integrity.log" | "coop.not_operator" | "input.no_cooperative" | "input.already_in_cooperative" | "input.bad_id" | "input.no_consent" | "input.conflicting_purpose" | "input.passphrase_too_short" | "input.not_a_folder" | "home.owned" | "home.owner_unreachable" | "home.still_closing" | "home.read_only" | "auth.locked" | "auth.passphrase_required" | "input.not_here" | "input.not_a_ticket" | "input.ticket_damaged" | "input.ticket_too_new" | "input.bad_listen_addr" | "input.bad_setting" | "input.not_serving" | "input.join_awaiting_review" | "net.bind" | "net.unreachable" | "net.lost" | "net.not_a_member" | "net.refused" | "net.bad_answer" | "net.wrong_cooperative" | "net.not_held" | "join.unknown_invite" | "join.forged" | "join.used" | "join.expired" | "join.failed" | "input.wrong_role" | "input.invalid_license" | "input.reason_required" | "access.deadline_passed" | "input.not_asked" | "input.not_your_request" | "access.denied" | "access.nothing_released" | "access.incomplete" | "access.no_request_key" | "access.expired" | "access.revoked" | "input.nothing_to_revoke" | "control.protocol" | "control.busy" | "unknown";

export type OwnerKind = "cli" | "serve" | "app";

export type PublicIdentity = { 
/**
 * The identity id (ed25519 verification key).
 */
id: string, 
/**
 * The x25519 public key others seal secrets to, as hex.
 */
x25519_public: string, 
/**
 * The display name chosen at `init`.
 */
name: string, };

export type CreatedIdentity = { 
/**
 * The new identity.
 */
identity: PublicIdentity, 
/**
 * The kit file's text.
 */
kit: string, 
/**
 * The 24-word phrase.
 */
phrase: string, };

export type NewRecoveryKit = { 
/**
 * The kit file's text.
 */
kit: string, 
/**
 * The 24-word phrase.
 */
phrase: string, };

export type DataListing = { 
/**
 * Datasets (only the one asked for, when one was).
 */
datasets: Array<DatasetSummary>, 
/**
 * Files of the dataset asked for; empty when none was.
 */
entries: Array<Entry>, 
/**
 * Where each dataset's ciphertext is kept, in the order of `datasets`.
 */
placement: Array<Placement>, };

export type Placement = { 
/**
 * The dataset's name.
 */
dataset: string, 
/**
 * Its epochs published by this computer.
 */
epochs: number, 
/**
 * How many of them the cooperative's log has (0 outside a cooperative).
 */
announced: number, 
/**
 * Stewards (identity ids) pinning every epoch of it, in steward order.
 */
pinned_by: Array<string>, 
/**
 * Each published epoch's root (BLAKE3 of its hash sequence), hex, by epoch.
 */
epoch_roots: Array<string>, 
/**
 * Each published epoch's key backup (BLAKE3), hex, by epoch.
 */
key_backups: Array<string>, };

export type DatasetSummary = { 
/**
 * The dataset's name.
 */
name: string, 
/**
 * Its public category.
 */
category: string, 
/**
 * Number of files.
 */
items: number, 
/**
 * Plaintext bytes.
 */
size: number, 
/**
 * Ciphertext bytes.
 */
stored_size: number, 
/**
 * The current epoch.
 */
current_epoch: number, 
/**
 * The current epoch's age recipient.
 */
recipient: string, 
/**
 * Unix seconds of creation.
 */
created_at: number, };

export type Entry = { 
/**
 * The dataset it belongs to.
 */
dataset: string, 
/**
 * Its path relative to what was added, with `/` separators.
 */
name: string, 
/**
 * Guessed from the name.
 */
media_type: string, 
/**
 * Plaintext size in bytes.
 */
size: number, 
/**
 * Ciphertext size in bytes (what peers see).
 */
stored_size: number, 
/**
 * BLAKE3 of the plaintext, hex.
 */
plaintext_hash: string, 
/**
 * BLAKE3 of the ciphertext: the blob's address, hex.
 */
blob_hash: string, 
/**
 * The epoch whose key encrypted it.
 */
epoch: number, 
/**
 * Unix seconds when it was added.
 */
added_at: number, };

export type AddReport = { 
/**
 * The dataset added to.
 */
dataset: string, 
/**
 * Whether the dataset was created by this call.
 */
created: boolean, 
/**
 * Files stored.
 */
files: number, 
/**
 * Plaintext bytes stored.
 */
bytes: number, 
/**
 * Files that replaced an earlier file of the same name.
 */
replaced: number, 
/**
 * Files the dataset already held, byte for byte, under the same name (not counted
 * in `files`; nothing was written for them).
 */
unchanged: number, 
/**
 * What was found but not added, and why (symbolic links, names export could not
 * write back).
 */
skipped: Array<Skipped>, };

export type Skipped = { 
/**
 * Its name in the dataset (or the one it would have had).
 */
name: string, 
/**
 * Why.
 */
reason: SkipReason, };

export type SkipReason = "symbolic_link" | "unsupported_name" | "name_conflict" | "not_a_file" | "not_utf8" | "changed_while_adding" | "unreadable";

export type ExportReport = { 
/**
 * Files written.
 */
files: number, 
/**
 * Bytes written.
 */
bytes: number, 
/**
 * The folder written to.
 */
out: string, 
/**
 * Stored files whose names cannot be written as paths here (from an older version's
 * add); everything else was exported.
 */
skipped: Array<Skipped>, };

export type CoopInfo = { 
/**
 * Cooperative id: SHA-256 of the genesis body, hex.
 */
id: string, 
/**
 * Its name.
 */
name: string, 
/**
 * The asking identity's role in it: `steward` if it is one, else its member role;
 * none if it is not in it.
 */
role: Role | null, 
/**
 * Steward identity ids.
 */
stewards: Array<string>, 
/**
 * Approvals needed for governance and requests.
 */
threshold: number, 
/**
 * The log operator's identity id.
 */
operator: string, 
/**
 * Witness identity ids.
 */
witnesses: Array<string>, 
/**
 * Cosignatures a checkpoint needs.
 */
witness_quorum: number, 
/**
 * True when nobody independent cosigns checkpoints (one steward).
 */
unwitnessed: boolean, 
/**
 * Everyone in it, once each, stewards first.
 */
members: Array<MemberInfo>, 
/**
 * Joins waiting for a steward's acceptance, oldest first.
 */
awaiting: Array<AwaitingJoin>, 
/**
 * Operations in the log.
 */
size: number, 
/**
 * The newest checkpoint.
 */
latest_checkpoint: CheckpointInfo | null, 
/**
 * Evidence of misbehaviour this node has kept (equivocation, split view,
 * inconsistent checkpoints, sequence gaps); empty when all is well.
 */
evidence: Array<EvidenceInfo>, };

export type Role = "member" | "steward" | "trainer";

export type MemberInfo = { 
/**
 * Identity id (hex): their fingerprint.
 */
id: string, 
/**
 * Their role (`steward` for stewards).
 */
role: Role, 
/**
 * Their node's network endpoint id (hex), as announced on the log.
 */
endpoint: string | null, 
/**
 * Whether this node reached theirs when it last tried; none if it has not tried
 * (it dials the operator and the witnesses it works with).
 */
reachable: boolean | null, };

export type CheckpointInfo = { 
/**
 * Tree size.
 */
size: number, 
/**
 * Root hash, hex.
 */
root: string, 
/**
 * Signature lines (operator and witnesses).
 */
signatures: number, 
/**
 * The witnesses whose cosignature it carries (identity ids).
 */
cosigned_by: Array<string>, };

export type EvidenceInfo = { 
/**
 * Its kind (`evidence.equivocation`, ...).
 */
code: string, 
/**
 * What it shows, for people.
 */
summary: string, };

export type LogEntry = { 
/**
 * Position in the log.
 */
index: number, 
/**
 * Operation id, hex.
 */
id: string, 
/**
 * Kind of operation (`Genesis`, `ConsentSet`, ...).
 */
kind: OpKind, 
/**
 * Author identity id.
 */
author: string, 
/**
 * The author's clock at signing, Unix seconds (display only).
 */
claimed_time: number, 
/**
 * Log time once a quorum checkpoint covers it, Unix seconds.
 */
log_time: number | null, 
/**
 * The local name of the dataset it is about, when it is one of this member's.
 */
dataset: string | null, 
/**
 * Half of a consent change: the withdrawal of the old terms, or the new terms
 * sequenced right after it.
 */
consent_changed: boolean, };

export type OpKind = "Genesis" | "Proposal" | "ProposalApproval" | "Invite" | "Join" | "JoinAcceptance" | "Leave" | "DatasetAnnounce" | "ConsentSet" | "ConsentWithdraw" | "AskAnswer" | "AccessRequest" | "RequestApproval" | "RequestDenial" | "Grant" | "Revocation" | "ErasureNotice" | "PinRelease" | "EndpointAnnounce" | "EpochAnnounce" | "Pinned" | "Release" | "Served";

export type VerifySummary = { 
/**
 * Operations verified.
 */
operations: number, 
/**
 * Checkpoints verified.
 */
checkpoints: number, 
/**
 * Size of the newest checkpoint.
 */
latest_checkpoint: number, 
/**
 * Root of the whole tree, hex.
 */
root: string, 
/**
 * Whether nobody independent cosigns checkpoints.
 */
unwitnessed: boolean, 
/**
 * Operations a trainer's view holds as signed headers only (members' consent
 * records, other trainers' requests); 0 for members and stewards.
 */
withheld: number, };

export type Proof = { 
/**
 * The bundle's text.
 */
text: string, };

export type ConsentView = { 
/**
 * The consent operation's id (the ISO/IEC TS 27560 record id).
 */
record_id: string, 
/**
 * The local dataset name.
 */
dataset: string, 
/**
 * The dataset's category.
 */
category: string | null, 
/**
 * Purposes allowed.
 */
purposes: Array<Purpose>, 
/**
 * Included automatically, or asked each time.
 */
mode: Inclusion, 
/**
 * Longest access period accepted, in days; none means no limit of its own.
 */
max_days: number | null, 
/**
 * Whether it was withdrawn (or replaced by a newer consent).
 */
withdrawn: boolean, 
/**
 * The record as W3C DPV JSON (shape of the DPV "consent-27560" guide).
 */
record: unknown, };

export type Inclusion = "auto" | "ask";

export type Purpose = "ScientificResearch" | "NonCommercialResearch" | "CommercialResearch" | "ResearchAndDevelopment" | "ServiceOptimisation" | "ModelTraining";

export type Recorded = { 
/**
 * The operation's id, hex.
 */
operation: string, };

export type Progress = { 
/**
 * The file being worked on, relative to what the user gave.
 */
current: string, 
/**
 * Files finished so far.
 */
files_done: number, 
/**
 * Files in all.
 */
files_total: number, 
/**
 * Plaintext bytes processed so far, over all files.
 */
bytes_done: number, 
/**
 * Plaintext bytes in all.
 */
bytes_total: number, };

export type Event = { "event": "unlocked", 
/**
 * The identity id.
 */
identity: string, 
/**
 * Its display name.
 */
name: string, } | { "event": "locked", 
/**
 * The work that was running and had to stop.
 */
cancelled: Array<JobKind>, } | { "event": "datasets_changed", 
/**
 * The dataset's name.
 */
dataset: string, } | { "event": "log_appended", 
/**
 * The log's size now.
 */
size: number, } | { "event": "peers_changed", 
/**
 * Peers known reachable now.
 */
reachable: number, 
/**
 * Peers known unreachable now.
 */
unreachable: number, } | { "event": "holder_tampered", 
/**
 * The holder's endpoint id.
 */
endpoint: string, } | { "event": "released", 
/**
 * The request's id.
 */
request: string, 
/**
 * The dataset's name.
 */
dataset: string, } | { "event": "grant_ended", 
/**
 * The release's operation id.
 */
release: string, 
/**
 * The request it answered.
 */
request: string, 
/**
 * How it ended.
 */
ending: GrantEnding, } | { "event": "request_key_wiped", 
/**
 * The request's id.
 */
request: string, } | { "event": "job_started", 
/**
 * The job's number in this owner.
 */
job: number, 
/**
 * What it does.
 */
kind: JobKind, } | { "event": "job_progress", 
/**
 * The job's number.
 */
job: number, 
/**
 * Where it is.
 */
progress: Progress, } | { "event": "job_finished", 
/**
 * The job's number.
 */
job: number, 
/**
 * What it did.
 */
kind: JobKind, 
/**
 * How it ended.
 */
outcome: JobOutcome, } | { "event": "missed", 
/**
 * How many.
 */
count: number, };

export type JobKind = { "job": "adding", 
/**
 * The dataset.
 */
dataset: string, } | { "job": "exporting", 
/**
 * The dataset.
 */
dataset: string, } | { "job": "request", 
/**
 * The request's name on the control socket (`data_list`, `consent_set`, ...).
 */
op: string, };

export type JobOutcome = { "outcome": "done" } | { "outcome": "cancelled" } | { "outcome": "failed", 
/**
 * The error's code.
 */
code: Code, };

export type StopReport = { 
/**
 * The jobs that were running and were cancelled and waited for.
 */
cancelled: Array<JobKind>, 
/**
 * False if some of them had not ended after the patience allowed, and the vault was
 * left to close when they do.
 */
in_time: boolean, };

export type Invitation = { 
/**
 * The ticket to hand the newcomer (`dcinvite...`).
 */
ticket: string, 
/**
 * The invite operation's id on the log.
 */
invite: string, 
/**
 * The role offered.
 */
role: Role, 
/**
 * When it expires (Unix seconds, log time).
 */
expires: number, 
/**
 * Whether a steward accepts the newcomer before they are in.
 */
review: boolean, };

export type Joining = { "state": "joined", 
/**
 * The cooperative.
 */
coop: CoopInfo, } | { "state": "awaiting_review", 
/**
 * The cooperative's id.
 */
coop: string, };

export type AwaitingJoin = { 
/**
 * The join operation's id (what `coop accept` takes).
 */
join: string, 
/**
 * The newcomer's identity id.
 */
id: string, 
/**
 * The role their invitation offered.
 */
role: Role, };

export type ProposalView = { 
/**
 * The proposal operation's id.
 */
id: string, 
/**
 * What it changes, in words.
 */
summary: string, 
/**
 * Stewards who approved it (identity ids), in log order.
 */
approved_by: Array<string>, 
/**
 * Approvals that count, of `needed`.
 */
approvals: number, 
/**
 * Approvals it needs (k).
 */
needed: number, 
/**
 * Whether the asking steward approved it.
 */
approved_by_me: boolean, };

export type QrMatrix = { 
/**
 * Modules per side (the quiet zone around it is the window's to draw).
 */
width: number, 
/**
 * `width * width` modules, row-major; true is dark.
 */
dark: Array<boolean>, };

export type NetworkInfo = { 
/**
 * Whether the node is on the network now (a long-running owner: the app, `serve`).
 */
online: boolean, 
/**
 * The addresses it listens on and puts in its tickets (none when offline).
 */
listening: Array<string>, 
/**
 * The relay in use now, if any.
 */
relay: string | null, 
/**
 * Whether local-network discovery is on now.
 */
local_discovery: boolean, 
/**
 * The saved choices, used from the next start.
 */
saved: NetworkPrefs, 
/**
 * The saved choices differ from those in use: they apply when the node next
 * starts (or `serve --relay` / `--local-discovery` override them for this run).
 */
pending: boolean, };

export type NetworkPrefs = { 
/**
 * A self-hosted `iroh-relay` to be reached through (`https://relay.example.org`),
 * or none: peers then reach this computer only at the addresses it listens on.
 */
relay: string | null, 
/**
 * Announce this computer and find the cooperative's peers on the local network
 * (mDNS). Off by default: it tells everyone on the network that datacoop runs here.
 */
local_discovery: boolean, };

export type RequestStatus = "pending" | "approved" | "denied" | "expired";

export type RequestView = { 
/**
 * The request's id (its operation's).
 */
id: string, 
/**
 * The trainer's identity id.
 */
trainer: string, 
/**
 * Whether this node's identity made it.
 */
mine: boolean, 
/**
 * What for.
 */
purpose: Purpose, 
/**
 * Categories asked for.
 */
categories: Array<string>, 
/**
 * SPDX license the trainer accepted.
 */
license: string, 
/**
 * How long the trainer may use the data, seconds.
 */
period_secs: number, 
/**
 * Credits each releasing member earns.
 */
credits: number, 
/**
 * Unix seconds (log time) until which ask-mode members may answer.
 */
deadline: number, 
/**
 * Pending, approved or denied.
 */
status: RequestStatus, 
/**
 * Why it was denied.
 */
denial_reason: string | null, 
/**
 * Approvals from current stewards.
 */
approvals: number, 
/**
 * Approvals needed (k).
 */
threshold: number, 
/**
 * Stewards (n).
 */
stewards: number, 
/**
 * Whether this node's steward approved it.
 */
approved_by_me: boolean, 
/**
 * When the window opens (the approval's log time), once known.
 */
window_start: number | null, 
/**
 * When it closes.
 */
window_end: number | null, 
/**
 * Datasets whose owner's consent covers it (declined ones not counted).
 */
matching: number, 
/**
 * Datasets released to it.
 */
released: number, 
/**
 * Members still to release or answer (identity ids).
 */
pending: Array<string>, 
/**
 * This member's datasets it asks about, unanswered (ask mode).
 */
asks_me: Array<string>, };

export type GrantView = { 
/**
 * The release's operation id.
 */
id: string, 
/**
 * The request it answers.
 */
request: string, 
/**
 * The trainer who can decrypt.
 */
trainer: string, 
/**
 * The member who released.
 */
member: string, 
/**
 * Whether this node's member released it.
 */
mine: boolean, 
/**
 * Whether it was released to this node's trainer.
 */
to_me: boolean, 
/**
 * The dataset's name, when it is this member's.
 */
dataset: string | null, 
/**
 * The dataset's public id.
 */
dataset_id: string, 
/**
 * First epoch unlocked.
 */
first_epoch: number, 
/**
 * Last epoch unlocked (later files are under keys the trainer never gets).
 */
last_epoch: number, 
/**
 * The last epoch's root as released (BLAKE3 of its hash sequence), hex.
 */
root: string, 
/**
 * The capability blob's BLAKE3, hex (the keys sealed to the trainer's request key).
 */
capability: string, 
/**
 * Window opens (log time, Unix seconds).
 */
window_start: number, 
/**
 * Window closes.
 */
window_end: number, 
/**
 * Credits the member earns.
 */
credits: number, 
/**
 * The request's purpose.
 */
purpose: Purpose | null, 
/**
 * The request's license.
 */
license: string, 
/**
 * In a quorum checkpoint: the capability may be handed over.
 */
delivered: boolean, 
/**
 * Delivered, not revoked, window open.
 */
live: boolean, 
/**
 * Revoked.
 */
revoked: boolean, 
/**
 * How it ended, once it did.
 */
ending: GrantEnding | null, 
/**
 * Requests serving peers reported answering for the trainer.
 */
served_requests: number, 
/**
 * Bytes of ciphertext they reported sending.
 */
served_bytes: number, };

export type FetchReport = { 
/**
 * The request.
 */
request: string, 
/**
 * The folder written.
 */
out: string, 
/**
 * Files written.
 */
files: number, 
/**
 * Plaintext bytes written.
 */
bytes: number, 
/**
 * Members whose releases were fetched (identity ids).
 */
released_by: Array<string>, 
/**
 * Members still pending (identity ids).
 */
pending: Array<string>, 
/**
 * Grants of this request that ended and were not fetched.
 */
ended: Array<EndedGrant>, 
/**
 * The Croissant metadata written.
 */
croissant: string, };

export type GrantEnding = { "ended": "expired", 
/**
 * When (Unix seconds): the window's end.
 */
at: number, } | { "ended": "revoked", 
/**
 * Who revoked (identity id).
 */
by: string, 
/**
 * Whether that was the member who released (else a steward).
 */
by_member: boolean, 
/**
 * Why, in the revoker's words.
 */
reason: string, };

export type EndedGrant = { 
/**
 * The release's operation id.
 */
release: string, 
/**
 * The member who released (identity id).
 */
member: string, 
/**
 * How it ended.
 */
ending: GrantEnding, };

export type RevokeReport = { 
/**
 * The grants (release ids) revoked.
 */
revoked: Array<string>, };

export type ActivityEntry = { 
/**
 * What happened.
 */
kind: ActivityKind, 
/**
 * When, by log time (Unix seconds; none until a witness quorum has cosigned it). An
 * expiry's is the window's end.
 */
time: number | null, 
/**
 * When its author says it was signed (for display until it has a log time).
 */
claimed_time: number, 
/**
 * The operation's index on the log (none for an expiry, which is no operation).
 */
index: number | null, 
/**
 * The operation's id: `datacoop log proof` proves it (an expiry: its release's).
 */
operation: string, 
/**
 * The member's dataset, by its local name (or a short public id).
 */
dataset: string | null, 
/**
 * The request concerned.
 */
request: string | null, 
/**
 * The grant (release) concerned.
 */
grant: string | null, 
/**
 * The trainer concerned (identity id).
 */
trainer: string | null, 
/**
 * Who did it, when not the member: a steward, a serving peer (identity id).
 */
by: string | null, 
/**
 * The request's purpose.
 */
purpose: Purpose | null, 
/**
 * Credits the release earns.
 */
credits: number | null, 
/**
 * Bytes a serving peer sent.
 */
bytes: number | null, 
/**
 * Whether an ask-mode answer accepted.
 */
accepted: boolean | null, 
/**
 * A denial's or revocation's reason.
 */
reason: string | null, };

export type ActivityKind = "consent_given" | "consent_changed" | "consent_withdrawn" | "request_made" | "request_matched" | "ask_answered" | "request_approved" | "request_denied" | "keys_released" | "data_served" | "grant_revoked" | "grant_expired";

export type Earnings = { 
/**
 * Every release this member made, oldest first.
 */
grants: Array<Earning>, 
/**
 * Their credits summed.
 */
total: number, };

export type Earning = { 
/**
 * The release's operation id (`datacoop log proof` proves it).
 */
grant: string, 
/**
 * Its index on the log.
 */
index: number, 
/**
 * When it was released, by log time (none until cosigned).
 */
time: number | null, 
/**
 * The request it answered.
 */
request: string, 
/**
 * The trainer (identity id).
 */
trainer: string, 
/**
 * The member's dataset, by its local name.
 */
dataset: string | null, 
/**
 * The request's purpose.
 */
purpose: Purpose | null, 
/**
 * The license the trainer accepted.
 */
license: string, 
/**
 * Credits, as the release operation (the member's own signed act) states them.
 */
credits: number, 
/**
 * When its window closes (Unix seconds).
 */
window_end: number, 
/**
 * Where it stands.
 */
status: EarningStatus, };

export type EarningStatus = "waiting" | "live" | "expired" | "revoked";

export type Saved = { 
/**
 * Where.
 */
path: string, };

export type DataList = { 
/**
 * Restrict to this dataset and list its files.
 */
dataset: string | null, };

export type DataRename = { 
/**
 * The dataset's name now.
 */
dataset: string, 
/**
 * Its new name.
 */
to: string, };

export type DataAdd = { 
/**
 * Dataset name.
 */
dataset: string, 
/**
 * Category, required when the dataset is new.
 */
category: string | null, 
/**
 * Absolute paths of files and folders.
 */
paths: string[], 
/**
 * Whether the files are already age-encrypted to the dataset's recipient.
 */
age: boolean, };

export type DataExport = { 
/**
 * Dataset name.
 */
dataset: string, 
/**
 * Target folder.
 */
out: string, 
/**
 * Write ciphertext and epoch identities instead of plaintext.
 */
age: boolean, 
/**
 * The identity's passphrase: required with `age` through the control socket, since
 * the epoch identities are the dataset's keys (as for a recovery kit).
 */
passphrase?: string, };

export type RecoveryExport = { 
/**
 * The identity's passphrase. Required when the request crosses the control socket
 * or comes from the window: a running owner makes a kit (a copy of the keys) only
 * for someone who knows the passphrase. A one-shot command proved it by unlocking.
 */
passphrase?: string, };

export type PassphraseChange = { 
/**
 * The passphrase the keystore is sealed with now.
 */
current: string, 
/**
 * The new one (at least [`crate::MIN_PASSPHRASE_CHARS`] characters).
 */
new: string, };

export type CoopShow = Record<string, never>;

export type CoopCreate = { 
/**
 * The cooperative's name.
 */
name: string, 
/**
 * Approvals needed (k); default 1.
 */
threshold: number | null, 
/**
 * Cosignatures a checkpoint needs (q); default a majority of witnesses.
 */
witness_quorum: number | null, };

export type CoopInvite = { 
/**
 * The role offered: `member`, `steward` or `trainer`.
 */
role: string, 
/**
 * How long the ticket stays valid, in seconds of log time; default 7 days.
 */
expires_secs: number | null, 
/**
 * A steward accepts the newcomer (`coop accept`) before they are in.
 */
review: boolean, };

export type CoopJoin = { 
/**
 * The ticket (`dcinvite...`), as pasted.
 */
ticket: string, };

export type CoopAccept = { 
/**
 * The join operation's id or a unique prefix (8+ hex digits), as `coop show` lists it.
 */
id: string, };

export type ProposalList = Record<string, never>;

export type ProposalApprove = { 
/**
 * The proposal's operation id or unique prefix (8+ hex digits).
 */
id: string, };

export type ProposalCreate = { 
/**
 * What to change.
 */
change: ProposedChange, };

export type ProposedChange = { "change": "add_steward", 
/**
 * Identity id or unique prefix (8+ hex digits).
 */
id: string, } | { "change": "remove_steward", 
/**
 * Identity id or unique prefix.
 */
id: string, } | { "change": "threshold", 
/**
 * The new k.
 */
k: number, } | { "change": "witnesses", 
/**
 * The witnesses' identity ids or unique prefixes.
 */
ids: Array<string>, 
/**
 * Cosignatures a checkpoint needs.
 */
quorum: number, } | { "change": "witness_quorum", 
/**
 * The new q.
 */
q: number, };

export type ConsentShow = Record<string, never>;

export type ConsentSet = { 
/**
 * Dataset name.
 */
dataset: string, 
/**
 * Purposes allowed (names of [`datacoop_core::Purpose`]).
 */
allow: Array<string>, 
/**
 * Purposes explicitly denied (must not overlap `allow`).
 */
deny: Array<string>, 
/**
 * Longest access period accepted, days.
 */
max_days: number | null, 
/**
 * Ask each time instead of including automatically.
 */
ask: boolean, };

export type ConsentWithdraw = { 
/**
 * Dataset name.
 */
dataset: string, };

export type LogShow = { 
/**
 * First index.
 */
from: number, };

export type LogVerify = Record<string, never>;

export type LogProof = { 
/**
 * Operation id or unique prefix (8+ hex digits).
 */
id: string, };

export type NetworkShow = Record<string, never>;

export type NetworkSave = { 
/**
 * A self-hosted `iroh-relay` (`https://...`); none or blank: no relay.
 */
relay: string | null, 
/**
 * Local-network discovery (mDNS).
 */
local_discovery: boolean, };

export type RequestCreate = { 
/**
 * The category of data wanted.
 */
category: string, 
/**
 * The purpose (a name of [`datacoop_core::Purpose`]).
 */
purpose: string, 
/**
 * How long the data may be used, seconds.
 */
period_secs: number, 
/**
 * SPDX license of the use.
 */
license: string, 
/**
 * Credits each releasing member earns.
 */
credits: number, 
/**
 * How long ask-mode members have to answer, seconds; default 7 days.
 */
deadline_secs: number | null, };

export type RequestList = Record<string, never>;

export type RequestApprove = { 
/**
 * The request's id or unique prefix (8+ hex digits).
 */
id: string, };

export type RequestDeny = { 
/**
 * The request's id or unique prefix.
 */
id: string, 
/**
 * Why (the trainer sees it).
 */
reason: string, };

export type ConsentAnswer = { 
/**
 * The request's id or unique prefix.
 */
id: string, 
/**
 * Yes (release) or no.
 */
accept: boolean, };

export type GrantList = Record<string, never>;

export type GrantRevoke = { 
/**
 * A grant's (release's) id, or a request's: all its grants this identity may end.
 */
id: string, 
/**
 * Why (the trainer is told).
 */
reason: string | null, };

export type Fetch = { 
/**
 * The request's id or unique prefix.
 */
id: string, 
/**
 * The folder to write (absolute).
 */
out: string, 
/**
 * Wait up to this long for pending members, seconds.
 */
wait_secs: number | null, 
/**
 * Fail unless every matching member released.
 */
all: boolean, };

export type ActivityList = Record<string, never>;

export type EarningsShow = Record<string, never>;

export type Statement = "activity" | "earnings";

export type StatementFormat = "json" | "csv";

export type StatementSave = { 
/**
 * Which one.
 */
statement: Statement, 
/**
 * In which format.
 */
format: StatementFormat, 
/**
 * The file to write (absolute).
 */
out: string, 
/**
 * Replace a file already there (the person confirmed it in the save dialog).
 */
replace: boolean, };

/** Categories offered for new datasets (any lowercase slug is accepted). */
export const CATEGORY_SUGGESTIONS = ["fitness", "health-records", "sleep", "nutrition", "location", "messages", "photos", "voice", "browsing", "purchases", "finance", "writing", "code"] as const;

/** Purposes a consent can allow, and the W3C DPV term each is recorded as. */
export const PURPOSES = [{ name: "ScientificResearch", dpv: "ScientificResearch" }, { name: "NonCommercialResearch", dpv: "NonCommercialResearch" }, { name: "CommercialResearch", dpv: "CommercialResearch" }, { name: "ResearchAndDevelopment", dpv: "ResearchAndDevelopment" }, { name: "ServiceOptimisation", dpv: "ServiceOptimisation" }, { name: "ModelTraining", dpv: "ResearchAndDevelopment" }] as const;
