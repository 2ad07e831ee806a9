// CRM Insights chat page: streams answers from POST /v1/ask/stream (fetch + a small SSE reader),
// renders their Markdown (markdown-it, then DOMPurify), folds each tool step with its evidence under the
// answer, offers a copy button and a CSV download per tabular tool result, shows charts inline, keeps a
// thread list (localStorage, merged with GET /v1/threads). The two libraries are vendored: no CDN.
"use strict";

const I18N = {
  zh: {
    newThread: "新对话", threads: "对话", apiKey: "API 密钥", send: "发送", thinking: "思考中…",
    welcomeTitle: "问问你的客户数据", welcomeText: "分群、流失风险、客户反馈的情感与主题：用中文或英文提问。",
    placeholder: "例如：哪些高价值客户有流失风险？", steps: "工具步骤", args: "参数", result: "结果",
    evidence: "依据", error: "出错了", keyPrompt: "输入 API 密钥（留空则清除）", untitled: "新对话",
    running: "运行中", failed: "失败", tool: "工具", how: "如何得出", langButton: "English", chartAlt: "图表",
    copy: "复制", copied: "已复制", copyFailed: "复制失败", csv: "下载 CSV", rows: "行", downloadFailed: "下载失败",
    training: "正在后台训练：{jobs}（首次安装后约 15 分钟）。指标和分群的问题现在就能回答；需要这些模型的问题请稍后再问。",
    trainingFailed: "后台构建失败：{jobs}（日志：{log}）。",
    jobs: { forecast: "预测模型", sentiment: "情感模型与反馈情感标注", index: "反馈检索索引" }, jobSep: "、",
    samples: ["我们有哪些客户分群？", "哪些高价值客户有流失风险？", "最近客户投诉的主要问题是什么？",
      "客户反馈的情感趋势如何？", "介绍一下客户100"],
  },
  en: {
    newThread: "New chat", threads: "Chats", apiKey: "API key", send: "Send", thinking: "Thinking…",
    welcomeTitle: "Ask about your customers", welcomeText: "Segments, churn risk, sentiment and themes of feedback: ask in English or Chinese.",
    placeholder: "e.g. Which high-value customers are at risk of churning?", steps: "Tool steps", args: "Arguments",
    result: "Result", evidence: "Evidence", error: "Something went wrong", keyPrompt: "API key (empty to clear)",
    untitled: "New chat", running: "running", failed: "failed", tool: "Tool", how: "How this was answered", langButton: "中文", chartAlt: "chart",
    copy: "Copy", copied: "Copied", copyFailed: "Copy failed", csv: "Download CSV", rows: "rows", downloadFailed: "Download failed",
    training: "Training in the background: {jobs} (about 15 minutes after a first install). Metrics and segment questions work now; ask the others in a few minutes.",
    trainingFailed: "Failed in the background: {jobs} (log: {log}).",
    jobs: { forecast: "forecast model", sentiment: "sentiment model and feedback labels", index: "feedback search index" }, jobSep: ", ",
    samples: ["What customer segments do we have?", "Which high-value customers are at risk of churning?",
      "What are the main complaint themes?", "How has feedback sentiment changed over time?", "Tell me about customer 100"],
  },
};

const store = {
  get(key, fallback) {
    try { const v = localStorage.getItem("crm." + key); return v === null ? fallback : JSON.parse(v); }
    catch (e) { return fallback; }
  },
  set(key, value) { localStorage.setItem("crm." + key, JSON.stringify(value)); },
};

let lang = store.get("lang", (navigator.language || "zh").toLowerCase().startsWith("zh") ? "zh" : "en");
let threadId = store.get("thread", null);
const $ = (sel) => document.querySelector(sel);
const t = (key) => I18N[lang][key];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = store.get("apiKey", "");
  if (key) h.Authorization = "Bearer " + key;
  return h;
}

