// The agent console page. Every text from the bridge is put in with
// textContent; only the server's sanitised Markdown HTML uses innerHTML.
"use strict";
(function () {
  const api = "/console/api";
  const $ = (id) => document.getElementById(id);
  const state = { me: null, csrf: "", list: [], selected: null, detail: null, skew: 0, socket: null, seen: new Set(), firstList: true };
  const typingTimers = {};

  async function call(method, path, body) {
    const opts = { method, headers: {}, credentials: "same-origin" };
    if (method !== "GET") {
      opts.headers["Content-Type"] = "application/json";
      opts.headers["X-CSRF-Token"] = state.csrf;
      opts.body = JSON.stringify(body || {});
    }
    const resp = await fetch(api + path, opts);
    let data = {};
    try { data = await resp.json(); } catch (e) { /* empty body */ }
    if (resp.status === 401 && path !== "/login") { showLogin(); }
    return { ok: resp.ok, status: resp.status, data };
  }

  // ---- login ----
  function showLogin() {
    if (state.socket) { state.socket.onclose = null; state.socket.close(); state.socket = null; }
    state.me = null;
    $("app-view").hidden = true;
    $("login-view").hidden = false;
  }

  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("login-error").textContent = "";
    const token = $("login-token").value.trim();
    const body = token ? { token } : { name: $("login-name").value.trim(), password: $("login-password").value };
    const r = await call("POST", "/login", body);
    if (!r.ok) { $("login-error").textContent = r.data.error || "Login failed."; return; }
    $("login-token").value = ""; $("login-password").value = "";
    start(r.data);
  });

  $("logout").addEventListener("click", async () => {
    await call("POST", "/logout");
    showLogin();
  });

  function start(me) {
    state.me = me; state.csrf = me.csrf;
    $("me").textContent = me.display_name + (me.admin ? " (admin)" : "");
    $("login-view").hidden = true;
    $("app-view").hidden = false;
    $("notify-toggle").checked = localStorage.getItem("console.notify") === "1";
    showStatus(me.status, "");
    connect();
    refreshList();
    selectFromHash();
    filesReady(me);
  }

  // ---- status: available, away or offline, for the team's assignment ----
  function showStatus(status, note) {
    $("status-toggle").hidden = !status;
    if (status) { $("status-select").value = status; $("status-select").dataset.status = status; }
    $("status-note").textContent = note;
  }

  $("status-select").addEventListener("change", async () => {
    const sel = $("status-select");
    const r = await call("POST", "/status", { status: sel.value });
    if (!r.ok) { showStatus(sel.dataset.status, r.data.error || "Could not set your status."); return; }
    showStatus(r.data.status, r.data.message);
  });

  // ---- links: /console#handoff-<id> opens that handoff (notifications
  // link here), and the address follows the agent's choice ----
  function hashHandoff() {
    const m = /^#handoff-(\d+)$/.exec(location.hash);
    return m ? m[1] : null;
  }
  function selectFromHash() {
    const id = hashHandoff();
    if (id && state.me && id !== state.selected) select(id);
  }
  window.addEventListener("hashchange", selectFromHash);

  // ---- live socket ----
  let backoff = 500;
  function connect() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(proto + "//" + location.host + api + "/live");
    state.socket = ws;
    ws.onopen = () => { backoff = 500; setConn(true); refreshList(); if (state.selected) refreshDetail(); };
    ws.onmessage = (m) => { try { onEvent(JSON.parse(m.data)); } catch (e) { /* ignore */ } };
    ws.onclose = () => {
      setConn(false);
      if (state.socket !== ws || !state.me) return;
      setTimeout(async () => {
        const r = await call("GET", "/me");
        if (r.ok && state.me) connect();
      }, backoff);
      backoff = Math.min(backoff * 2, 15000);
    };
  }
  function setConn(up) {
    $("conn-state").textContent = up ? "live" : "reconnecting…";
    $("conn-state").classList.toggle("up", up);
  }

  function onEvent(ev) {
    switch (ev.type) {
      case "new":
        alertNew(ev.text || "New request");
        refreshList();
        break;
      case "changed":
        refreshList();
        if (ev.handoff === state.selected) refreshDetail();
        break;
      case "tell":
        if (ev.handoff === state.selected) setNotice(ev.text);
        else setNotice("#" + ev.handoff + ": " + ev.text);
        break;
      case "typing":
        if (ev.handoff !== state.selected) return;
        $("typing").textContent = (ev.who === "user" ? "The user" : ev.who) + " is typing…";
        clearTimeout(typingTimers.t);
        typingTimers.t = setTimeout(() => { $("typing").textContent = ""; }, 4000);
        break;
    }
  }

  // ---- notifications ----
  $("notify-toggle").addEventListener("change", (ev) => {
    localStorage.setItem("console.notify", ev.target.checked ? "1" : "0");
    if (ev.target.checked && "Notification" in window && Notification.permission === "default") Notification.requestPermission();
  });
  function alertNew(text) {
    if (!$("notify-toggle").checked) return;
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const o = ctx.createOscillator(); const g = ctx.createGain();
      o.frequency.value = 880; g.gain.value = 0.08; o.connect(g); g.connect(ctx.destination);
      o.start(); o.stop(ctx.currentTime + 0.18);
    } catch (e) { /* no audio */ }
    if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
      new Notification("New handoff request", { body: text });
    }
  }

  // ---- list ----
  const groups = [["pending", "Pending"], ["fallback", "Fallback (no one joined in time)"], ["active", "Active"], ["resolved", "Resolved"], ["abandoned", "Abandoned"]];
  let listLoading = null;
  async function refreshList() {
    if (listLoading) { listLoading.again = true; return; }
    listLoading = { again: false };
    try {
      const r = await call("GET", "/handoffs");
      if (r.ok) {
        state.skew = Date.parse(r.data.now) - Date.now();
        state.list = r.data.handoffs;
        showModuleState(r.data.handoff_enabled);
        renderList();
      }
    } finally {
      const again = listLoading.again; listLoading = null;
      if (again) refreshList();
    }
  }

  function renderList() {
    const nav = $("handoff-list");
    nav.replaceChildren();
    for (const [st, title] of groups) {
      const items = state.list.filter((h) => h.state === st);
      if (!items.length && st === "abandoned") continue;
      const h3 = document.createElement("h3");
      h3.textContent = title + " (" + items.length + ")";
      nav.appendChild(h3);
      for (const h of items) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "handoff-item" + (h.id === state.selected ? " selected" : "") + (!state.firstList && !state.seen.has(h.id) ? " fresh" : "");
        b.dataset.id = h.id; b.dataset.state = h.state;
        const who = document.createElement("div"); who.className = "who";
        who.textContent = (h.user_name || "Visitor") + " · " + h.channel;
        const meta = document.createElement("div"); meta.className = "meta";
        meta.textContent = "#" + h.id + " · " + h.team + (h.priority !== "normal" ? " · " + h.priority : "") + " · " + h.reason;
        const meta2 = document.createElement("div"); meta2.className = "meta";
        meta2.dataset.waitFor = h.id;
        meta2.textContent = waitText(h);
        b.append(who, meta, meta2);
        b.addEventListener("click", () => select(h.id));
        nav.appendChild(b);
        state.seen.add(h.id);
      }
    }
    state.firstList = false;
  }

  function duration(sec) {
    sec = Math.max(0, Math.floor(sec));
    if (sec < 60) return sec + "s";
    if (sec < 3600) return Math.floor(sec / 60) + "m " + (sec % 60) + "s";
    return Math.floor(sec / 3600) + "h " + Math.floor((sec % 3600) / 60) + "m";
  }
  function waitText(h) {
    const created = Date.parse(h.created_at);
    const now = Date.now() + state.skew;
    switch (h.state) {
      case "pending": case "fallback": return "waiting " + duration((now - created) / 1000) + (h.declined_by_me ? " · you declined" : "");
      case "active": return "with " + (h.owner_name || h.owner) + " · waited " + duration(h.waiting_seconds);
      default: return h.state + " · waited " + duration(h.waiting_seconds);
    }
  }
  setInterval(() => {
    for (const el of document.querySelectorAll("[data-wait-for]")) {
      const h = state.list.find((x) => x.id === el.dataset.waitFor);
      if (h) el.textContent = waitText(h);
    }
  }, 1000);

  // ---- detail ----
  function select(id) {
    state.selected = id;
    if (hashHandoff() !== id) history.replaceState(null, "", "#handoff-" + id);
    $("typing").textContent = ""; setNotice("");
    $("composer").value = ""; $("preview").replaceChildren();
    renderList();
    refreshDetail();
  }

  let detailLoading = null;
  async function refreshDetail() {
    const id = state.selected;
    if (!id) return;
    if (detailLoading) { detailLoading.again = true; return; }
    detailLoading = { again: false };
    try {
      const r = await call("GET", "/handoffs/" + id);
      if (r.ok && state.selected === id) { state.detail = r.data; renderDetail(); }
      if (r.status === 404 && state.selected === id) {
        setNotice("This handoff is not visible to you.");
        if ($("detail-body").hidden) $("empty-detail").textContent = "Handoff #" + id + " is not visible to you: it is another team's, or there is no such handoff.";
      }
    } finally {
      const again = detailLoading.again; detailLoading = null;
      if (again) refreshDetail();
    }
  }

  function renderDetail() {
    const d = state.detail, h = d.handoff;
    $("empty-detail").hidden = true; $("detail-body").hidden = false;
    $("d-title").textContent = "#" + h.id + " · " + (h.user_name || "Visitor") + " on " + h.channel;
    $("d-state").textContent = h.state + (h.owner_name ? " · " + h.owner_name : "");
    $("d-state").className = "state " + h.state;
    const summary = $("d-summary");
    summary.textContent = h.summary || ""; summary.hidden = !h.summary;
    const ctx = $("d-context"); ctx.replaceChildren();
    const c = h.context || {};
    const rows = [["Team", h.team + " (" + h.priority + ")"], ["Why", h.trigger + ": " + h.reason], ["Waiting", waitText(h)],
      ["IP", [c.ip, c.country].filter(Boolean).join(" · ")], ["Page", c.page_url], ["Referrer", c.referrer], ["Browser", h.browser || c.user_agent],
      ["Chat", [c.chat_title, c.username, c.phone].filter(Boolean).join(" · ")], ["Language", c.language],
      ["Session", c.session_start && Date.parse(c.session_start) > 946684800000 ? duration((Date.now() + state.skew - Date.parse(c.session_start)) / 1000) + " so far" : ""],
      ["Earlier handoff", h.previous ? "#" + h.previous : ""]];
    if (d.lead) rows.push(["Lead", [d.lead.name, d.lead.email, d.lead.phone, d.lead.message].filter(Boolean).join(" · ")]);
    for (const [k, v] of rows) {
      if (!v) continue;
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v;
      ctx.append(dt, dd);
    }
    applyAllowed(h);
    const tl = $("timeline");
    const atBottom = timelineAtBottom(tl, h.id);
    tl.replaceChildren();
    for (const e of d.entries) {
      const li = document.createElement("li");
      li.className = "entry " + (e.kind === "line" ? "line" : e.role) + (e.internal ? " note" : "");
      li.dataset.role = e.role || "line";
      if (e.kind === "message") {
        const by = document.createElement("span"); by.className = "by";
        by.textContent = (e.author || e.role) + " · " + new Date(e.at).toLocaleTimeString() + (e.edited ? " · edited" : "");
        li.appendChild(by);
      }
      const body = document.createElement("div"); body.className = "body";
      if (e.deleted) body.textContent = "(withdrawn)";
      else if (e.html) { body.classList.add("md"); body.innerHTML = e.html; }
      else body.textContent = e.text;
      li.appendChild(body);
      renderFiles(li, e);
      renderOwnActions(li, e);
      tl.appendChild(li);
    }
    if (atBottom) tl.scrollTop = tl.scrollHeight;
  }

  // ---- actions the engine allows, the history's scroll, the module ----
  // The server lists what the engine would accept from this agent now
  // (h.allowed): an admin may resolve a pending request, any agent of the
  // team a fallback one; the other buttons are disabled.
  function applyAllowed(h) {
    const allowed = h.allowed || [];
    for (const [id, action] of [["btn-join", "join"], ["btn-reject", "reject"], ["btn-resolve", "resolve"]]) {
      const b = $(id);
      b.disabled = !allowed.includes(action);
      b.title = b.disabled ? "Not possible now for you" : "";
    }
    const targets = allowed.includes("transfer") ? (h.transfer_targets || []) : [];
    $("transfer").hidden = targets.length === 0;
    const sel = $("transfer-to"), keep = sel.value;
    sel.replaceChildren(...targets.map((t) => { const o = document.createElement("option"); o.value = t.id; o.textContent = t.name; return o; }));
    if (targets.some((t) => t.id === keep)) sel.value = keep;
  }
  // Only the history scrolls (the composer stays in view); it follows new
  // entries when the agent is at its end, and opens at the end.
  let timelineFor = null;
  function timelineAtBottom(tl, id) {
    if (timelineFor !== id) { timelineFor = id; return true; }
    return tl.scrollHeight - tl.scrollTop - tl.clientHeight < 40;
  }
  function showModuleState(enabled) {
    $("module-banner").hidden = enabled !== false;
  }

  function setNotice(text) { $("notice").textContent = text || ""; }

  async function act(action, to) {
    const id = state.selected;
    setNotice("");
    const r = await call("POST", "/handoffs/" + id + "/actions", { action, to, request_id: Math.random().toString(36).slice(2) });
    if (!r.ok) setNotice(r.data.error || "That did not work.");
    refreshDetail(); refreshList();
  }
  $("btn-join").addEventListener("click", () => act("join"));
  $("btn-reject").addEventListener("click", () => act("reject"));
  $("btn-resolve").addEventListener("click", () => act("resolve"));
  $("btn-transfer").addEventListener("click", () => act("transfer", $("transfer-to").value));

  // ---- composer ----
  let previewTimer = null, lastTyping = 0;
  $("composer").addEventListener("input", () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 150);
    const now = Date.now();
    if (now - lastTyping > 1500 && state.socket && state.socket.readyState === 1 && state.selected) {
      lastTyping = now;
      state.socket.send(JSON.stringify({ type: "typing", handoff: state.selected }));
    }
  });
  async function preview() {
    const text = $("composer").value;
    if (!text.trim()) { $("preview").replaceChildren(); return; }
    const r = await call("POST", "/preview", { text });
    if (r.ok && $("composer").value === text) $("preview").innerHTML = r.data.html;
  }
  $("composer").addEventListener("keydown", (ev) => {
    if (picker.keydown(ev)) return;
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $("composer-form").requestSubmit(); }
  });

  // ---- canned replies: "/" then the start of a name opens the team's
  // saved answers, filled in for this handoff; choosing one puts it in the
  // composer, to send (or change) like any reply ----
  const picker = (() => {
    let items = [], active = 0, cache = { id: null, replies: null };
    const list = $("canned-picker");
    async function replies(id, fresh) {
      if (fresh || cache.id !== id) {
        const r = await call("GET", "/handoffs/" + id + "/canned");
        cache = { id, replies: r.ok ? r.data.replies : [] };
      }
      return cache.replies;
    }
    function hide() { list.hidden = true; items = []; }
    function render() {
      list.replaceChildren();
      items.forEach((it, i) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option"); li.dataset.name = it.name;
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        const name = document.createElement("span"); name.className = "name"; name.textContent = "/" + it.name;
        li.append(name, document.createTextNode(it.text));
        li.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }
    function choose(i) {
      const it = items[i]; if (!it) return;
      const c = $("composer");
      c.value = it.text; hide(); c.focus();
      c.dispatchEvent(new Event("input"));
    }
    async function update() {
      const m = /^\/(\S*)$/.exec($("composer").value);
      const id = state.selected;
      if (!m || !id) { hide(); return; }
      const all = await replies(id, m[1] === "");
      if ($("composer").value !== m[0] || state.selected !== id) return;
      items = all.filter((r) => r.name.toLowerCase().startsWith(m[1].toLowerCase())); active = 0;
      render();
    }
    $("composer").addEventListener("input", update);
    $("composer").addEventListener("blur", hide);
    return {
      keydown(ev) {
        if (list.hidden || !items.length) return false;
        if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
          active = (active + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length; render();
        } else if (ev.key === "Enter" || ev.key === "Tab") choose(active);
        else if (ev.key === "Escape") hide();
        else return false;
        ev.preventDefault();
        return true;
      },
    };
  })();
  $("composer-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = $("composer").value;
    if (!text.trim() || !state.selected) return;
    $("send").disabled = true;
    const r = await call("POST", "/handoffs/" + state.selected + "/messages", { text, request_id: Math.random().toString(36).slice(2) });
    $("send").disabled = false;
    if (!r.ok) { setNotice(r.data.error || "Not sent."); return; }
    $("composer").value = ""; $("preview").replaceChildren();
    setNotice(r.data.relayed ? "" : "Kept as an internal note: not sent to the user" +
      (state.me.note_prefix && text.trim().startsWith(state.me.note_prefix) ? "." : " (only the agent who joined talks to the user; press Join first)."));
    refreshDetail();
  });

  // ---- files: the conversation's files in the history (images as
  // thumbnails opening full size, others as cards), and the agent's
  // uploads by button or drag-and-drop, each sent as a message ----
  function fileSize(n) {
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1).replace(/\.0$/, "") + " MiB";
    if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1).replace(/\.0$/, "") + " KiB";
    return n + " bytes";
  }
  function renderFiles(li, e) {
    if (!e.files || !e.files.length) return;
    const box = document.createElement("div"); box.className = "files";
    for (const f of e.files) {
      if (f.image && f.url) {
        const a = document.createElement("a"); a.className = "file-thumb";
        a.href = f.url; a.target = "_blank"; a.rel = "noopener noreferrer"; a.title = f.name;
        const img = document.createElement("img"); img.src = f.url; img.alt = f.name; img.loading = "lazy";
        a.appendChild(img); box.appendChild(a);
        continue;
      }
      const card = document.createElement(f.url ? "a" : "div"); card.className = "file-card";
      if (f.url) { card.href = f.url; card.target = "_blank"; card.rel = "noopener noreferrer"; card.setAttribute("download", f.name); }
      const name = document.createElement("span"); name.className = "file-name"; name.textContent = f.name;
      const meta = document.createElement("span"); meta.className = "file-meta";
      meta.textContent = [f.size ? fileSize(f.size) : "", f.content_type || ""].filter(Boolean).join(" · ");
      card.append(name, meta); box.appendChild(card);
    }
    li.appendChild(box);
  }
  function filesReady(me) { $("attach").hidden = !me.uploads; }
  async function uploadFile(file) {
    const id = state.selected, lim = state.me && state.me.uploads;
    if (!id || !lim) return;
    if (file.size > lim.max_bytes) { setNotice(file.name + " is too large: at most " + fileSize(lim.max_bytes) + ", please."); return; }
    setNotice("Sending " + file.name + "…");
    const q = "?name=" + encodeURIComponent(file.name) + "&request_id=" + Math.random().toString(36).slice(2);
    let resp, data = {};
    try {
      resp = await fetch(api + "/handoffs/" + id + "/files" + q, { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": file.type || "application/octet-stream", "X-CSRF-Token": state.csrf }, body: file });
      data = await resp.json();
    } catch (err) { /* shown below */ }
    if (resp && resp.status === 401) { showLogin(); return; }
    if (!resp || !resp.ok) { setNotice(data.error || file.name + " was not sent; try again."); return; }
    setNotice(data.relayed ? "" : file.name + " was kept as an internal note: not sent to the user (press Join first).");
    refreshDetail();
  }
  async function uploadAll(list) { for (const f of [...list]) await uploadFile(f); }
  $("attach").addEventListener("click", () => $("file-input").click());
  $("file-input").addEventListener("change", async (ev) => { await uploadAll(ev.target.files); ev.target.value = ""; });
  const dropZone = $("detail-body");
  const carriesFiles = (ev) => state.me && state.me.uploads && ev.dataTransfer && [...ev.dataTransfer.types].includes("Files");
  dropZone.addEventListener("dragover", (ev) => { if (!carriesFiles(ev)) return; ev.preventDefault(); dropZone.classList.add("dropping"); });
  dropZone.addEventListener("dragleave", (ev) => { if (ev.target === dropZone) dropZone.classList.remove("dropping"); });
  dropZone.addEventListener("drop", (ev) => {
    dropZone.classList.remove("dropping");
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    uploadAll(ev.dataTransfer.files);
  });

  // ---- editing and deleting one's own messages (the server marks them
  // "own"); an edit being written survives the history's re-renders ----
  const editing = { id: null, draft: "", armed: null };
  function renderOwnActions(li, e) {
    if (!e.own) return;
    li.classList.add("own");
    const bar = document.createElement("span"); bar.className = "own-actions";
    const edit = document.createElement("button"); edit.type = "button"; edit.className = "msg-edit"; edit.textContent = "Edit";
    const del = document.createElement("button"); del.type = "button"; del.className = "msg-delete"; del.textContent = "Delete";
    edit.addEventListener("click", () => { editing.id = e.id; editing.draft = e.text; showEditor(li, e, true); });
    // The first click asks again; the question survives live re-renders.
    const arm = () => { del.classList.add("armed"); del.textContent = "Delete for the user too?"; };
    if (editing.armed === e.id) arm();
    del.addEventListener("click", () => {
      if (editing.armed !== e.id) { editing.armed = e.id; arm(); return; }
      changeMessage(e.id, "DELETE");
    });
    if (!e.text) edit.hidden = true; // a file alone has no text to edit
    bar.append(edit, del);
    (li.querySelector(".by") || li).appendChild(bar);
    if (editing.id === e.id) showEditor(li, e, false);
  }
  function showEditor(li, e, focus) {
    const form = document.createElement("form"); form.className = "edit-form";
    const ta = document.createElement("textarea"); ta.className = "edit-text"; ta.rows = 3; ta.value = editing.draft;
    ta.addEventListener("input", () => { editing.draft = ta.value; });
    const row = document.createElement("div"); row.className = "edit-row";
    const cancel = document.createElement("button"); cancel.type = "button"; cancel.textContent = "Cancel";
    const save = document.createElement("button"); save.type = "submit"; save.className = "edit-save"; save.textContent = "Save";
    cancel.addEventListener("click", () => { editing.id = null; renderDetail(); });
    form.addEventListener("submit", (ev) => { ev.preventDefault(); changeMessage(e.id, "PATCH", ta.value); });
    row.append(cancel, save); form.append(ta, row);
    const body = li.querySelector(".body");
    if (body) body.replaceWith(form); else li.appendChild(form);
    if (focus) ta.focus();
  }
  async function changeMessage(msg, method, text) {
    const r = await call(method, "/handoffs/" + state.selected + "/messages/" + msg, method === "PATCH" ? { text } : {});
    if (!r.ok) { setNotice(r.data.error || "That did not work."); return; }
    if (editing.id === msg) editing.id = null;
    if (editing.armed === msg) editing.armed = null;
    setNotice("");
    refreshDetail();
  }

  // ---- boot ----
  (async () => {
    const r = await call("GET", "/me");
    if (r.ok) start(r.data); else showLogin();
  })();
})();
