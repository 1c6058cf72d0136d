// The authors' page: write the report in a code editor, see its problems beside their lines,
// preview and download the paper. CodeMirror 6 comes from vendor/codemirror.js (built by
// web/editor/build.mjs). Server text is always shown as text, never as HTML.
import {
  EditorView, EditorState, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars, yaml, lintGutter, setDiagnostics, defaultKeymap, history,
  historyKeymap, syntaxHighlighting, defaultHighlightStyle, indentOnInput, bracketMatching,
  searchKeymap, highlightSelectionMatches,
} from "./vendor/codemirror.js";

const VALIDATE_DELAY_MS = 400;
const $ = (id) => document.getElementById(id);
const problemsList = $("problems");
const warningsList = $("warnings");
const status = $("status");
const paperStatus = $("paper-status");
const preview = $("preview");
const previewBox = $("preview-box");
const downloads = { pdf: $("download-pdf"), docx: $("download-docx") };

let validateTimer = null;
let checkSeq = 0;          // only the newest answer is shown
let previewSeq = 0;
let previewUrl = null;
let validText = null;      // the text the last successful validation was for
let previewText = null;    // the text the preview on show was made from

const view = new EditorView({
  parent: $("report"),
  state: EditorState.create({
    doc: "",
    extensions: [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      yaml(),
      lintGutter(),
      EditorView.lineWrapping,
      // Tab is left to the browser, so keyboard users can always move on (WCAG 2.1.2).
      keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap]),
      EditorState.tabSize.of(2),
      EditorView.contentAttributes.of({
        "aria-labelledby": "report-label",
        "aria-describedby": "report-hint status",
        spellcheck: "true",
        id: "report-text",
        // Editable text is focusable anyway; saying so lets checkers (axe) see that the
        // scrolling editor can be reached by keyboard (WCAG 2.1.1).
        tabindex: "0",
      }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) textChanged();
        if (update.docChanged || update.selectionSet) showCursor();
      }),
    ],
  }),
});
window.boardpaperEditor = view;  // for the browser tests and for debugging

const text = () => view.state.doc.toString();

// A new text (a starter, an opened file) is shown from its first line, not at the place
// the previous text was scrolled to.
function setText(value) {
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: value },
    selection: { anchor: 0 },
    effects: EditorView.scrollIntoView(0, { y: "start" }),
  });
}

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

// A problem's place in the document: its line (clamped to the document) and column.
function position(line, column) {
  const doc = view.state.doc;
  const target = doc.line(Math.min(Math.max(1, line), doc.lines));
  return Math.min(target.from + Math.max(0, (column || 1) - 1), target.to);
}

// The cursor goes to the line and the editor scrolls it into the middle of the view. Lines
// wrap, so a line's height cannot be assumed: the old page scrolled a textarea to
// (line - 3) * lineHeight, which landed on an earlier line whenever long lines above wrapped.
function goTo(line, column) {
  const at = position(line, column);
  view.dispatch({
    selection: { anchor: at },
    effects: EditorView.scrollIntoView(at, { y: "center" }),
  });
  view.focus();
}

function showCursor() {
  const head = view.state.selection.main.head;
  const line = view.state.doc.lineAt(head);
  $("cursor").textContent = "Line " + line.number + ", column " + (head - line.from + 1);
}

// Problems stop the paper; warnings (placeholders left from the starter) do not, but
// `boardpaper check` and `pack` refuse them, so they are listed and marked too.
function showProblems(problems, warnings = []) {
  problemsList.replaceChildren();
  warningsList.replaceChildren();
  const diagnostics = [];
  for (const p of [...problems, ...warnings]) {
    const warning = !problems.includes(p);
    const item = document.createElement("li");
    if (warning) item.className = "warning";
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
    (warning ? warningsList : problemsList).append(item);
    const from = position(p.line || 1, p.line ? p.column : 1);
    diagnostics.push({
      from,
      to: view.state.doc.lineAt(from).to,
      severity: warning ? "warning" : "error",
      message: (p.key ? p.key + ": " : "") + p.message,
    });
  }
  $("warnings-box").hidden = warnings.length === 0;
  $("warnings-summary").textContent = warnings.length === 1
    ? "1 placeholder from the starter to replace"
    : warnings.length + " placeholders from the starter to replace";
  view.dispatch(setDiagnostics(view.state, diagnostics));
  view.contentDOM.setAttribute("aria-invalid", problems.length ? "true" : "false");
  $("report").classList.toggle("invalid", problems.length > 0);
}

