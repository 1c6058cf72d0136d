// The authors' page: check the report as they type, preview and download the paper.
// Plain script, no build step. Server text is always shown with textContent, never as HTML.
"use strict";

const VALIDATE_DELAY_MS = 400;
const $ = (id) => document.getElementById(id);
const report = $("report");
const problemsList = $("problems");
const status = $("status");
const paperStatus = $("paper-status");
const preview = $("preview");
const downloads = { pdf: $("download-pdf"), docx: $("download-docx") };

let validateTimer = null;
let checkSeq = 0;          // only the newest answer is shown
let previewSeq = 0;
let previewUrl = null;
let validText = null;      // the text the last successful validation was for

function headers(type) {
  const h = { "Content-Type": type || "application/yaml" };
  const token = $("token").value.trim();
  if (token) h.Authorization = "Bearer " + token;
  return h;
}

async function problemDetail(response) {
  try {
    const body = await response.json();
    return body.detail || body.title || response.statusText;
  } catch (_) {
    return response.status + " " + response.statusText;
  }
}

function lineStart(text, line) {
  let index = 0;
  for (let i = 1; i < line; i++) {
    const next = text.indexOf("\n", index);
    if (next < 0) return text.length;
    index = next + 1;
  }
  return index;
}

function goTo(line, column) {
  const start = lineStart(report.value, line) + Math.max(0, (column || 1) - 1);
  report.focus();
  report.setSelectionRange(start, start);
  const lineHeight = parseFloat(getComputedStyle(report).lineHeight) || 20;
  report.scrollTop = Math.max(0, (line - 3) * lineHeight);
  showCursor();
}

function showCursor() {
  const before = report.value.slice(0, report.selectionStart);
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  $("cursor").textContent = "Line " + line + ", column " + column;
}

function showProblems(problems) {
  problemsList.replaceChildren();
  for (const p of problems) {
    const item = document.createElement("li");
    const where = document.createElement(p.line ? "button" : "span");
    where.className = "where";
    where.textContent = p.line ? "Line " + p.line + (p.column ? ", column " + p.column : "") : "Whole report";
    if (p.line) {
      where.type = "button";
      where.addEventListener("click", () => goTo(p.line, p.column));
    }
    item.append(where, " ");
    if (p.key) {
      const key = document.createElement("code");
      key.textContent = p.key;
      item.append(key, ": ");
    }
    item.append(p.message);
    item.dataset.line = p.line || "";
    problemsList.append(item);
  }
  report.setAttribute("aria-invalid", problems.length ? "true" : "false");
}

function setDownloads(enabled) {
  for (const button of Object.values(downloads)) button.disabled = !enabled;
}

async function validateNow() {
  const text = report.value;
  const seq = ++checkSeq;
  if (!text.trim()) {
    showProblems([]);
    status.textContent = "Type or paste a report to check it.";
    setDownloads(false);
    return;
  }
  status.textContent = "Checking…";
  let response;
  try {
    response = await fetch("/api/v1/validate", { method: "POST", headers: headers(), body: text });
  } catch (error) {
    if (seq === checkSeq) status.textContent = "Could not reach the service: " + error.message;
    return;
  }
  if (seq !== checkSeq) return;
  if (!response.ok) {
    status.textContent = "Could not check the report: " + (await problemDetail(response));
    return;
  }
  const result = await response.json();
  if (seq !== checkSeq) return;
  showProblems(result.problems);
  if (result.valid) {
    status.className = "ok";
    status.textContent = "No problems found.";
    validText = text;
    setDownloads(true);
    updatePreview(text);
  } else {
    const n = result.problems.length;
    status.className = "bad";
    status.textContent = n + (n === 1 ? " problem" : " problems") + " found.";
    validText = null;
    setDownloads(false);
  }
}

async function renderPaper(text, format) {
  const response = await fetch("/api/v1/papers?format=" + format, {
    method: "POST", headers: headers(), body: text,
  });
  if (!response.ok) throw new Error(await problemDetail(response));
  return response.blob();
}

async function updatePreview(text) {
  const seq = ++previewSeq;
  paperStatus.textContent = "Making the PDF preview…";
  try {
    const blob = await renderPaper(text, "pdf");
    if (seq !== previewSeq) return;
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(new Blob([blob], { type: "application/pdf" }));
    preview.src = previewUrl;
    preview.hidden = false;
    paperStatus.textContent = "Preview up to date.";
  } catch (error) {
    if (seq === previewSeq) paperStatus.textContent = "No preview: " + error.message;
  }
}

function reportName() {
  const match = /^title:\s*(.+)$/m.exec(validText || "");
  const title = match ? match[1].replace(/^["']|["']$/g, "") : "paper";
  return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "paper";
}

async function download(format) {
  if (validText === null) return;
  paperStatus.textContent = "Making the " + format.toUpperCase() + "…";
  try {
    const blob = await renderPaper(validText, format);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = reportName() + "." + format;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    paperStatus.textContent = "Downloaded " + link.download + ".";
  } catch (error) {
    paperStatus.textContent = "Could not make the " + format.toUpperCase() + ": " + error.message;
  }
}

function scheduleValidate() {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validateNow, VALIDATE_DELAY_MS);
}

async function loadTemplates() {
  const select = $("template");
  try {
    const response = await fetch("/api/v1/templates", { headers: headers() });
    if (!response.ok) throw new Error(await problemDetail(response));
    const { templates } = await response.json();
    select.replaceChildren(...templates.map((t) => {
      const option = document.createElement("option");
      option.value = t.name;
      option.textContent = t.name + ": " + t.description;
      return option;
    }));
  } catch (error) {
    status.textContent = "Could not list the templates: " + error.message;
  }
}

async function useStarter() {
  const name = $("template").value;
  if (!name) return;
  if (report.value.trim() && !confirm("Replace the report text with the template's starter?")) return;
  const response = await fetch("/api/v1/templates/" + encodeURIComponent(name) + "/starter",
    { headers: headers() });
  if (!response.ok) {
    status.textContent = "Could not load the starter: " + (await problemDetail(response));
    return;
  }
  report.value = await response.text();
  report.focus();
  validateNow();
}

report.addEventListener("input", scheduleValidate);
for (const event of ["keyup", "click", "select"]) report.addEventListener(event, showCursor);
$("file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  report.value = await file.text();
  validateNow();
});
$("use-starter").addEventListener("click", useStarter);
$("token").addEventListener("change", () => { loadTemplates(); validateNow(); });
downloads.pdf.addEventListener("click", () => download("pdf"));
downloads.docx.addEventListener("click", () => download("docx"));
loadTemplates();
