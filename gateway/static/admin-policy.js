// The policy workbench page. Every datum comes from the /admin/policy/api/ endpoints, asked with the
// officer's token (sessionStorage, this tab only); everything is written as text, never as HTML.
"use strict";

const API = "/admin/policy/api/";
const TOKEN_KEY = "huitong.policy-workbench.token";

const $ = (id) => document.getElementById(id);
let departmentNames = {};

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : String(child ?? ""));
  }
  return node;
}

class Refused extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, params = {}) {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(API + path + (query ? "?" + query : ""), {
    headers: { Authorization: "Bearer " + sessionStorage.getItem(TOKEN_KEY) },
    cache: "no-store",
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.errors && body.errors[0] ? body.errors[0].message : "HTTP " + response.status;
    throw new Refused(response.status, message);
  }
  return body;
}

function showSignIn(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  $("workbench").hidden = true;
  $("sign-out").hidden = true;
  $("sign-in").hidden = false;
  $("who").textContent = "";
  $("sign-in-error").textContent = message || "";
}

function failed(error, where) {
  if (error instanceof Refused && (error.status === 401 || error.status === 403)) {
    showSignIn(error.message);
  } else {
    where.textContent = error.message;
  }
}

async function openWorkbench() {
  let overview;
  try {
    overview = await api("overview");
  } catch (error) {
    showSignIn(error.message);
    return;
  }
  $("sign-in").hidden = true;
  $("sign-in-error").textContent = "";
  $("workbench").hidden = false;
  $("sign-out").hidden = false;
  departmentNames = Object.fromEntries(overview.departments.map((d) => [d.code, d.name]));
  const caller = overview.caller;
  $("who").textContent = `${caller.system} · ${caller.department} · ${caller.roles.join(", ")}`;
  const select = $("purpose");
  select.replaceChildren(el("option", { value: "" }, "choose a purpose…"),
    ...overview.purposes.map((p) => el("option", { value: p.code }, `${p.code} (${p.name})`)));
  $("policy-version").textContent = "live policy version " + overview.policy.version
    + (overview.policy.error ? " · last refused change: " + overview.policy.error : "");
}

async function showMatrix() {
  const purpose = $("purpose").value;
  $("matrix-error").textContent = "";
  $("matrix").replaceChildren();
  if (!purpose) return;
  let matrix;
  try {
    matrix = await api("matrix", { purpose });
  } catch (error) {
    failed(error, $("matrix-error"));
    return;
  }
  const head = el("tr", {}, el("th", {}, "field"), el("th", {}, "share"),
    ...matrix.departments.map((d) => el("th", { scope: "col", title: departmentNames[d] || d }, d)));
  const rows = matrix.fields.map(({ field, share }) => el("tr", {},
    el("td", { class: "field" }, field), el("td", {}, share),
    ...matrix.departments.map((department) => {
      const cell = matrix.cells[department][field];
      const label = cell.mask ? `MASK ${cell.mask}` : cell.decision;
      return el("td", {}, el("button", {
        type: "button", class: "cell decision-" + cell.decision, "data-department": department,
        "data-field": field, "data-decision": cell.decision, "data-purpose": matrix.purpose,
        title: `${department} · ${field}`,
      }, label));
    })));
  $("matrix").replaceChildren(el("table", { id: "matrix-table" }, el("thead", {}, head), el("tbody", {}, ...rows)));
}

function ruleList(lines) {
  return el("ul", { class: "rules" }, ...lines.map((line) =>
    el("li", {}, el("span", { class: "location" }, line.location), el("code", {}, line.text))));
}

async function showExplanation(button) {
  document.querySelectorAll("button.cell.selected").forEach((b) => b.classList.remove("selected"));
  button.classList.add("selected");
  const body = $("explanation-body");
  let e;
  try {
    e = await api("explain", {
      department: button.dataset.department, purpose: button.dataset.purpose, field: button.dataset.field,
    });
  } catch (error) {
    failed(error, body);
    return;
  }
  const c = e.catalog;
  body.replaceChildren(
    el("p", {}, el("strong", {}, e.field), ` for ${e.department}, purpose ${e.purpose}: `,
      el("span", { class: "cell decision-" + e.decision, id: "explained-decision" },
        e.mask ? `MASK ${e.mask}` : e.decision)),
    el("p", { id: "explained-reason" }, e.reason),
    el("h3", {}, "Rule"), e.rules.length ? ruleList(e.rules) : el("p", { class: "muted" }, "no rule applies"),
    ...(e.groupings.length ? [el("h3", {}, "Membership"), ruleList(e.groupings)] : []),
    el("h3", {}, "Catalog"),
    el("dl", {},
      el("dt", {}, "entry"), el("dd", {}, `${c.file} · ${e.field}${c.item ? " " + c.item : ""}`),
      el("dt", {}, "share class"), el("dd", {}, c.share),
      el("dt", {}, "legal basis"), el("dd", {}, c.basis || "—"),
      el("dt", {}, "mask kind"), el("dd", {}, c.mask ? `${c.mask}: ${c.maskDescription}` : "none"),
      el("dt", {}, "provider"), el("dd", {}, c.provider),
      el("dt", {}, "purpose basis"), el("dd", {}, e.purposeBasis)));
}

async function showDiff() {
  const summary = $("diff-summary");
  summary.textContent = "comparing…";
  $("diff").replaceChildren();
  let diff;
  try {
    diff = await api("diff");
  } catch (error) {
    failed(error, summary);
    return;
  }
  if (diff.diskError) {
    summary.textContent = `The files on disk do not load (the live version ${diff.live} stays): ${diff.diskError}`;
    return;
  }
  summary.textContent = diff.changes.length
    ? `${diff.changes.length} decision(s) differ: live ${diff.live}, disk ${diff.disk}`
    : `No decision differs: live ${diff.live}, disk ${diff.disk}`;
  if (!diff.changes.length) return;
  const cell = (value) => el("span", { class: "cell decision-" + (value ? value.split(":")[0] : "ABSENT") },
    value || "absent");
  const rows = diff.changes.map((c) => el("tr", {},
    el("td", {}, c.department), el("td", {}, c.roles.join(", ")), el("td", {}, c.purpose),
    el("td", { class: "field" }, c.field), el("td", {}, cell(c.old)), el("td", {}, cell(c.new))));
  $("diff").replaceChildren(el("table", { id: "diff-table" },
    el("thead", {}, el("tr", {}, ...["department", "roles", "purpose", "field", "live", "disk"].map((h) => el("th", {}, h)))),
    el("tbody", {}, ...rows)));
}

document.addEventListener("DOMContentLoaded", () => {
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token").value.trim().replace(/^Bearer\s+/i, "");
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    $("token").value = "";
    openWorkbench();
  });
  $("sign-out").addEventListener("click", () => showSignIn(""));
  $("purpose").addEventListener("change", showMatrix);
  $("matrix").addEventListener("click", (event) => {
    const button = event.target.closest("button.cell");
    if (button) showExplanation(button);
  });
  $("diff-refresh").addEventListener("click", showDiff);
  if (sessionStorage.getItem(TOKEN_KEY)) openWorkbench();
});
