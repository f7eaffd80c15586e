// The Cooperative section: start one or join one with an invitation, or see the one this
// home belongs to (people and whether their computers answer, how decisions are made,
// decisions waiting for approval, the log's witnesses, inviting someone, evidence; ids
// and fingerprints under "Technical details"). The parts that change with the log redraw
// when it grows (live.ts).

import type { CoopInfo, Invitation, ProposalView, ProposedChange, PublicIdentity, Role } from "../api/bindings";
import { api } from "../api/commands";
import { h, mount, reveal, technical } from "../dom";
import { errorCode, errorMessage } from "../errors";
import { liveChecks } from "../forms";
import { formatCount, formatDateTime } from "../format";
import { en } from "../i18n/en";
import { onLogChanged } from "../live";
import { ticketProblem } from "../tickets";

/** The form that starts a cooperative; `onCreated` gets it once it is on the log. */
export function coopCreateForm(onCreated: (coop: CoopInfo) => void): HTMLElement {
  const name = h("input", { id: "coop-name", maxlength: 64, "aria-describedby": "coop-name-hint", "data-focus": true });
  const error = h("p", { class: "error", id: "coop-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary", id: "coop-create" }, en.coop.create);
  return h("form", {
    class: "card",
    "aria-labelledby": "coop-create-title",
    novalidate: true,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      if (!name.value.trim()) {
        error.hidden = false;
        error.textContent = en.coop.nameMissing;
        name.focus();
        reveal(error);
        return;
      }
      error.hidden = true;
      submit.disabled = true;
      submit.textContent = en.coop.working;
      try {
        onCreated(await api.coopCreate(name.value.trim()));
      } catch (err) {
        error.hidden = false;
        error.textContent = errorMessage(err);
        name.focus();
        reveal(error);
        submit.disabled = false;
        submit.textContent = en.coop.create;
      }
    },
  },
    h("h2", { id: "coop-create-title" }, en.coop.createTitle),
    h("p", {}, en.coop.createIntro),
    h("label", { for: "coop-name" }, en.coop.name),
    name,
    h("p", { class: "hint", id: "coop-name-hint" }, en.coop.nameHint),
    error,
    h("div", { class: "actions" }, submit));
}

/** The form that joins with a pasted invitation; `onJoined` once the log is here (null:
 * the join waits for a steward's acceptance, which the node finishes by itself). */
export function coopJoinForm(onJoined: (coop: CoopInfo | null) => void): HTMLElement {
  const c = en.coop;
  const ticket = h("textarea", { id: "join-ticket", rows: 3, spellcheck: false, autocomplete: "off", "aria-describedby": "join-ticket-hint" });
  const checks = liveChecks([{ field: ticket, problem: () => ticketProblem(ticket.value), eager: true }]);
  const error = h("p", { class: "error", id: "join-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary", id: "join-submit" }, c.join);
  return h("form", {
    class: "card",
    "aria-labelledby": "coop-join-title",
    novalidate: true,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      error.hidden = true;
      if (!checks.validate()) return;
      submit.disabled = true;
      submit.textContent = c.joining;
      try {
        const joining = await api.coopJoin(ticket.value.trim());
        onJoined(joining.state === "joined" ? joining.coop : null);
      } catch (err) {
        error.hidden = false;
        error.textContent = errorMessage(err);
        ticket.focus();
        reveal(error);
        submit.disabled = false;
        submit.textContent = c.join;
      }
    },
  },
    h("h2", { id: "coop-join-title" }, c.joinTitle),
    h("p", {}, c.joinIntro),
    h("label", { for: "join-ticket" }, c.ticket),
    ticket,
    checks.messageFor(ticket),
    h("p", { class: "hint", id: "join-ticket-hint" }, c.ticketHint),
    error,
    h("div", { class: "actions" }, submit));
}

/** The Cooperative section for identity `me`; `onChanged` after one is started or joined. */
export function cooperativeView(me: PublicIdentity, onChanged: () => void): HTMLElement {
  const body = h("div", { id: "coop-body" }, h("div", { class: "skeleton" }));
  void api.coopStatus().then(
    (coop) => {
      if (!coop) {
        mount(body, coopCreateForm(() => onChanged()), coopJoinForm(() => onChanged()));
        return;
      }
      const details = h("div", { id: "coop-details" });
      mount(details, coopDetails(coop, me));
      // Redrawn as the log grows; the invitation card stays (a ticket just made is kept).
      onLogChanged(details, () => {
        void api.coopStatus().then((now) => now && mount(details, coopDetails(now, me)));
      });
      mount(body, details,
        coop.role === "steward" ? inviteCard() : null,
        proposalsCard(coop),
        coop.role === "steward" ? proposing(coop, me) : null);
    },
    (err) => {
      if (errorCode(err) === "input.join_awaiting_review") {
        mount(body, awaitingCard());
        // Redrawn once the node has finished joining.
        onLogChanged(body, () => onChanged());
        return;
      }
      mount(body, h("p", { class: "error", role: "alert" }, errorMessage(err)));
    },
  );
  return h("div", { class: "page" },
    h("h1", { tabindex: -1, "data-focus": true }, en.cooperative.title),
    body);
}