function setDownloads(enabled) {
  for (const button of Object.values(downloads)) button.disabled = !enabled;
}

// The preview must never pass for the paper of text it was not made from.
function markPreview(state, message) {
  previewBox.dataset.state = state;
  if (state === "hidden") preview.hidden = true;
  paperStatus.textContent = message;
}

function textChanged() {
  validText = null;
  setDownloads(false);
  status.className = "";
  status.textContent = "Checking when you pause typing…";
  if (previewText !== null) markPreview("stale", "Preview out of date: it shows the text before your changes.");
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validateNow, VALIDATE_DELAY_MS);
}

async function validateNow() {
  clearTimeout(validateTimer);
  const current = text();
  const seq = ++checkSeq;
  if (!current.trim()) {
    showProblems([]);
    status.textContent = "Type or paste a report to check it.";
    setDownloads(false);
    previewText = null;
    markPreview("hidden", "");
    return;
  }
  status.textContent = "Checking…";
  let response;
  try {
    response = await fetch("/api/v1/validate", { method: "POST", headers: headers(), body: current });
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
  const warnings = result.warnings || [];
  showProblems(result.problems, warnings);
  if (result.valid) {
    status.className = "ok";
    const w = warnings.length;
    status.textContent = "No problems found." + (w ? " " + w + (w === 1
      ? " placeholder from the starter is" : " placeholders from the starter are")
      + " still to replace." : "");
    validText = current;
    setDownloads(true);
    if (current !== previewText) updatePreview(current);
    else markPreview("current", "Preview up to date.");
  } else {
    const n = result.problems.length;
    status.className = "bad";
    status.textContent = n + (n === 1 ? " problem" : " problems") + " found.";
    validText = null;
    setDownloads(false);
    previewSeq++;  // a preview still being made is for older text: drop it
    previewText = null;
    markPreview("hidden", "No preview while the report has problems: fix them to see the paper.");
  }
}

async function renderPaper(body, format) {
  const response = await fetch("/api/v1/papers?format=" + format, {
    method: "POST", headers: headers(), body,
  });
  if (!response.ok) throw new Error(await problemDetail(response));
  return response.blob();
}

async function updatePreview(current) {
  const seq = ++previewSeq;
  if (previewText !== null) markPreview("stale", "Making the PDF preview of your changes…");
  else markPreview("hidden", "Making the PDF preview…");
  try {
    const blob = await renderPaper(current, "pdf");
    if (seq !== previewSeq || text() !== current) return;
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(new Blob([blob], { type: "application/pdf" }));
    preview.src = previewUrl;
    preview.hidden = false;
    previewText = current;
    markPreview("current", "Preview up to date.");
  } catch (error) {
    if (seq === previewSeq) markPreview("hidden", "No preview: " + error.message);
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
  if (text().trim() && !confirm("Replace the report text with the template's starter?")) return;
  const response = await fetch("/api/v1/templates/" + encodeURIComponent(name) + "/starter",
    { headers: headers() });
  if (!response.ok) {
    status.textContent = "Could not load the starter: " + (await problemDetail(response));
    return;
  }
  setText(await response.text());
  view.focus();
  validateNow();
}

$("file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  setText(await file.text());
  validateNow();
});
$("use-starter").addEventListener("click", useStarter);
$("token").addEventListener("change", () => { loadTemplates(); validateNow(); });
downloads.pdf.addEventListener("click", () => download("pdf"));
downloads.docx.addEventListener("click", () => download("docx"));
loadTemplates();