// -- language ---------------------------------------------------------------------------------
function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-i18n]").forEach((n) => { n.textContent = t(n.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((n) => { n.placeholder = t(n.dataset.i18nPlaceholder); });
  $("#lang-toggle").textContent = t("langButton");
  renderBanner();
  const samples = welcome.querySelector("#samples");  // welcome is off the page once a chat starts
  samples.replaceChildren(...t("samples").map((q) => {
    const b = el("button", { type: "button", class: "sample", text: q });
    b.addEventListener("click", () => { $("#question").value = q; send(); });
    return b;
  }));
}

// -- background training ----------------------------------------------------------------------
// setup.sh serves before the forecaster, the sentiment model and the feedback index exist; /training lists what
// the background runner has still to build (training) and what failed. Polled until nothing is training.
let readiness = null;

function renderBanner() {
  const banner = $("#training-banner");
  const names = (jobs) => jobs.map((j) => t("jobs")[j] || j).join(t("jobSep"));
  const training = (readiness && readiness.training) || [];
  const failed = Object.keys((readiness && readiness.failed) || {});
  const parts = [];
  if (training.length) parts.push(t("training").replace("{jobs}", names(training)));
  if (failed.length) parts.push(t("trainingFailed").replace("{jobs}", names(failed)).replace("{log}", readiness.log || ""));
  banner.textContent = parts.join(" ");
  banner.hidden = parts.length === 0;
  banner.classList.toggle("failed", failed.length > 0);
}

async function pollReadiness() {
  try {
    readiness = await (await fetch("/training")).json();  // always 200 (/readyz is 503 until all is built)
  } catch (e) {
    readiness = null;  // server restarting: say nothing rather than something stale
  }
  renderBanner();
  if (readiness && readiness.training && readiness.training.length) setTimeout(pollReadiness, 15000);
}

// -- threads ----------------------------------------------------------------------------------
function localThreads() { return store.get("threads", []); }

function rememberThread(id, title) {
  const threads = localThreads().filter((th) => th.id !== id);
  const old = localThreads().find((th) => th.id === id);
  threads.unshift({ id, title: (old && old.title) || title.slice(0, 60), updated: Date.now() });
  store.set("threads", threads.slice(0, 100));
  renderThreads();
}

async function renderThreads() {
  const list = $("#thread-list");
  const items = localThreads();
  try {
    const res = await fetch("/v1/threads?limit=50", { headers: headers() });
    if (res.ok) {
      const known = new Set(items.map((th) => th.id));
      for (const th of (await res.json()).threads) {
        if (!known.has(th.id) && th.source !== "openai") {
          items.push({ id: th.id, title: th.title, updated: th.updated_at * 1000 });
        }
      }
    }
  } catch (e) { /* offline or unauthorised: the local list is enough */ }
  items.sort((a, b) => b.updated - a.updated);
  list.replaceChildren(...items.map((th) => {
    const li = el("li", { text: th.title || t("untitled"), title: th.title || th.id, "data-thread": th.id });
    if (th.id === threadId) li.classList.add("active");
    li.addEventListener("click", () => openThread(th.id));
    return li;
  }));
}

async function openThread(id) {
  threadId = id;
  store.set("thread", id);
  const box = $("#messages");
  box.replaceChildren();
  try {
    const res = await fetch(`/v1/threads/${encodeURIComponent(id)}/messages`, { headers: headers() });
    if (res.ok) {
      for (const m of (await res.json()).messages) {
        if (m.role === "user") addUser(m.content);
        else if (m.role === "assistant") { const v = addAssistant(); renderText(v, m.content); v.text.classList.remove("pending"); }
      }
    }
  } catch (e) { /* keep the empty view */ }
  renderThreads();
}

function newThread() {
  threadId = null;
  store.set("thread", null);
  const box = $("#messages");
  box.replaceChildren(welcome);
  renderThreads();
}