function awaitingCard(): HTMLElement {
  const c = en.cooperative;
  return h("section", { class: "card", id: "coop-awaiting-you", "aria-labelledby": "coop-awaiting-title" },
    h("h2", { id: "coop-awaiting-title" }, c.awaitingTitle),
    h("p", {}, c.awaitingYou));
}

/** Joins waiting for a steward's acceptance; a steward can accept each. */
function awaitingList(coop: CoopInfo): HTMLElement | null {
  const c = en.cooperative;
  if (!coop.awaiting.length) return null;
  return h("section", { class: "card", "aria-labelledby": "coop-waiting-title" },
    h("h2", { id: "coop-waiting-title" }, c.waitingToJoin),
    h("ul", { class: "people", id: "coop-waiting" }, coop.awaiting.map((a) => {
      const error = h("span", { class: "error small", role: "alert" });
      return h("li", { "data-join": a.join },
        h("span", {}, c.waitingPerson(en.status.role[a.role])),
        coop.role === "steward"
          ? h("button", {
            type: "button", class: "secondary", "data-accept": a.join,
            onclick: async (e: Event) => {
              const button = e.currentTarget as HTMLButtonElement;
              button.disabled = true;
              try {
                await api.coopAccept(a.join);
              } catch (err) {
                error.textContent = errorMessage(err);
                button.disabled = false;
              }
            },
          }, c.accept)
          : null,
        error,
        technical({ class: "technical inline" }, h("span", { class: "mono small" }, a.id)));
    })));
}

function coopDetails(coop: CoopInfo, me: PublicIdentity): HTMLElement {
  const c = en.cooperative;
  const role = coop.role ? en.status.role[coop.role] : en.status.notMember;
  const cosigned = coop.latest_checkpoint?.cosigned_by.length ?? 0;
  return h("div", {},
    h("section", { class: "card", "aria-labelledby": "coop-title" },
      h("h2", { id: "coop-title" }, coop.name),
      h("dl", { class: "details" },
        h("dt", {}, c.you), h("dd", { id: "coop-role" }, role)),
      h("p", {}, c.approvals(coop.threshold)),
      h("p", { id: "coop-size" }, c.logSize(coop.size, formatCount(coop.size))),
      h("p", { class: coop.unwitnessed ? "muted" : undefined, id: "coop-witnessing" },
        !coop.unwitnessed
          ? c.witnessed
          : coop.stewards.length <= 1
            ? coop.role === "steward" ? c.unwitnessedAlone : c.unwitnessedOneSteward
            : c.unwitnessed),
      h("p", { class: "small", id: "coop-witnesses" }, c.witnesses(cosigned, coop.witness_quorum, coop.witnesses.length)),
      technical({ id: "coop-technical" },
        h("dl", { class: "details" }, h("dt", {}, c.id), h("dd", { class: "mono small" }, coop.id)),
        h("p", { class: "small" }, c.witnessingTechnical))),
    h("section", { class: "card", "aria-labelledby": "coop-people-title" },
      h("h2", { id: "coop-people-title" }, c.people),
      // Names travel with the people themselves (not yet on the log): only this
      // member's own is known here.
      h("ul", { class: "people", id: "coop-people" }, coop.members.map((p) =>
        h("li", { "data-id": p.id },
          h("span", {}, c.person(p.id === me.id ? me.name : null, en.status.role[p.role], p.id === me.id)),
          p.reachable === null || p.id === me.id
            ? null
            : h("span", { class: p.reachable ? "small success" : "small muted" }, ` · ${p.reachable ? c.reachable : c.unreachable}`),
          technical({ class: "technical inline" },
            h("span", { class: "mono small" }, h("span", { class: "visually-hidden" }, c.fingerprint), p.id)))))),
    awaitingList(coop),
    coop.evidence.length
      ? h("section", { class: "card evidence-card", role: "alert", "aria-labelledby": "coop-evidence-title" },
        h("h2", { id: "coop-evidence-title", class: "evidence" }, c.evidence),
        h("ul", {}, coop.evidence.map((e) => h("li", {}, e.summary))))
      : h("p", { class: "success", id: "coop-no-evidence" }, c.noEvidence));
}

const EXPIRIES = [
  { value: 86_400, label: en.cooperative.expiries.day },
  { value: 7 * 86_400, label: en.cooperative.expiries.week },
  { value: 30 * 86_400, label: en.cooperative.expiries.month },
];

