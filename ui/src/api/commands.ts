// Typed wrappers over the app's Tauri commands (src-tauri/src/commands.rs). Each command
// takes the node operation's own arguments (`request`) and answers its output, both typed
// in ./bindings (generated from the Rust types). Argument names are camelCase here; Tauri
// maps them to the commands' snake_case parameters.

import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  Event as NodeEvent, StopReport, AddReport, AppStatus, ConsentView, CoopInfo, CreatedIdentity, LogEntry,
  VerifySummary, DatasetSummary, Entry, ExportReport, PublicIdentity, Progress, NewRecoveryKit,
  ConsentSet, Recorded, Proof, PassphraseChange, DataRename, Invitation, ProposalView, QrMatrix,
  CoopInvite, Role, Joining, ProposedChange, NetworkInfo, NetworkSave, DataListing,
  RequestView, RequestCreate, GrantView, Fetch, FetchReport, ShellWords, RevokeReport, ActivityEntry,
  Earnings, Statement, StatementFormat, Saved,
} from "./bindings";

let nextJob = 1;

/** A cancellable job id, unique in this window. */
export function newJob(): number {
  return nextJob++;
}

function progressChannel(onProgress: (p: Progress) => void): Channel<Progress> {
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  return channel;
}

export const api = {
  appState: () => invoke<AppStatus>("app_state"),
  retryHome: () => invoke<AppStatus>("retry_home"),
  createIdentity: (name: string, passphrase: string) =>
    invoke<CreatedIdentity>("create_identity", { name, passphrase }),
  restoreIdentity: (kit: string, phrase: string, passphrase: string) =>
    invoke<PublicIdentity>("restore_identity", { kit, phrase, passphrase }),
  unlock: (passphrase: string) => invoke<PublicIdentity>("unlock", { passphrase }),
  lock: () => invoke<StopReport>("lock"),
  /** Calls `onEvent` with each of the node's events from now on. */
  followEvents: (onEvent: (e: NodeEvent) => void) => {
    const channel = new Channel<NodeEvent>();
    channel.onmessage = onEvent;
    return invoke<null>("follow_events", { onEvent: channel });
  },
  listDatasets: async (): Promise<DatasetSummary[]> =>
    (await invoke<{ datasets: DatasetSummary[] }>("data_list", { request: {} })).datasets,
  /** The datasets with where each one's ciphertext is kept. */
  listPlacement: (): Promise<DataListing> => invoke<DataListing>("data_list", { request: {} }),
  listEntries: async (dataset: string): Promise<Entry[]> =>
    (await invoke<{ entries: Entry[] }>("data_list", { request: { dataset } })).entries,
  addPaths: (job: number, dataset: string, category: string | null, paths: string[], onProgress: (p: Progress) => void) =>
    invoke<AddReport>("data_add", {
      job, request: { dataset, category, paths, age: false }, onProgress: progressChannel(onProgress),
    }),
  exportDataset: (job: number, dataset: string, out: string, onProgress: (p: Progress) => void) =>
    invoke<ExportReport>("data_export", {
      job, request: { dataset, out, age: false }, onProgress: progressChannel(onProgress),
    }),
  renameDataset: (dataset: string, to: string) => {
    const request: DataRename = { dataset, to };
    return invoke<null>("data_rename", { request });
  },
  newRecoveryKit: (passphrase: string) =>
    invoke<NewRecoveryKit>("recovery_export", { request: { passphrase } }),
  changePassphrase: (current: string, next: string) => {
    const request: PassphraseChange = { current, new: next };
    return invoke<null>("passphrase_change", { request });
  },
  /** The text of the kit in file `path`, checked to be a whole kit. */
  readRecoveryKit: (path: string) => invoke<string>("read_recovery_kit", { path }),
  saveRecoveryKit: (path: string, kit: string, replace: boolean) =>
    invoke<null>("save_recovery_kit", { path, kit, replace }),
  /** The cooperative, or null when this home is in none. */
  coopStatus: () => invoke<CoopInfo | null>("coop_show", { request: {} }),
  coopCreate: (name: string) => invoke<CoopInfo>("coop_create", { request: { name } }),
  /** Records an invitation for `role`, valid `expiresSecs` (log time); answers its ticket. */
  coopInvite: (role: Role, expiresSecs: number, review: boolean) => {
    const request: CoopInvite = { role, expires_secs: expiresSecs, review };
    return invoke<Invitation>("coop_invite", { request });
  },
  /** Joins; the answer says whether a steward still has to accept this home. */
  coopJoin: (ticket: string) => invoke<Joining>("coop_join", { request: { ticket } }),
  coopAccept: (join: string) => invoke<Recorded>("coop_accept", { request: { id: join } }),
  proposals: async (): Promise<ProposalView[]> =>
    (await invoke<ProposalView[] | null>("proposal_list", { request: {} })) ?? [],
  proposalApprove: (id: string) => invoke<Recorded>("proposal_approve", { request: { id } }),
  /** Proposes a change with this steward's own approval; answers the proposal's id. */
  proposalCreate: async (change: ProposedChange): Promise<string> =>
    (await invoke<Recorded>("proposal_create", { request: { change } })).operation,
  networkShow: () => invoke<NetworkInfo>("network_show", { request: {} }),
  /** Saves the relay (null: none) and local discovery for the next start. */
  networkSave: (relay: string | null, localDiscovery: boolean) => {
    const request: NetworkSave = { relay, local_discovery: localDiscovery };
    return invoke<NetworkInfo>("network_save", { request });
  },
  ticketQr: (ticket: string) => invoke<QrMatrix>("ticket_qr", { ticket }),
  consentList: async (): Promise<ConsentView[]> =>
    (await invoke<ConsentView[] | null>("consent_show", { request: {} })) ?? [],
  consentSet: async (dataset: string, allow: string[], maxDays: number | null, ask: boolean): Promise<string> => {
    const request: ConsentSet = { dataset, allow, deny: [], max_days: maxDays, ask };
    return (await invoke<Recorded>("consent_set", { request })).operation;
  },
  consentWithdraw: async (dataset: string): Promise<string> =>
    (await invoke<Recorded>("consent_withdraw", { request: { dataset } })).operation,
  logEntries: async (from: number): Promise<LogEntry[]> =>
    (await invoke<LogEntry[] | null>("log_show", { request: { from } })) ?? [],
  logVerify: () => invoke<VerifySummary>("log_verify", { request: {} }),
  logProof: async (id: string): Promise<string> =>
    (await invoke<Proof>("log_proof", { request: { id } })).text,
  saveLogProof: (id: string, path: string, replace: boolean) =>
    invoke<null>("save_log_proof", { request: { id }, path, replace }),
  cancelJob: (job: number) => invoke<boolean>("cancel_job", { job }),
  requestList: async (): Promise<RequestView[] | null> => invoke<RequestView[] | null>("request_list", { request: {} }),
  requestCreate: async (request: RequestCreate) =>
    (await invoke<Recorded>("request_create", { request })).operation,
  requestApprove: (id: string) => invoke<Recorded>("request_approve", { request: { id } }),
  requestDeny: (id: string, reason: string) => invoke<Recorded>("request_deny", { request: { id, reason } }),
  consentAnswer: (id: string, accept: boolean) => invoke<Recorded>("consent_answer", { request: { id, accept } }),
  grantList: async (): Promise<GrantView[]> => (await invoke<GrantView[] | null>("grant_list", { request: {} })) ?? [],
  grantRevoke: (id: string, reason: string | null) =>
    invoke<RevokeReport>("grant_revoke", { request: { id, reason } }),
  activity: async (): Promise<ActivityEntry[] | null> => invoke<ActivityEntry[] | null>("activity", { request: {} }),
  earnings: async (): Promise<Earnings | null> => invoke<Earnings | null>("earnings", { request: {} }),
  saveStatement: (statement: Statement, format: StatementFormat, out: string, replace: boolean) =>
    invoke<Saved>("statement_save", { request: { statement, format, out, replace } }),
  fetch: (job: number, request: Fetch, onProgress: (p: Progress) => void) =>
    invoke<FetchReport>("fetch", { job, request, onProgress: progressChannel(onProgress) }),
  /** Hands the shell its words (tray menu, notices it shows itself). */
  shellWords: (words: ShellWords) => invoke<null>("shell_words", { words }),
  /** An OS notification, shown only while the window is not in front. */
  notifyOs: (title: string, body: string) => invoke<boolean>("notify_os", { title, body }),
  /** Quits the app: the node stops serving until it is opened again. */
  quit: () => invoke<null>("app_quit"),
  closeQuits: (quits: boolean) => invoke<null>("close_quits", { quits }),
};