// -- messages ---------------------------------------------------------------------------------
function addUser(text) {
  const node = el("div", { class: "msg user", "data-testid": "user-message", text });
  $("#messages").append(node);
  return node;
}

function addAssistant() {
  const text = el("div", { class: "text pending", "data-testid": "answer-text" });
  const steps = el("div", { class: "steps", "data-testid": "steps" });
  const charts = el("div", { class: "charts", "data-testid": "charts" });
  const warnings = el("div", { class: "warnings" });
  const copy = el("button", { type: "button", class: "copy", "data-testid": "copy", "data-i18n": "copy", text: t("copy") });
  const downloads = el("span", { class: "downloads" });
  const actions = el("div", { class: "actions", hidden: "" }, copy, downloads);
  const node = el("div", { class: "msg assistant", "data-testid": "answer" }, text, warnings, actions, charts, steps);
  $("#messages").append(node);
  const view = { node, text, steps, charts, warnings, actions, downloads, stepByKey: new Map(), resultIds: [],
    streamed: "", source: "" };
  copy.addEventListener("click", () => copyAnswer(view, copy));
  return view;
}

function pretty(value) {
  const s = JSON.stringify(value, null, 2);
  return s && s.length > 4000 ? s.slice(0, 4000) + "\n…" : s;
}

function stepNode(view, name, args) {
  const summary = el("summary", { text: `${t("tool")}: ${name}` });
  const status = el("span", { class: "status", text: ` · ${t("running")}` });
  summary.append(status);
  const details = el("details", { "data-testid": "tool-step" }, summary,
    el("div", { text: t("args") }), el("pre", { text: pretty(args || {}) }));
  view.steps.append(details);
  return { details, status };
}

function fillStep(step, result, error, evidence) {
  step.status.textContent = error ? ` · ${t("failed")}` : "";
  step.details.querySelectorAll(".filled").forEach((n) => n.remove());
  if (evidence) step.details.append(el("div", { class: "filled", text: t("evidence") }), el("pre", { class: "filled", text: pretty(evidence) }));
  if (error) step.details.append(el("pre", { class: "filled", text: error }));
  else if (result !== undefined) step.details.append(el("div", { class: "filled", text: t("result") }), el("pre", { class: "filled", text: pretty(result) }));
}

async function showChart(view, url) {
  // Charts need the API key when one is set, which <img src> cannot send: fetch, then a blob URL.
  try {
    const res = await fetch(url, { headers: headers() });
    if (!res.ok) return;
    const img = el("img", { alt: t("chartAlt"), "data-testid": "chart", src: URL.createObjectURL(await res.blob()) });
    view.charts.append(img);
  } catch (e) { /* a missing chart never hides the answer */ }
}

// -- Markdown ---------------------------------------------------------------------------------
// Answers are Markdown (lists, tables, emphasis, code, links) and quote customer feedback, which must
// never become live HTML. markdown-it with html:false turns any markup in the text into text; DOMPurify
// then keeps only the elements Markdown itself makes, a second lock should the first ever open.
// linkify and <url> autolinks stay off: a URL a customer wrote stays text; [text](url) links the answer
// writes are links (http, https and mailto only, opened in a new tab).
const md = window.markdownit({ html: false, linkify: false, breaks: true }).disable("autolink");
const MD_TAGS = ["p", "br", "strong", "em", "del", "s", "code", "pre", "ul", "ol", "li", "table", "thead", "tbody",
  "tr", "th", "td", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "a"];
const ALIGN = /^text-align:(left|right|center)$/;  // the only style markdown-it writes (table columns)
DOMPurify.addHook("uponSanitizeAttribute", (node, data) => {
  if (data.attrName === "style" && !ALIGN.test(data.attrValue)) data.keepAttr = false;
});
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") { node.setAttribute("target", "_blank"); node.setAttribute("rel", "noopener noreferrer"); }
});