/** A steward's card for making an invitation: role, how long it is valid, then the
 * ticket to copy, with its QR code. */
function inviteCard(): HTMLElement {
  const c = en.cooperative;
  const roles: Role[] = ["member", "steward", "trainer"];
  const role = h("select", { id: "invite-role" },
    roles.map((r) => h("option", { value: r }, c.roles[r])));
  const expiry = h("select", { id: "invite-expiry" },
    EXPIRIES.map((e) => h("option", { value: String(e.value), selected: e.value === 7 * 86_400 }, e.label)));
  const review = h("input", { type: "checkbox", id: "invite-review" });
  const error = h("p", { class: "error", id: "invite-error", role: "alert", hidden: true });
  const result = h("div", { id: "invite-result", hidden: true });
  const submit = h("button", { type: "submit", class: "primary", id: "invite-create" }, c.invite);
  return h("form", {
    class: "card",
    "aria-labelledby": "invite-title",
    novalidate: true,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      error.hidden = true;
      submit.disabled = true;
      submit.textContent = c.inviting;
      try {
        const invitation = await api.coopInvite(role.value as Role, Number(expiry.value), review.checked);
        mount(result, ...ticketPanel(invitation));
        result.hidden = false;
        (document.getElementById("invite-ticket") as HTMLTextAreaElement | null)?.focus();
      } catch (err) {
        error.hidden = false;
        error.textContent = errorMessage(err);
        reveal(error);
      } finally {
        submit.disabled = false;
        submit.textContent = c.invite;
      }
    },
  },
    h("h2", { id: "invite-title" }, c.inviteTitle),
    h("p", {}, c.inviteIntro),
    h("label", { for: "invite-role" }, c.inviteRole), role,
    h("label", { for: "invite-expiry" }, c.inviteExpiry), expiry,
    h("div", { class: "check" }, review, h("label", { for: "invite-review" }, c.inviteReview)),
    error,
    h("div", { class: "actions" }, submit),
    result);
}

function ticketPanel(invitation: Invitation): HTMLElement[] {
  const c = en.cooperative;
  const text = h("textarea", { id: "invite-ticket", class: "mono small", rows: 4, readonly: true, spellcheck: false, "aria-label": c.inviteTitle },
    invitation.ticket);
  text.addEventListener("focus", () => text.select());
  const said = h("p", { class: "small", id: "invite-copied", "aria-live": "polite" });
  const copy = h("button", {
    type: "button", class: "secondary", id: "invite-copy",
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(invitation.ticket);
        said.textContent = c.copied;
      } catch {
        text.select();
        said.textContent = c.copyFailed;
      }
    },
  }, c.copy);
  const qr = h("canvas", { id: "invite-qr", role: "img", "aria-label": c.qrLabel });
  void api.ticketQr(invitation.ticket).then((matrix) => drawQr(qr, matrix.width, matrix.dark));
  return [
    h("p", { id: "invite-ready" }, c.inviteReady(formatDateTime(invitation.expires))),
    text,
    h("div", { class: "actions" }, copy),
    said,
    qr,
  ];
}

/** Draws QR modules with a four-module quiet zone, dark on light whatever the theme
 * (scanners need the contrast). */
function drawQr(canvas: HTMLCanvasElement, width: number, dark: boolean[]): void {
  const scale = 4;
  const side = (width + 8) * scale;
  canvas.width = side;
  canvas.height = side;
  const g = canvas.getContext("2d");
  if (!g) return;
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, side, side);
  g.fillStyle = "#000000";
  dark.forEach((on, i) => {
    if (on) g.fillRect((4 + (i % width)) * scale, (4 + Math.floor(i / width)) * scale, scale, scale);
  });
}

/** Decisions waiting for approval; a steward who has not approved one can. */
function proposalsCard(coop: CoopInfo): HTMLElement {
  const c = en.cooperative;
  const list = h("div", { id: "proposals" });
  const draw = () => void api.proposals().then(
    (proposals) => mount(list, proposals.length
      ? h("ul", { class: "people" }, proposals.map((p) => proposalItem(p, coop.role === "steward")))
      : h("p", { class: "muted", id: "no-proposals" }, c.noProposals)),
    (err) => mount(list, h("p", { class: "error", role: "alert" }, errorMessage(err))));
  draw();
  onLogChanged(list, draw);
  return h("section", { class: "card", "aria-labelledby": "proposals-title" },
    h("h2", { id: "proposals-title" }, c.proposals),
    list);
}

/** The propose form, drawn again as the log grows (new members to choose from) unless
 * the person is using it. */
