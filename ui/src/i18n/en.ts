// Every string the window shows, in one place, ready for translation.
// Functions take the variable parts; numbers and sizes are formatted by the caller (Intl).

import type { Code, IoKind, SkipReason } from "../api/bindings";

export const en = {
  appName: "datacoop",
  loading: "Loading…",

  welcome: {
    title: "Welcome to datacoop",
    body:
      "datacoop keeps your data encrypted on this computer. Later, with a cooperative, you " +
      "decide dataset by dataset who may use it, for what purpose and for how long. " +
      "Nothing leaves this computer unless you say so, and nobody, not even " +
      "the cooperative, can read your data without a key you release.",
    start: "Create my identity",
    restore: "I have a recovery kit",
  },

  restore: {
    title: "Restore from your recovery kit",
    intro:
      "Paste the text of your recovery kit and type its 24 words. Your identity (your name " +
      "and keys) comes back on this computer, protected by a new passphrase. Files come " +
      "back only if this data folder still holds them: a kit does not contain your data, " +
      "so keep copies of your files too.",
    kit: "Recovery kit (the whole text of the file)",
    kitPlaceholder: "datacoop recovery kit v1 …",
    phrase: "Recovery phrase (24 words)",
    passphrase: "New passphrase",
    submit: "Restore my identity",
    working: "Restoring… this takes a few seconds",
    kitMissing: "Paste the text of your recovery kit, or open its file.",
    openKit: "Open kit file…",
    opened: (path: string) => `Opened ${path}. Now type its 24 words.`,
    phraseMissing: "Type the 24 words of your recovery phrase.",
    phraseRule: "The 24 words in order, as the kit screen showed them; numbers may stay.",
    phraseCount: (n: number) => `The phrase has ${n} ${n === 1 ? "word" : "words"}; datacoop phrases have 24.`,
  },

  create: {
    title: "Create your identity",
    intro:
      "Your name is shown to the cooperative you join. Your passphrase protects your keys " +
      "on this computer; nobody can reset it for you.",
    name: "Your name",
    namePlaceholder: "e.g. Ada Lovelace",
    passphrase: "Passphrase",
    confirm: "Passphrase again",
    submit: "Create identity",
    working: "Creating your identity… this takes a few seconds",
    back: "Back",
    strengthLabel: "Strength",
    strength: {
      empty: "At least 8 characters, and not easy to guess: a few unrelated words work well.",
      weak: "Weak: easy to guess. Add more words.",
      fair: "Fair: add a word or two to be safe.",
      good: "Good.",
      strong: "Strong.",
    },
    problem: {
      name_missing: "Enter a name.",
      too_short: "Use at least 8 characters.",
      weak: "This passphrase is easy to guess: it is the one thing between a thief and your keys. Choose a longer one, or a few unrelated words.",
      mismatch: "The two passphrases are not the same.",
    },
  },

  kit: {
    title: "Save your recovery kit",
    intro:
      "If you forget your passphrase or lose this computer, these 24 words and the kit " +
      "below are the only way back to your identity. They are shown once, now.",
    phraseLabel: "Recovery phrase",
    kitLabel: "Recovery kit",
    saveTitle: "Save the kit as a file",
    saveDialog: "Save as file…",
    savePath: "Or type where to save it",
    savePathPlaceholder: "/media/usb-stick/datacoop-recovery-kit.txt",
    saveSubmit: "Save",
    savePathMissing: "Type a file path, or use Save as file….",
    saved: (path: string) =>
      `Saved to ${path}. Keep a copy away from this computer, e.g. on a USB stick, and the 24 words somewhere else.`,
    fileType: "Text file",
    fileName: "datacoop-recovery-kit.txt",
    copy: "Copy kit text",
    copied: "Copied.",
    copyFailed: "Could not copy: select the text and copy it yourself.",
    confirm: "I have written down the 24 words and saved the kit somewhere safe, away from this computer.",
    done: "Continue",
  },

  coop: {
    title: "Start or join a cooperative",
    intro:
      "A cooperative is the group you pool data with. Its members decide together who may " +
      "use the data and on what terms. You can do this now or later.",
    createTitle: "Start a new cooperative",
    createIntro:
      "You become its first steward. Its log, where every consent and decision is signed " +
      "and kept, starts on this computer.",
    name: "Name of the cooperative",
    nameHint: "Members see this name, e.g. Riverside Runners.",
    nameMissing: "Enter a name for the cooperative.",
    create: "Start cooperative",
    working: "Starting…",
    joinTitle: "Join with an invitation",
    joinIntro:
      "A steward of the cooperative sends you an invitation: a line of text starting with " +
      "dcinvite. Paste it here. It works once.",
    ticket: "Invitation",
    ticketHint: "Paste the whole line; line breaks and spaces around it do not matter.",
    ticketMissing: "Paste the invitation first.",
    ticketNotOne: "An invitation starts with dcinvite. Copy it again from the message you got.",
    join: "Join",
    joining: "Joining…",
    later: "Later",
  },

  firstData: {
    title: "Add your first data",
    intro:
      "Choose files or folders to keep in datacoop. They are encrypted on this computer " +
      "and nothing leaves it. You can also do this later from My data.",
    skip: "Skip for now",
  },

  status: {
    label: "Cooperative status",
    noCoop: "No cooperative yet",
    coop: (name: string, role: string) => `${name} · ${role}`,
    role: { member: "member", steward: "steward", trainer: "trainer" },
    notMember: "not a member",
    checkpoint: (size: string, n: number) => `Log: ${size} signed ${n === 1 ? "entry" : "entries"}`,
    noCheckpoint: "Log: nothing signed yet",
    unwitnessed: "not cross-checked yet",
    witnessed: "cross-checked",
    logHint:
      "Technical details: the number is the size of the newest checkpoint, the signed " +
      "summary of the cooperative's log. Not cross-checked: no witness independent of its " +
      "operator has cosigned it yet.",
    evidence: (what: string) => `Evidence of tampering: ${what}`,
    awaiting: "Waiting for a steward to accept you",
    peers: (reached: number, tried: number) => `${reached} of ${tried} computers reachable`,
    offline:
      "The computer that keeps the cooperative's log cannot be reached. Your data stays " +
      "on this computer and adding or exporting it still works; recording consent " +
      "waits until it is back.",
  },

  unlock: {
    title: "Unlock datacoop",
    intro: "Enter your passphrase to open your data.",
    passphrase: "Passphrase",
    submit: "Unlock",
    working: "Unlocking…",
    empty: "Type your passphrase first.",
    forgotIntro: "Forgot your passphrase?",
    forgot: "Restore from your recovery kit",
    home: (home: string) => `Data folder: ${home}`,
  },

  inUse: {
    title: "This data folder is in use",
    serve: (pid: number) =>
      `datacoop serve (process ${pid}) is running on this data folder. The app and ` +
      `datacoop serve cannot share it. Stop datacoop serve (Ctrl+C in its terminal, or ` +
      `kill ${pid}), then open datacoop again.`,
    cli: (pid: number) =>
      `A datacoop command (process ${pid}) has been using this data folder for a while. ` +
      `Wait for it to finish, then open datacoop again.`,
    app: (pid: number) => `Another datacoop window (process ${pid}) has this data folder open.`,
    other: (home: string) =>
      `To use another data folder, start the app with: datacoop-app --home FOLDER (now: ${home})`,
  },

  unavailable: {
    title: "datacoop cannot open its data folder",
    what: (message: string) => `What happened: ${message}`,
    next: "Check that the folder exists and belongs to you, then open datacoop again.",
  },

  retry: {
    label: "Try again",
    working: "Checking…",
    still: (time: string) => `Checked at ${time}: still not available.`,
  },

  nav: {
    label: "Sections",
    myData: "My data",
    settings: "Settings",
    consent: "Consent",
    requests: "Requests",
    grants: "Grants",
    activity: "Activity",
    earnings: "Earnings",
    log: "Log",
    cooperative: "Cooperative",
    lock: "Lock",
    lockBusy: "Wait for the running work to finish, or cancel it, before locking.",
    leaveBusy: "Wait for the running work to finish, or cancel it, before leaving this screen.",
    signedInAs: (name: string) => `Signed in as ${name}`,
  },

  data: {
    title: "My data",
    add: "Add data",
    emptyTitle: "No data yet",
    emptyBody:
      "Add files or folders to start. They are encrypted on this computer; nothing leaves it.",
    card: {
      items: (n: string) => `${n} ${n === "1" ? "file" : "files"}`,
      created: (date: string) => `Since ${date}`,
      keptHere: "On this computer only",
      keptPending: "On this computer; telling the cooperative",
      keptPinned: (stewards: string[]) =>
        `On this computer, and pinned by ${stewards.length === 1 ? "steward" : "stewards"} ${stewards.join(", ")}`,
    },
    open: (name: string) => `Open dataset ${name}`,
  },

  /** File types in words, by media type; then by family; then by extension. */
  fileTypes: {
    exact: {
      "text/csv": "Spreadsheet (CSV)",
      "text/tab-separated-values": "Spreadsheet (TSV)",
      "application/json": "Data (JSON)",
      "application/gpx+xml": "GPS track (GPX)",
      "application/vnd.google-earth.kml+xml": "Map (KML)",
      "application/pdf": "PDF document",
      "application/zip": "ZIP archive",
      "application/xml": "Data (XML)",
      "text/xml": "Data (XML)",
      "text/plain": "Text",
      "text/markdown": "Text (Markdown)",
      "text/html": "Web page",
      "application/vnd.ms-excel": "Spreadsheet (Excel)",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Spreadsheet (Excel)",
    } as Record<string, string>,
    families: { text: "Text", image: "Image", audio: "Audio", video: "Video", font: "Font" },
    extension: (ext: string) => `${ext} file`,
    unknown: "File",
  },

  dataset: {
    back: "My data",
    breadcrumb: "Where you are",
    category: "Category",
    files: "Files",
    columns: { name: "Name", type: "Type", size: "Size", added: "Added" },
    filesLabel: (n: number) => `Files, ${n} in all`,
    filesHelp: "Up and down arrows move through the files; Enter shows a file's details.",
    holders: "Stored on this computer",
    details: {
      type: "Type",
      size: "Size",
      stored: "Encrypted size",
      added: "Added",
      where: "Where it is",
      whereLocal: "Encrypted, on this computer only",
      mediaType: "Media type",
      epoch: "Key epoch",
      plaintextHash: "Content fingerprint (BLAKE3)",
      blobHash: "Encrypted blob address (BLAKE3)",
    },
    hashHint:
      "The fingerprint lets you check an exported copy; the blob address is all that " +
      "other computers would ever see of this file.",
    rename: "Rename",
    renameTitle: (name: string) => `Rename ${name}`,
    renameLabel: "New name",
    renameRule:
      "Letters, digits, - _ and . only. The name is yours only; its consents stay in force.",
    renameSave: "Save name",
    renameCancel: "Cancel",
    emptyFiles: "This dataset has no files yet.",
    addHere: "Add files to this dataset",
    exportTitle: "Export to a folder",
    exportIntro:
      "Writes decrypted copies of every file into a folder. Files already there are never overwritten.",
    exportPath: "Folder",
    exportPathPlaceholder: "/home/you/Exports/fitness",
    choose: "Choose folder…",
    exportSubmit: "Export",
    exported: (files: string, size: string, out: string) =>
      `Exported ${files} files (${size}) to ${out}.`,
    exportSkipped: (count: string, names: string) =>
      ` ${count} could not be written as files here and were left out: ${names}.`,
    exportPathMissing: "Enter or choose a folder.",
  },

  add: {
    title: "Add data",
    dataset: "Dataset",
    newDataset: "New dataset…",
    newName: "Name of the new dataset",
    newNameHint: "Letters, digits, - _ and . only (no spaces), e.g. running-2026. Only you see it.",
    category: "Category",
    categoryHint:
      "What kind of data it is, in lowercase words joined by hyphens, e.g. health-records. " +
      "The cooperative sees only this, and it cannot be changed later.",
    paths: "Files and folders (one path per line)",
    pathsPlaceholder: "/home/you/Documents/runs",
    chooseFiles: "Choose files…",
    chooseFolder: "Choose folder…",
    drop: "Or drop files and folders on this window.",
    dropHere: "Drop to add",
    submit: "Add and encrypt",
    cancel: "Close",
    pathsMissing: "Enter at least one path, choose files, or drop them here.",
    nameMissing: "Enter a name for the new dataset.",
    nameTooLong: "Use at most 64 characters.",
    nameDot: "A name cannot start with a dot.",
    nameCharacters: "Use letters, digits, - _ and . only: no spaces or other signs.",
    nameTaken: (name: string) => `There is already a dataset named ${name}.`,
    categoryMissing: "Choose a category for the new dataset.",
    categoryRule: "Use lowercase words joined by single hyphens, e.g. health-records.",
    nothingNew: (count: string, dataset: string) =>
      `Nothing new: the ${count} files are already in “${dataset}”, unchanged.`,
    added: (files: string, size: string, dataset: string) =>
      `Added ${files} files (${size}) to “${dataset}”.`,
    addSkipped: (count: string, names: string) => ` Skipped ${count}: ${names}.`,
    addUnchanged: (count: string) => ` ${count} already there, unchanged.`,
  },

  /** Why a file was left out of an add or an export, after its name. */
  skipReasons: {
    symbolic_link: "a link, which datacoop never follows",
    unsupported_name: "its name contains \\, which a path cannot hold",
    name_conflict: "it would be a file and a folder at once",
    not_a_file: "a device, pipe or socket, not a file",
    not_utf8: "its name is not valid text",
    changed_while_adding: "it changed while being read; add it again once it is complete",
    unreadable: "it could not be read",
  } satisfies Record<SkipReason, string>,
  skippedItem: (name: string, reason: string) => `${name} (${reason})`,

  progress: {
    adding: (dataset: string) => `Adding to “${dataset}”`,
    exporting: (dataset: string) => `Exporting “${dataset}”`,
    bytes: (done: string, total: string) => `${done} of ${total}`,
    rate: (rate: string) => `${rate}`,
    eta: (left: string) => `about ${left} left`,
    files: (done: string, total: string) => `file ${done} of ${total}`,
    measuring: "measuring speed…",
    cancel: "Cancel",
    cancelling: "Cancelling…",
    cancelled: "Cancelled. Files finished before cancelling are kept; the rest were not added.",
    cancelledExport: "Export cancelled. Files already written are complete; no partial files remain.",
  },

  notices: {
    /** The title of the OS notifications the bell's notices become. */
    osTitle: "datacoop",
    bell: (n: number) => (n === 0 ? "Notifications" : `Notifications, ${n} new`),
    title: "Notifications",
    none: "Nothing new.",
    clear: "Mark all read",
    asks: (trainer: string, datasets: string) =>
      `Trainer ${trainer} asks to use your ${datasets}. Answer in Requests.`,
    review: (trainer: string, license: string) => `A request from trainer ${trainer} (${license}) waits for review.`,
    approved: (id: string) => `Your request ${id} was approved.`,
    denied: (id: string, reason: string) => `Your request ${id} was denied: ${reason}`,
    released: (dataset: string, trainer: string) => `Your computer released the keys of ${dataset} to trainer ${trainer}.`,
    received: (member: string) => `Member ${member} released data to your request. You can fetch it.`,
    endsSoon: (dataset: string, trainer: string, at: string) =>
      `The grant of ${dataset} to trainer ${trainer} ends on ${at}.`,
    revoked: (dataset: string, trainer: string, by: string) =>
      `The grant of ${dataset} to trainer ${trainer} was revoked by ${by}.`,
    expired: (dataset: string, trainer: string) => `The grant of ${dataset} to trainer ${trainer} expired.`,
  },

  activity: {
    title: "Activity",
    intro:
      "Everything that touched your data, as the cooperative's log records it: consent, requests that " +
      "matched, keys your computer released, what serving peers sent trainers, and how each grant ended.",
    empty: "Nothing has touched your data yet.",
    filter: "Show",
    filters: {
      all: "Everything",
      consent: "Consent",
      requests: "Requests",
      keys: "Keys released",
      fetches: "Fetches",
      ended: "Revocations and expiries",
    },
    exportCsv: "Export as CSV…",
    exportJson: "Export as JSON…",
    fileName: (ext: string) => `datacoop-activity.${ext}`,
    saved: (path: string) => `Saved to ${path}.`,
    notWitnessed: "not yet witnessed",
    operation: "Operation",
    you: "you",
    kinds: {
      consent_given: (dataset: string) => `You gave consent for ${dataset}.`,
      consent_changed: (dataset: string) => `You changed your consent for ${dataset}.`,
      consent_withdrawn: (dataset: string) => `You withdrew your consent for ${dataset}.`,
      request_made: (purpose: string) => `You asked for access, for ${purpose}.`,
      request_matched: (trainer: string, dataset: string, purpose: string) =>
        `Trainer ${trainer} asked for data like your ${dataset}, for ${purpose}.`,
      ask_answered: (dataset: string, accepted: boolean) =>
        accepted ? `You agreed to release ${dataset} to a request.` : `You declined a request for ${dataset}.`,
      request_approved: (request: string) => `Stewards approved request ${request}.`,
      request_denied: (request: string, reason: string) => `Stewards denied request ${request}: ${reason}`,
      keys_released: (dataset: string, trainer: string, credits: number) =>
        `Your computer released the keys of ${dataset} to trainer ${trainer}; you earn ${credits} credits.`,
      data_served: (by: string, trainer: string, bytes: string, dataset: string) =>
        `${by} sent trainer ${trainer} ${bytes} of ${dataset}.`,
      grant_revoked: (dataset: string, trainer: string, by: string) =>
        `Trainer ${trainer}'s access to ${dataset} was revoked by ${by}.`,
      grant_expired: (dataset: string, trainer: string) => `Trainer ${trainer}'s access to ${dataset} expired.`,
    },
    peer: (id: string) => `Peer ${id}`,
    yourComputer: "Your computer",
  },

  earnings: {
    title: "Earnings",
    intro:
      "Credits you earn for each grant, as your own signed releases on the log state them. Each row " +
      "can be proven with the log's receipts.",
    empty: "No keys of yours have been released yet, so nothing is earned.",
    total: (credits: string) => `${credits} credits in total`,
    chart: "Credits earned over time",
    chartTop: (credits: string) => `${credits} credits`,
    notWitnessed: "being confirmed",
    chartPoint: (date: string, total: string) => `${total} credits by ${date}`,
    columns: { when: "Released", dataset: "Data", trainer: "Trainer", credits: "Credits", state: "Now" },
    states: { waiting: "confirming", live: "in use", expired: "expired", revoked: "revoked" },
    exportCsv: "Export as CSV…",
    exportJson: "Export as JSON…",
    fileName: (ext: string) => `datacoop-earnings.${ext}`,
    saved: (path: string) => `Saved to ${path}.`,
  },

  access: {
    requestsTitle: "Requests",
    requestsIntro:
      "Trainers ask to use the cooperative's data for a purpose, a period and a license. " +
      "Stewards approve or deny; only members whose consent covers a request release their keys.",
    myRequestsTitle: "My requests",
    noRequests: "No requests yet.",
    newRequest: "New request",
    newRequestIntro:
      "Ask for one category of data, for one purpose and period. Signing the request accepts its license.",
    category: "Category",
    purpose: "Purpose",
    periodDays: "Days of use",
    license: "License (SPDX)",
    licenseHint: "For example CC-BY-NC-4.0.",
    credits: "Credits per member",
    send: "Sign and send request",
    sending: "Sending…",
    sent: "Request sent. Stewards see it now.",
    approve: "Approve",
    deny: "Deny",
    denyReason: "Reason for denying (the trainer sees it)",
    denyConfirm: "Deny request",
    reasonMissing: "Give a reason first.",
    approvedByYou: "You approved it",
    accept: "Release my data",
    decline: "Decline",
    asksYou: (datasets: string) => `It asks for your ${datasets}. Not answering counts as no.`,
    answered: "Answer recorded.",
    terms: (purpose: string, categories: string, period: string, license: string, credits: number) =>
      `${purpose} · ${categories} · ${period} · ${license} · ${credits} credits per member`,
    byTrainer: (id: string) => `Trainer ${id}`,
    statusPending: (approvals: number, k: number) => `Waiting for approvals: ${approvals} of ${k}`,
    statusApproved: (released: number, matching: number) =>
      `Approved: ${released} of ${matching} matching released`,
    statusDenied: (reason: string) => `Denied: ${reason}`,
    pendingMembers: (n: number) => (n === 1 ? "1 member still to release" : `${n} members still to release`),
    days: (n: number) => (n === 1 ? "1 day" : `${n} days`),
    hours: (n: number) => (n === 1 ? "1 hour" : `${n} hours`),
    minutes: (n: number) => (n === 1 ? "1 minute" : `${n} minutes`),
    seconds: (n: number) => (n === 1 ? "1 second" : `${n} seconds`),
    fetch: "Fetch",
    fetchTitle: "Fetch what was released",
    fetchFolder: "Folder to write into",
    fetchFolderHint: "Files, croissant.json and the proofs are written here.",
    fetchChoose: "Choose…",
    fetchStart: "Fetch",
    fetching: "Fetching and decrypting",
    fetched: (files: number, bytes: string, folder: string) => `Fetched ${files} file(s), ${bytes}, into ${folder}.`,
    grantsTitle: "Grants",
    grantsIntro: "Who can decrypt which data, until when, and what it earns.",
    noGrants: "No keys have been released to anyone.",
    datasetOf: (member: string) => `the data of member ${member}`,
    grantLiveMine: (trainer: string, dataset: string, until: string, purpose: string, license: string, credits: number) =>
      `Trainer ${trainer} can decrypt your ${dataset} until ${until}, for ${purpose} under ${license}; you earn ${credits} credits.`,
    grantLive: (member: string, until: string, purpose: string, license: string) =>
      `You can decrypt the data of member ${member} until ${until}, for ${purpose} under ${license}.`,
    grantLiveOther: (trainer: string, member: string, until: string, purpose: string, license: string) =>
      `Trainer ${trainer} can decrypt the data of member ${member} until ${until}, for ${purpose} under ${license}.`,
    grantPending: (trainer: string, dataset: string) =>
      `Keys to ${dataset} for trainer ${trainer} are released and wait for the log to confirm them.`,
    grantExpired: (trainer: string, dataset: string, until: string) =>
      `Trainer ${trainer}'s access to your ${dataset} expired on ${until}. Its keys open nothing new; peers refuse it.`,
    grantExpiredTrainer: (member: string, until: string) =>
      `Your access to the data of member ${member} expired on ${until}; datacoop deletes its key from this computer.`,
    grantExpiredOther: (trainer: string, member: string, until: string) =>
      `Trainer ${trainer}'s access to the data of member ${member} expired on ${until}.`,
    grantRevoked: (trainer: string, dataset: string, by: string) =>
      `Trainer ${trainer}'s access to your ${dataset} was revoked by ${by}.`,
    grantRevokedTrainer: (member: string, by: string) =>
      `Your access to the data of member ${member} was revoked by ${by}.`,
    grantRevokedOther: (trainer: string, member: string, by: string) =>
      `Trainer ${trainer}'s access to the data of member ${member} was revoked by ${by}.`,
    byYou: "you",
    byMember: (member: string) => `member ${member}`,
    bySteward: (steward: string) => `steward ${steward}`,
    revokedWhy: (who: string, reason: string) => `${who} (“${reason}”)`,
    timeLeft: (left: string) => `${left} left`,
    closing: "Closing now",
    served: (requests: number, bytes: string) =>
      requests === 1 ? `Serving peers reported 1 fetch (${bytes}).` : `Serving peers reported ${requests} fetches (${bytes}).`,
    revoke: "Revoke…",
    revokeTitle: "Revoke this grant?",
    revokeBody: (trainer: string, dataset: string) =>
      `Trainer ${trainer} will no longer be served your ${dataset}, and its datacoop wipes the key. ` +
      "Copies it already decrypted cannot be taken back.",
    revokeBodySteward: (trainer: string, dataset: string) =>
      `Trainer ${trainer} will no longer be served ${dataset}, and its datacoop wipes the key. ` +
      "Copies it already decrypted cannot be taken back.",
    revokeReason: "Reason (the trainer sees it; optional)",
    revokeConfirm: "Revoke grant",
    revokeCancel: "Keep it",
    revokedDone: "Grant revoked. Peers refuse the trainer from the next checkpoint on.",
    technical: {
      grant: "Grant (release operation)",
      request: "Request",
      epochs: "Key epochs",
      root: "Last epoch's root",
      capability: "Capability (BLAKE3)",
    },
    statusExpired: (at: string) => `Expired on ${at}: nothing more is released or served for it`,
    noKeys: "No keys released to anyone",
    holder: (trainer: string, until: string) => `trainer ${trainer} until ${until}`,
    keysHeld: (holders: string[]) => `Keys released to ${holders.join(", ")}`,
    notInCoop: "Requests and grants live on a cooperative's log: join or start one first.",
  },

  /** What the shell shows itself: the tray's menu, the notice when the window hides. */
  shell: {
    open: "Open datacoop",
    quit: "Quit datacoop",
    tooltip: "datacoop is serving your cooperative",
    hidden_title: "datacoop keeps serving",
    hidden_body:
      "The window is closed, but datacoop still serves your cooperative, so releases you consented to " +
      "can happen. Quit it from its tray icon or from Settings.",
  },

  settings: {
    title: "Settings",
    background: {
      title: "When the window is closed",
      body:
        "While you are in a cooperative, closing the window keeps datacoop running (unless you choose " +
        "below that it quits): it releases keys you " +
        "consented to, keeps the copies you pin and tells you what happened. Open it again from its tray " +
        "icon or by starting it again.",
      closeQuits: "Quit when I close the window",
      closeQuitsHint:
        "Then, while the window is closed, this computer releases nothing to approved requests and pins " +
        "nothing: that waits until you open datacoop again.",
      quitHint: "Quit stops all of that until you open datacoop again.",
      quit: "Quit datacoop",
    },
    home: "Data folder",
    homeHint: "Where your encrypted data and keys live on this computer.",
    homeTechnical:
      "To use another folder, start the app with --home FOLDER, or set the DATACOOP_HOME variable.",
    theme: "Theme",
    themes: { system: "Follow the system", light: "Light", dark: "Dark" },
    about: "About",
    aboutBody: (version: string) =>
      `datacoop ${version}. Free software under the GNU AGPL 3.0 or later.`,
    identity: "Your identity id",
    kit: {
      title: "Recovery kit",
      intro:
        "If you lost your recovery kit, make a new one here. Kits you made before keep " +
        "working: a kit and its 24 words in someone else's hands restore your identity, " +
        "and nothing can revoke them. Destroy copies you cannot keep safe.",
      passphrase: "Your passphrase (a new kit is a copy of your keys)",
      make: "Make a new recovery kit",
      passphraseMissing: "Type your passphrase first.",
      working: "Making the kit… this takes a few seconds",
      shownOnce: "Your new kit and its 24 words, shown once:",
      done: "Done",
      unsaved:
        "You have not saved or copied this kit. Once you leave, it is gone (kits made " +
        "before still work). Save it above, or leave without it.",
      leaveUnsaved: "Leave without this kit",
    },
    passphrase: {
      title: "Passphrase",
      intro:
        "Your passphrase seals your keys on this computer. Changing it keeps your identity " +
        "and your data, and recovery kits you made before keep working: each has its own 24 words.",
      current: "Current passphrase",
      new: "New passphrase",
      confirm: "Type the new passphrase again",
      rules: "At least 8 characters. A few unrelated words are easy to remember and hard to guess.",
      change: "Change passphrase",
      working: "Sealing your keys… this takes a few seconds",
      currentMissing: "Type your current passphrase.",
      tooShort: "Use at least 8 characters.",
      mismatch: "The two new passphrases differ.",
      weak: "This passphrase is easy to guess. Choose a longer one, or a few unrelated words.",
      changed: "Your passphrase is changed. Use the new one from now on.",
    },
    network: {
      title: "Network",
      loading: "Reading the network settings…",
      listening: "Other members reach this computer at",
      nowhere: "no address yet",
      offline: "This computer is not on the cooperative's network now.",
      inUse: (relay: string, discovery: string) =>
        `In use now: relay ${relay}; local network discovery ${discovery}.`,
      noRelay: "none",
      on: "on",
      off: "off",
      relay: "Your cooperative's relay (optional)",
      relayHint:
        "A relay your cooperative runs (iroh-relay) lets members behind home routers reach " +
        "each other. Without one, members reach this computer only at the addresses above. " +
        "It sees that two computers talk, never what they say.",
      relayScheme: "A relay address starts with https://",
      relayNotUrl: "This is not a web address. Ask your cooperative for its relay's address.",
      localDiscovery: "Find members on this local network",
      localDiscoveryHint:
        "Announces on this network (at home, at work, in a café) that datacoop runs on this " +
        "computer, so members nearby are found without a ticket's addresses. Off unless you turn it on.",
      save: "Save network settings",
      saved: "Saved.",
      savedNextStart: "Saved. They apply the next time you start or unlock datacoop.",
    },
  },

  restoredBanner: {
    title: "Your identity is back on this computer",
    identity: (name: string) => `Back: your identity, ${name}, and its keys.`,
    files: (n: number) =>
      `Back: ${n === 1 ? "1 dataset" : `${n} datasets`} this data folder still held.`,
    noFiles:
      "Not back: your files. A recovery kit holds no data: add them again from your own copies.",
    coop: (name: string) => `Back: your cooperative, ${name}.`,
    noCoop:
      "Not back: a cooperative. Its log stays on the computers that keep it; ask a " +
      "steward for a new invitation to join it again from this one.",
    dismiss: "Got it",
  },

  kitBanner: {
    text:
      "You have not saved a recovery kit yet. Without one, a lost passphrase or computer " +
      "loses your identity for good.",
    action: "Make a recovery kit",
    settings: "No recovery kit was saved yet: make one below, and keep it apart from its 24 words.",
  },

  /** Each purpose in plain words, and one line on how it differs from the others. */
  purposes: {
    NonCommercialResearch: {
      plain: "research that is not commercial",
      differs: "Universities, charities and public bodies studying something, not selling it.",
    },
    ScientificResearch: {
      plain: "scientific research",
      differs: "Any science, by anyone, including companies, meant to be published or reviewed.",
    },
    CommercialResearch: {
      plain: "commercial research",
      differs: "A company researching for its own business, such as market or product studies.",
    },
    ResearchAndDevelopment: {
      plain: "research and development",
      differs: "Building or improving products and services, not only studying.",
    },
    ModelTraining: {
      plain: "training AI models",
      differs: "Your data teaches an AI model, which may keep patterns it learned after the licence ends.",
    },
    ServiceOptimisation: {
      plain: "improving services",
      differs: "Making an existing service work better, such as tuning its settings or speed.",
    },
  },

  consent: {
    title: "Consent",
    intro:
      "For each dataset, choose what it may be used for, for how long, and whether a " +
      "matching request includes you automatically or asks you first. Each change is " +
      "signed and kept on your cooperative's log.",
    noCoopTitle: "Consent lives on a cooperative's log",
    noCoopBody: "Start a cooperative first (or join one, once datacoop connects to others).",
    toCoop: "Go to Cooperative",
    noDataTitle: "No data to consent for",
    noDataBody: "Add a dataset in My data first.",
    toData: "Go to My data",
    purposes: "What it may be used for",
    dpvIntro: "How each purpose is recorded, in the W3C Data Privacy Vocabulary (DPV):",
    modelTrainingDpv: "datacoop:ModelTraining, recorded as dpv:ResearchAndDevelopment",
    duration: "Longest access period",
    days: (n: number) => `${n} days`,
    noLimit: "No limit of my own",
    mode: "When a request matches",
    auto: "Include me automatically",
    ask: "Ask me first",
    save: "Record consent",
    saving: "Recording…",
    saved: "Recorded on your cooperative's log.",
    current: (id: string) => `Recorded as log operation ${id}.`,
    none: "No consent: requests never include this dataset.",
    active: (what: string, period: string, mode: string) => `Active: ${what}, ${period}, ${mode}.`,
    noLimitShort: "no time limit of your own",
    upToShort: (days: number) => `up to ${days} days`,
    asksFirst: "asks you first",
    includesAutomatically: "includes you automatically",
    unsaved: "Unsaved changes",
    saveChanges: "Record the changes",
    leaveTitle: "Leave without recording your consent changes?",
    leaveBody: (datasets: string) =>
      `Your changes for ${datasets} are not recorded yet. If you leave now, they are lost.`,
    stay: "Stay and record them",
    leave: "Leave without recording",
    withdraw: "Withdraw consent",
    withdrawConfirm: (dataset: string) =>
      `Withdraw your consent for ${dataset}? New requests will no longer include it. ` +
      `Keys already released to trainers are not taken back by this.`,
    withdrawYes: "Withdraw",
    withdrawNo: "Keep it",
    withdrawn: "Consent withdrawn; the withdrawal is on the log.",
    needPurpose: "Tick at least one purpose, or withdraw the consent instead.",
    or: " or ",
    anyPeriod: "for any period",
    upTo: (days: number) => `for up to ${days} days`,
    sentenceAuto: (category: string, what: string, period: string) =>
      `A request for ${category} data for ${what}, ${period}, includes you automatically.`,
    sentenceAsk: (category: string, what: string, period: string) =>
      `A request for ${category} data for ${what}, ${period}, asks you first.`,
    sentenceNone: (category: string) =>
      `No purpose is ticked: requests for this ${category} data will not include you.`,
  },

  log: {
    title: "Log",
    intro:
      "Every consent, decision and key release of your cooperative is a signed operation " +
      "on this append-only log. Anyone holding a copy can check it has not been altered.",
    verify: "Verify the whole log",
    verifying: "Verifying…",
    verified: (ops: string, checkpoints: string) =>
      `The log verifies: ${ops} operations and ${checkpoints} checkpoints, every signature and hash checked.`,
    root: "Root hash",
    unwitnessed:
      "Unwitnessed: only the operator signs the checkpoints. It proves the log was not " +
      "altered after signing, not that the operator showed everyone the same log.",
    operations: "Operations",
    columns: { index: "#", what: "What", who: "Who", when: "Signed" },
    you: "you",
    kinds: {
      Genesis: "Cooperative founded",
      Proposal: "Proposal",
      ProposalApproval: "Proposal approved",
      Invite: "Invitation",
      Join: "Join request",
      JoinAcceptance: "Member accepted",
      Leave: "Member left",
      DatasetAnnounce: "Dataset announced",
      ConsentSet: "Consent recorded",
      ConsentWithdraw: "Consent withdrawn",
      AskAnswer: "Answer to a request",
      AccessRequest: "Access request",
      RequestApproval: "Request approved",
      RequestDenial: "Request denied",
      Grant: "Key released",
      Revocation: "Grant revoked",
      ErasureNotice: "Erasure notice",
      PinRelease: "Storage released",
      EndpointAnnounce: "Network address announced",
    } as Record<string, string>,
    changedOld: "Consent changed: earlier terms ended",
    changedNew: "Consent changed: new terms recorded",
    aboutDataset: (what: string, dataset: string) => `${what} · ${dataset}`,
    proof: "Proof",
    proofOf: (index: number) => `Proof of operation #${index}`,
    proofIntro:
      "This proof shows the operation is in the log at this checkpoint, cosigned by " +
      "independent witnesses. It can be checked offline, without trusting this computer.",
    proofIntroUnwitnessed:
      "This proof shows the operation is in the log at this checkpoint, and can be checked " +
      "offline. The log is unwitnessed: only its operator signed the checkpoint, so the " +
      "proof does not show that everyone sees this same log.",
    proofFileName: (index: number) => `datacoop-proof-${index}.txt`,
    copyFailed: "Could not copy: select the text and copy it yourself.",
    saveProof: "Save as file…",
    savedProof: (path: string) => `Saved to ${path}.`,
    copy: "Copy",
    copied: "Copied.",
    noCoopBody: "The log starts when you start or join a cooperative.",
    failed: (message: string) =>
      `${message}. The log was altered or damaged: keep this copy as it is, it is evidence.`,
  },

  technicalDetails: "Technical details",

  cooperative: {
    title: "Cooperative",
    id: "Cooperative id",
    you: "Your role",
    people: "People",
    approvals: (k: number) => `Decisions need ${k} steward ${k === 1 ? "approval" : "approvals"}.`,
    logSize: (n: number, shown: string) => `${shown} signed ${n === 1 ? "entry" : "entries"} on the log.`,
    unwitnessedAlone:
      "You are its only steward, so nobody else cross-checks its log yet. That starts " +
      "when other stewards or witnesses take part.",
    unwitnessedOneSteward:
      "It has one steward, so nobody else cross-checks its log yet. That starts when other " +
      "stewards or witnesses take part.",
    unwitnessed: "Nobody independent of the log's keeper cross-checks it yet.",
    witnessed: "Independent witnesses cross-check the log.",
    witnessingTechnical:
      "The log's operator signs a checkpoint (its size and root hash) after each change. " +
      "Witnesses cosign checkpoints they have checked; with none, the log is unwitnessed: " +
      "it proves nothing was altered after signing, not that everyone saw the same log.",
    person: (name: string | null, role: string, you: boolean) =>
      `${name ?? "A member"}${you ? " (you)" : ""} · ${role}`,
    noEvidence: "No evidence of tampering has been seen.",
    evidence: "Evidence of tampering",
    fingerprint: "Fingerprint: ",
    you_marker: " (you)",
    reachable: "reachable",
    unreachable: "not reachable",
    witnesses: (cosigned: number, quorum: number, total: number) =>
      `The newest checkpoint is cosigned by ${cosigned} of ${total} ${total === 1 ? "witness" : "witnesses"}; ${quorum} ${quorum === 1 ? "is" : "are"} needed.`,
    inviteTitle: "Invite someone",
    inviteIntro:
      "An invitation is a line of text you send to one person. They paste it into datacoop " +
      "to join. It works once and expires.",
    inviteRole: "They join as",
    roles: {
      member: "Member: pools their own data",
      steward: "Steward: helps run the cooperative (the stewards confirm it)",
      trainer: "Trainer: may ask to use data",
    },
    inviteExpiry: "Valid for",
    inviteReview: "A steward accepts them before they are in",
    awaitingTitle: "Waiting to be accepted",
    awaitingYou:
      "You asked to join this cooperative. A steward accepts you, then datacoop finishes " +
      "joining by itself while it runs. Your data stays on this computer meanwhile.",
    waitingToJoin: "Waiting to join",
    waitingPerson: (role: string) => `Someone invited as ${role}`,
    accept: "Accept",
    expiries: { day: "1 day", week: "7 days", month: "30 days" },
    invite: "Make an invitation",
    inviting: "Making…",
    inviteReady: (until: string) =>
      `Send this invitation to the person you invite, by a channel you trust. It works once, until ${until}.`,
    copy: "Copy invitation",
    copied: "Copied.",
    copyFailed: "Could not copy. Select the text and copy it yourself.",
    qrLabel: "The invitation as a QR code",
    proposals: "Decisions waiting for approval",
    noProposals: "No decisions are waiting for approval.",
    approvalCount: (have: number, need: number) => `${have} of ${need} approvals`,
    approve: "Approve",
    proposeTitle: "Propose a decision",
    proposeIntro:
      "A decision takes effect once enough stewards approve it. Yours counts as the first approval.",
    proposeKind: "Decision",
    kinds: {
      steward: "Make a member a steward",
      threshold: "Change how many approvals decisions need",
      witnesses: "Choose who cross-checks the log",
    },
    proposeWho: "Member",
    proposeNoMembers: "There is no member who is not a steward yet.",
    proposeK: "Approvals needed",
    proposeWitnesses: "Witnesses",
    proposeQuorum: "Cosignatures a checkpoint needs",
    proposeSubmit: "Propose",
    proposing: "Proposing…",
    proposed: "Proposed. It is listed under decisions waiting for approval until enough stewards approve it.",
    personShort: (id: string) => `Member ${id.slice(0, 8)}`,
    stewardShort: (id: string, you: boolean) => `Steward ${id.slice(0, 8)}${you ? " (you)" : ""}`,
    approved: "You approved this.",
  },

  /** One message per error code: a code without one fails the type check. */
  errors: {
    "usage": "That request is not valid.",
    "cancelled": "Cancelled.",
    "input.unknown_purpose": "Choose at least one purpose from the list.",
    "input.invalid_category":
      "Categories are lowercase words joined by hyphens, e.g. health-records.",
    "input.invalid_dataset_name":
      "Dataset names use letters, digits, - _ and . only, and do not start with a dot.",
    "input.invalid_duration":
      "That is not a period datacoop understands; use a number of days.",
    "input.unknown_role": "That is not a role in a cooperative.",
    "home.not_initialised": "This data folder holds no identity yet.",
    "keystore.corrupt":
      "The keystore in this data folder is damaged. Restore your identity from its recovery kit.",
    "auth.wrong_passphrase":
      "That passphrase does not open this identity. Check Caps Lock and try again.",
    "auth.wrong_recovery_phrase":
      "These 24 words do not open this recovery kit. Check each word, or the kit you pasted.",
    "auth.invalid_recovery_phrase": "Check the recovery phrase.",
    "input.recovery_kit_corrupt":
      "That text is not a complete datacoop recovery kit. Paste the whole file, from its first line to the END line.",
    "input.recovery_kit_unreadable": "That recovery kit file cannot be read.",
    "integrity.seal_broken":
      "Something stored here was changed or damaged and cannot be opened.",
    "integrity.sealed_key":
      "A sealed key does not open with your key: it was made for someone else, or it was changed.",
    "input.invalid_key": "That key is not valid.",
    "io.random": "This computer could not provide random numbers for new keys.",
    "input.file_exists":
      "A file with that name is already there; datacoop does not replace it. Choose another name.",
    "io.disk_full": "The disk is full. Free some space and try again; nothing was lost.",
    "io.failed": "A file could not be read or written.",
    "input.unknown_dataset": "There is no dataset with that name.",
    "input.category_required": "Choose a category for the new dataset.",
    "input.category_mismatch":
      "That dataset already has another category; a dataset's category never changes.",
    "input.nothing_to_add": "There were no files to add there.",
    "input.dataset_exists": "There is already a dataset with that name. Choose another one.",
    "input.duplicate_name": "Two of the files would have the same name in the dataset.",
    "input.not_found": "That file or folder does not exist.",
    "io.unreadable": "A file could not be read; nothing of it was stored.",
    "io.changed_while_adding":
      "A file changed while it was being added; add it again once it is complete.",
    "io.dataset_changed": "The dataset changed meanwhile; try again.",
    "input.not_for_this_dataset": "That file was not encrypted for this dataset.",
    "integrity.blob": "Stored data failed its integrity check: it was changed or damaged.",
    "input.export_target_exists":
      "That folder already holds files of this dataset; datacoop does not replace them. Choose an empty folder.",
    "input.link_in_export_target":
      "A folder inside the export folder is a link to somewhere else; datacoop does not write through links. Choose another folder.",
    "io.meta": "datacoop's own records could not be read or written.",
    "integrity.record": "One of datacoop's own records is damaged.",
    "io.blobs": "The encrypted data store could not be used.",
    "ledger.encoding": "The cooperative's log holds an operation that cannot be read.",
    "ledger.non_canonical":
      "The cooperative's log holds an operation encoded the wrong way.",
    "ledger.unsupported_version":
      "The cooperative's log holds an operation from a newer datacoop. Update datacoop.",
    "ledger.bad_signature":
      "An operation in the cooperative's log has an invalid signature.",
    "ledger.bad_key": "An operation in the cooperative's log names an invalid key.",
    "ledger.wrong_coop": "An operation belongs to another cooperative.",
    "ledger.body_hash_mismatch":
      "An operation in the cooperative's log does not match its signed header.",
    "ledger.kind_mismatch":
      "An operation in the cooperative's log is not of the kind it claims.",
    "ledger.body_missing":
      "An operation in the cooperative's log is missing its contents.",
    "ledger.sequence_gap": "The cooperative's log is missing an operation.",
    "ledger.equivocation":
      "Someone signed two different operations in the same place of the log.",
    "ledger.broken_chain":
      "The cooperative's log is broken: an operation does not follow the one before it.",
    "ledger.duplicate_operation": "That operation is already on the log.",
    "ledger.unauthorized": "You are not allowed to do that in this cooperative.",
    "ledger.invalid_governance":
      "That change to how the cooperative decides is not valid.",
    "ledger.invalid_genesis": "Those settings cannot found a cooperative.",
    "ledger.invalid_body": "That operation is not valid.",
    "ledger.invalid_reference":
      "That operation refers to something that is not on the log.",
    "ledger.invalid_note": "A checkpoint of the cooperative's log cannot be read.",
    "ledger.checkpoint_mismatch":
      "The cooperative's log does not match its own checkpoint: it was changed.",
    "ledger.truncated":
      "The cooperative's log is shorter than a checkpoint this computer saw: it was cut.",
    "ledger.invalid_proof": "A proof of the cooperative's log does not verify.",
    "ledger.not_found": "There is no such operation on the log.",
    "ledger.evidence": "Evidence of tampering kept by this computer cannot be read.",
    "ledger.store": "The cooperative's log could not be read or written.",
    "home.already_initialised": "This data folder already holds an identity.",
    "home.keystore_lost":
      "This data folder holds data but its keystore is gone. Restore your identity from its recovery kit.",
    "input.kit_for_another_identity":
      "This recovery kit belongs to another identity than the one this data folder holds.",
    "input.invalid_name": "Use 1 to 64 printable characters for your name.",
    "integrity.log": "The cooperative's log does not verify: it was changed or damaged.",
    "coop.not_operator":
      "Only the cooperative's log operator can do that.",
    "input.no_cooperative": "Start a cooperative first.",
    "input.already_in_cooperative": "This identity already belongs to a cooperative.",
    "input.bad_id": "No operation matches that id.",
    "input.no_consent": "There is no consent in force for that dataset.",
    "input.conflicting_purpose": "A purpose cannot be both allowed and denied.",
    "home.owned": "Another program is using this data folder.",
    "home.read_only":
      "This data folder cannot be written to, so nothing in it can be changed. Copy it to a folder of your own to use it.",
    "home.owner_unreachable":
      "Another program holds this data folder but does not answer.",
    "auth.locked": "datacoop is locked. Unlock it first.",
    "auth.passphrase_required": "Type your passphrase to make a recovery kit.",
    "input.not_here": "That is not available here.",
    "input.wrong_role": "This is done by another role in the cooperative (a trainer, a steward or a member).",
    "input.invalid_license": "The license must be an SPDX identifier, such as CC-BY-4.0 or CC-BY-NC-4.0.",
    "input.reason_required": "Give a reason: the trainer is shown it.",
    "access.deadline_passed": "The time to answer this request has ended; not answering counts as no.",
    "input.not_asked": "This request asks nothing of you: none of your data in ask mode matches it.",
    "input.not_your_request": "This request is another trainer's.",
    "access.denied": "The stewards denied this request.",
    "access.nothing_released": "Nothing has been released for this request yet.",
    "access.incomplete": "Not every matching member has released yet.",
    "access.no_request_key": "The key of this request is not on this computer.",
    "access.expired": "The grants of this request expired: its window closed.",
    "access.revoked": "The grants of this request were revoked.",
    "input.nothing_to_revoke": "There is no grant here that you can revoke.",
    "control.protocol":
      "datacoop could not understand one of its own answers. Restart it and try again.",
    "control.busy": "datacoop is busy with many requests at once. Try again in a moment.",
    "input.not_a_ticket": "That is not a datacoop invitation. An invitation starts with dcinvite.",
    "input.ticket_damaged":
      "This invitation is damaged: a character is missing or wrong. Copy it again from the person who sent it.",
    "input.ticket_too_new": "This invitation was made by a newer datacoop. Update datacoop to use it.",
    "input.bad_listen_addr": "That is not a network address to listen on. Use an address and port, such as 127.0.0.1:4433.",
    "input.bad_setting": "That network setting cannot be used. Check the relay address: it starts with https:// and names a server.",
    "input.join_awaiting_review":
      "You asked to join and wait for a steward to accept you. datacoop finishes joining by itself once they do, while it runs.",
    "input.not_serving":
      "This needs datacoop running on this computer, connected to the cooperative.",
    "net.bind": "datacoop could not open its network port. Another program may be using it.",
    "net.unreachable": "The other computer cannot be reached. It may be switched off or offline.",
    "net.lost": "The connection to the other computer was lost. Try again.",
    "net.not_a_member": "The other computer refused this one: it serves only members of its cooperative.",
    "net.refused": "The other computer refused the request.",
    "net.not_held": "No computer in the cooperative could give all of this data.",
    "net.bad_answer": "The other computer answered something datacoop does not understand.",
    "net.wrong_cooperative": "The other computer serves another cooperative than the invitation names.",
    "join.unknown_invite":
      "This invitation is not on the cooperative's log: it was never issued, or it is for another cooperative.",
    "join.forged": "This invitation's secret does not match the one issued: it was altered.",
    "join.used": "This invitation was already used. Ask for a new one.",
    "join.expired": "This invitation expired. Ask for a new one.",
    "join.failed": "The cooperative could not record your joining. Try again.",
    "input.passphrase_too_short": "Use at least 8 characters for the passphrase. A few unrelated words are easy to remember and hard to guess.",
    "input.not_a_folder": "That is a file. Choose a folder to export into (a new one is made if it does not exist).",
    "home.still_closing": "Work stopped when datacoop was locked has not finished yet. Try again in a moment.",
    "unknown": "Something went wrong.",
  } satisfies Record<Code, string>,
  /** Added after the message for codes whose details help (which file, which operation). */
  /** File problems, each naming the one file or folder to do something about. */
  ioProblem: {
    not_found: (path: string) =>
      `${path} does not exist (or its disk is not connected). Choose a file or folder that is there.`,
    exists: (path: string) =>
      `${path} is already there, and datacoop does not replace it. Choose another name, or move it away first.`,
    permission_denied: (path: string) =>
      `datacoop is not allowed to use ${path}. Choose a folder of your own, or change its permissions.`,
    read_only: (path: string) =>
      `${path} is on a disk that cannot be written to. Choose a folder on another disk.`,
    full: (path: string) =>
      `The disk holding ${path} is full. Free some space and try again; nothing was lost.`,
    is_a_folder: (path: string) => `${path} is a folder. Choose a file.`,
    not_a_folder: (path: string) => `${path} is a file, not a folder. Choose a folder.`,
    other: (path: string) => `${path} could not be used.`,
  } satisfies Record<IoKind, (path: string) => string>,
  errorDetail: (message: string, detail: string) => `${message} (${detail})`,
  /** For failures that carry no code at all. */
  errorGeneric: (message: string) => `Something went wrong: ${message}`,
};

export type Catalogue = typeof en;