function markdownHtml(text) {
  return DOMPurify.sanitize(md.render(text || ""), {
    ALLOWED_TAGS: MD_TAGS, ALLOWED_ATTR: ["href", "title", "start", "style"], ALLOW_DATA_ATTR: false,
  });
}

function renderText(view, text) {
  view.source = text || "";
  view.text.innerHTML = markdownHtml(view.source);
  // Wide tables scroll inside the bubble instead of stretching the page.
  view.text.querySelectorAll("table").forEach((table) => {
    const wrap = el("div", { class: "table-wrap" });
    table.replaceWith(wrap);
    wrap.append(table);
  });
  view.actions.hidden = !view.source;
}

// Re-render at most once a frame while tokens stream in.
function renderStreamed(view) {
  if (view.frame) return;
  view.frame = requestAnimationFrame(() => { view.frame = 0; if (!view.node.dataset.done) renderText(view, view.streamed); });
}

// -- copy and CSV ---------------------------------------------------------------------------------
async function copyAnswer(view, button) {
  // Markdown as plain text, the rendered answer as HTML: pasted into a mail or a document the tables stay tables.
  const plain = view.source;
  let ok = false;
  try {
    if (navigator.clipboard && window.ClipboardItem) {
      await navigator.clipboard.write([new ClipboardItem({
        "text/plain": new Blob([plain], { type: "text/plain" }),
        "text/html": new Blob([view.text.innerHTML], { type: "text/html" }),
      })]);
      ok = true;
    }
  } catch (e) { /* fall back below */ }
  if (!ok) {
    try { await navigator.clipboard.writeText(plain); ok = true; } catch (e) { /* not a secure context */ }
  }
  if (!ok) {  // plain http on a LAN address has no Clipboard API
    const area = el("textarea", { class: "offscreen" });
    area.value = plain;
    document.body.append(area);
    area.select();
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
  }
  button.textContent = ok ? t("copied") : t("copyFailed");
  setTimeout(() => { button.textContent = t("copy"); }, 1500);
}

// Mirrors table_rows in crm_insights/server/routes/exports.py, which builds the file: the result's data
// when it is a list of objects, else the longest list of objects among data's values.
function tableOf(result) {
  const isTable = (v) => Array.isArray(v) && v.length > 0 && v.every((r) => r && typeof r === "object" && !Array.isArray(r));
  const data = result && typeof result === "object" && !Array.isArray(result) && "data" in result ? result.data : result;
  if (isTable(data)) return data;
  if (!data || typeof data !== "object") return null;
  let best = null;
  for (const v of Object.values(data)) if (isTable(v) && (!best || v.length > best.length)) best = v;
  return best;
}

function addDownload(view, name, callId, rows) {
  if (!threadId || !callId) return;
  const url = `/v1/threads/${encodeURIComponent(threadId)}/tool-results/${encodeURIComponent(callId)}.csv`;
  const button = el("button", { type: "button", class: "csv", "data-testid": "csv-download", "data-tool": name,
    text: `${t("csv")} · ${name} (${rows.length} ${t("rows")})` });
  button.addEventListener("click", () => download(view, url, `${name}.csv`));
  view.downloads.append(button);
  view.actions.hidden = false;
}

async function download(view, url, fallbackName) {
  // The key goes in a header, which a plain link cannot send: fetch, then save the blob.
  try {
    const res = await fetch(url, { headers: headers() });
    if (!res.ok) throw new Error(res.statusText || String(res.status));
    const disposition = res.headers.get("Content-Disposition") || "";
    const match = /filename="([^"]+)"/.exec(disposition);
    const link = el("a", { href: URL.createObjectURL(await res.blob()), download: match ? match[1] : fallbackName });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  } catch (e) {
    view.warnings.textContent = `${t("downloadFailed")}: ${e.message || e}`;
  }
}