function proposing(coop: CoopInfo, me: PublicIdentity): HTMLElement {
  // What the last proposal did stays said while the form is drawn again.
  const said = h("p", { id: "propose-result", role: "status" });
  const holder = h("div", { id: "propose" }, proposeCard(coop, me, said));
  onLogChanged(holder, () => {
    if (holder.contains(document.activeElement)) return;
    void api.coopStatus().then((now) => now && mount(holder, proposeCard(now, me, said)));
  });
  return holder;
}

/** A steward's form for proposing a decision: make a member a steward, change k, or
 * choose the witnesses and their quorum. */
function proposeCard(coop: CoopInfo, me: PublicIdentity, said: HTMLElement): HTMLElement {
  const c = en.cooperative;
  const kind = h("select", { id: "propose-kind" },
    h("option", { value: "steward" }, c.kinds.steward),
    h("option", { value: "threshold" }, c.kinds.threshold),
    h("option", { value: "witnesses" }, c.kinds.witnesses));
  const members = coop.members.filter((m) => m.role !== "steward");
  const who = h("select", { id: "propose-who" },
    members.map((m) => h("option", { value: m.id }, c.personShort(m.id))));
  const whoPart = h("div", { id: "propose-who-part" },
    members.length
      ? [h("label", { for: "propose-who" }, c.proposeWho), who]
      : h("p", { class: "muted" }, c.proposeNoMembers));
  const k = h("input", { id: "propose-k", type: "number", min: 1, max: coop.stewards.length, value: String(coop.threshold) });
  const kPart = h("div", { id: "propose-k-part", hidden: true },
    h("label", { for: "propose-k" }, c.proposeK), k);
  const boxes = coop.stewards.map((id) =>
    h("input", { type: "checkbox", value: id, id: `propose-w-${id.slice(0, 12)}`, checked: coop.witnesses.includes(id) }));
  const quorum = h("input", { id: "propose-quorum", type: "number", min: 1, max: coop.stewards.length, value: String(coop.witness_quorum) });
  const witnessPart = h("fieldset", { id: "propose-witnesses-part", hidden: true },
    h("legend", {}, c.proposeWitnesses),
    boxes.map((box) => h("div", { class: "check" }, box,
      h("label", { for: box.id }, c.stewardShort(box.value, box.value === me.id)))),
    h("label", { for: "propose-quorum" }, c.proposeQuorum), quorum);
  const sync = () => {
    whoPart.hidden = kind.value !== "steward";
    kPart.hidden = kind.value !== "threshold";
    witnessPart.hidden = kind.value !== "witnesses";
  };
  kind.addEventListener("change", sync);
  const error = h("p", { class: "error", id: "propose-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary", id: "propose-submit" }, c.proposeSubmit);
  const change = (): ProposedChange | null => {
    switch (kind.value) {
      case "steward": return members.length ? { change: "add_steward", id: who.value } : null;
      case "threshold": return { change: "threshold", k: Number(k.value) };
      default: return {
        change: "witnesses",
        ids: boxes.filter((b) => b.checked).map((b) => b.value),
        quorum: Number(quorum.value),
      };
    }
  };
  return h("form", {
    class: "card",
    "aria-labelledby": "propose-title",
    novalidate: true,
    onsubmit: async (e: Event) => {
      e.preventDefault();
      error.hidden = true;
      said.textContent = "";
      const proposed = change();
      if (!proposed) return;
      submit.disabled = true;
      submit.textContent = c.proposing;
      try {
        await api.proposalCreate(proposed);
        said.textContent = c.proposed;
      } catch (err) {
        error.hidden = false;
        error.textContent = errorMessage(err);
        reveal(error);
      } finally {
        submit.disabled = false;
        submit.textContent = c.proposeSubmit;
      }
    },
  },
    h("h2", { id: "propose-title" }, c.proposeTitle),
    h("p", {}, c.proposeIntro),
    h("label", { for: "propose-kind" }, c.proposeKind), kind,
    whoPart, kPart, witnessPart,
    error,
    h("div", { class: "actions" }, submit),
    said);
}

function proposalItem(p: ProposalView, steward: boolean): HTMLElement {
  const c = en.cooperative;
  const error = h("span", { class: "error small", role: "alert" });
  const approve = steward && !p.approved_by_me
    ? h("button", {
      type: "button", class: "secondary", "data-proposal": p.id,
      onclick: async (e: Event) => {
        const button = e.currentTarget as HTMLButtonElement;
        button.disabled = true;
        try {
          await api.proposalApprove(p.id);
        } catch (err) {
          error.textContent = errorMessage(err);
          button.disabled = false;
        }
      },
    }, c.approve)
    : null;
  return h("li", { "data-id": p.id },
    h("span", {}, p.summary, " · ", c.approvalCount(p.approvals, p.needed)),
    p.approved_by_me ? h("span", { class: "small muted" }, ` · ${c.approved}`) : null,
    approve,
    error,
    technical({ class: "technical inline" }, h("span", { class: "mono small" }, p.id)));
}