function finish(view, answer) {
  view.text.classList.remove("pending");
  renderText(view, answer.answer);
  view.warnings.textContent = (answer.warnings || []).join(" ");
  view.steps.replaceChildren();
  view.downloads.replaceChildren();
  const calls = answer.tool_calls || [];
  calls.forEach((call, i) => {
    const step = stepNode(view, call.name, call.args);
    fillStep(step, call.result, call.error, (answer.evidence || [])[i]);
    // The answer lists its calls in the order their results streamed in; those events carry the ids.
    const streamed = view.resultIds[i];
    const callId = call.id || (streamed && streamed.name === call.name ? streamed.id : null);
    const rows = call.error ? null : tableOf(call.result);
    if (rows) addDownload(view, call.name, callId, rows);
  });
  // Evidence beyond one entry per tool call says how the answer was reached (e.g. the router's intent).
  (answer.evidence || []).slice(calls.length).forEach((extra) => {
    view.steps.append(el("details", { "data-testid": "extra-evidence" },
      el("summary", { text: t("how") }), el("pre", { text: pretty(extra) })));
  });
  (answer.chart_urls || []).forEach((url) => showChart(view, url));
  view.node.dataset.done = "true";
}

function fail(view, message) {
  view.text.classList.remove("pending");
  view.node.classList.add("error");
  view.actions.hidden = true;
  view.text.textContent = `${t("error")}: ${message}`;
  view.node.dataset.done = "true";
}

function handleEvent(view, type, data) {
  if (type === "thread") {
    if (threadId !== data.thread_id) { threadId = data.thread_id; store.set("thread", threadId); }
  } else if (type === "tool_call") {
    const key = data.id || data.name;
    view.stepByKey.set(key, stepNode(view, data.name, data.args));
  } else if (type === "tool_result") {
    const step = view.stepByKey.get(data.id || data.name);
    if (step) fillStep(step, data.result, data.error, data.evidence);
    view.resultIds.push({ id: data.id, name: data.name });
  } else if (type === "token") {
    view.streamed += data.text || data.token || data.content || data.delta || "";
    renderStreamed(view);
  } else if (type === "answer") {
    finish(view, data);
  } else if (type === "error") {
    fail(view, data.message || data.code);
  }
}

// Server-Sent Events over fetch (EventSource cannot POST or send headers).
async function readSse(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder("utf-8");
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let type = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) type = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(type, JSON.parse(data.join("\n")));
    }
  }
}

async function send() {
  const input = $("#question");
  const question = input.value.trim();
  if (!question) return;
  input.value = "";
  welcome.remove();
  addUser(question);
  const view = addAssistant();
  view.text.textContent = t("thinking");
  $("#send").disabled = true;
  try {
    const res = await fetch("/v1/ask/stream", {
      method: "POST", headers: headers(), body: JSON.stringify({ question, thread_id: threadId }),
    });
    if (!res.ok) {
      let message = res.statusText;
      try { message = (await res.json()).error.message; } catch (e) { /* not JSON */ }
      fail(view, message);
      return;
    }
    await readSse(res, (type, data) => handleEvent(view, type, data));
    if (!view.node.dataset.done) fail(view, "stream ended early");
    if (threadId) rememberThread(threadId, question);
  } catch (e) {
    fail(view, String(e));
  } finally {
    $("#send").disabled = false;
    view.node.scrollIntoView({ block: "end" });
  }
}

const welcome = $("#welcome");
$("#composer").addEventListener("submit", (e) => { e.preventDefault(); send(); });
$("#question").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
});
$("#new-thread").addEventListener("click", newThread);
$("#lang-toggle").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; store.set("lang", lang); applyLang(); });
$("#api-key").addEventListener("click", () => {
  const key = prompt(t("keyPrompt"), store.get("apiKey", ""));
  if (key !== null) { store.set("apiKey", key.trim()); renderThreads(); }
});
applyLang();
pollReadiness();
if (threadId) openThread(threadId); else renderThreads();
