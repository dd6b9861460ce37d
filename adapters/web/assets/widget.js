/* Handoff bridge web widget. Embed with:
 *   <script src="https://chat.example.com/widget.js" async
 *           data-title="Support" data-color="#2563eb" data-lang="en"></script>
 * Options (data- attributes of the script tag): bridge (the bridge's URL;
 * default: where this script came from), title, color (accent), text-color
 * (text on the accent), lang (en, fr, es, de), position (right or left),
 * open ("true" starts opened), greeting (the first bubble; "" for none).
 * Everything rendered as HTML comes from the bridge's Markdown renderer,
 * which drops raw HTML; user text is always set as text.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__handoffWidget) return;
  window.__handoffWidget = true;

  var ds = script.dataset;
  var bridge = (ds.bridge || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  var T = {
    en: { attach: "Attach a file", uploading: "Uploading {name}…", tooLarge: "{name} is too large (at most {max}).", badType: "{name}: files of this type cannot be sent.", uploadFailed: "{name} was not sent: ", title: "Chat with us", placeholder: "Type a message…", send: "Send", open: "Open chat", close: "Close chat",
      connecting: "Connecting…", waiting: "Waiting for a member of our team…", position: "You are number {n} in the queue.",
      with: "You're chatting with {agent}", typing: "{who} is typing…", name: "Name", contact: "Email or phone",
      message: "Message", submit: "Send details", needName: "Please enter your name.",
      needContact: "Please enter an email address or a phone number.", needMessage: "Please enter a message.",
      retrying: "Not sent yet, retrying…", failed: "Not sent: " },
    fr: { attach: "Joindre un fichier", uploading: "Envoi de {name}…", tooLarge: "{name} est trop volumineux (au plus {max}).", badType: "{name} : ce type de fichier ne peut pas être envoyé.", uploadFailed: "{name} non envoyé : ", title: "Discutons", placeholder: "Écrivez un message…", send: "Envoyer", open: "Ouvrir le chat", close: "Fermer le chat",
      connecting: "Connexion…", waiting: "En attente d'un membre de notre équipe…", position: "Vous êtes numéro {n} dans la file.",
      with: "Vous discutez avec {agent}", typing: "{who} écrit…", name: "Nom", contact: "E-mail ou téléphone",
      message: "Message", submit: "Envoyer", needName: "Indiquez votre nom.",
      needContact: "Indiquez un e-mail ou un numéro de téléphone.", needMessage: "Écrivez un message.",
      retrying: "Pas encore envoyé, nouvel essai…", failed: "Non envoyé : " },
    es: { attach: "Adjuntar un archivo", uploading: "Subiendo {name}…", tooLarge: "{name} es demasiado grande (máximo {max}).", badType: "{name}: no se pueden enviar archivos de este tipo.", uploadFailed: "{name} no enviado: ", title: "Chatea con nosotros", placeholder: "Escribe un mensaje…", send: "Enviar", open: "Abrir chat", close: "Cerrar chat",
      connecting: "Conectando…", waiting: "Esperando a un miembro de nuestro equipo…", position: "Eres el número {n} en la cola.",
      with: "Estás hablando con {agent}", typing: "{who} está escribiendo…", name: "Nombre", contact: "Correo o teléfono",
      message: "Mensaje", submit: "Enviar datos", needName: "Escribe tu nombre.",
      needContact: "Escribe un correo o un teléfono.", needMessage: "Escribe un mensaje.",
      retrying: "Aún no enviado, reintentando…", failed: "No enviado: " },
    de: { attach: "Datei anhängen", uploading: "{name} wird hochgeladen…", tooLarge: "{name} ist zu groß (höchstens {max}).", badType: "{name}: Dateien dieses Typs können nicht gesendet werden.", uploadFailed: "{name} nicht gesendet: ", title: "Chatten Sie mit uns", placeholder: "Nachricht eingeben…", send: "Senden", open: "Chat öffnen", close: "Chat schließen",
      connecting: "Verbinde…", waiting: "Warten auf ein Teammitglied…", position: "Sie sind Nummer {n} in der Warteschlange.",
      with: "Sie chatten mit {agent}", typing: "{who} schreibt…", name: "Name", contact: "E-Mail oder Telefon",
      message: "Nachricht", submit: "Absenden", needName: "Bitte Namen eingeben.",
      needContact: "Bitte E-Mail-Adresse oder Telefonnummer eingeben.", needMessage: "Bitte Nachricht eingeben.",
      retrying: "Noch nicht gesendet, neuer Versuch…", failed: "Nicht gesendet: " }
  };
  var lang = (ds.lang || navigator.language || "en").slice(0, 2).toLowerCase();
  var t = T[lang] || T.en;
  var color = /^#[0-9a-fA-F]{3,8}$|^[a-z]+$/.test(ds.color || "") ? ds.color : "#2563eb";
  var textColor = /^#[0-9a-fA-F]{3,8}$|^[a-z]+$/.test(ds.textColor || "") ? ds.textColor : "#ffffff";
  var side = ds.position === "left" ? "left" : "right";
  var storeKey = "handoff-widget:" + bridge;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function fill(s, k, v) { return s.split("{" + k + "}").join(v); }

  // --- polish strings: merged into T so one table holds every UI text -----
  var polishStrings = {
    en: { greeting: "Hi! How can we help you today?", unread: "Open chat, {n} unread" },
    fr: { greeting: "Bonjour ! Comment pouvons-nous vous aider ?", unread: "Ouvrir le chat, {n} non lu(s)" },
    es: { greeting: "¡Hola! ¿En qué podemos ayudarte?", unread: "Abrir chat, {n} sin leer" },
    de: { greeting: "Hallo! Wie können wir Ihnen helfen?", unread: "Chat öffnen, {n} ungelesen" }
  };
  Object.keys(polishStrings).forEach(function (l) {
    Object.keys(polishStrings[l]).forEach(function (k) { T[l][k] = polishStrings[l][k]; });
  });

  var host = el("div");
  host.id = "handoff-widget";
  var root = host.attachShadow({ mode: "open" });
  var style = el("style");
  style.textContent =
    ":host{all:initial}*{box-sizing:border-box;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif}" +
    ".launcher{position:fixed;bottom:20px;" + side + ":20px;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;" +
    "background:" + color + ";color:" + textColor + ";font-size:26px;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}" +
    ".panel{position:fixed;bottom:88px;" + side + ":20px;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 110px);" +
    "display:none;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden;z-index:2147483000;font-size:14px;color:#111}" +
    ".panel.open{display:flex}.head{background:" + color + ";color:" + textColor + ";padding:12px 14px}" +
    ".title{font-weight:600;font-size:16px}.status{font-size:12px;opacity:.9;min-height:14px;margin-top:2px}" +
    ".status button{margin-left:8px;font-size:12px;border:1px solid " + textColor + ";background:transparent;color:" + textColor + ";border-radius:10px;cursor:pointer}" +
    ".log{flex:1;overflow-y:auto;padding:12px;background:#f6f7f9}" +
    ".msg{margin:6px 0;max-width:85%;padding:8px 10px;border-radius:10px;line-height:1.4;word-wrap:break-word;white-space:normal}" +
    ".msg p{margin:0 0 6px}.msg p:last-child{margin:0}.msg ul,.msg ol{margin:4px 0;padding-left:20px}" +
    ".msg code{background:rgba(0,0,0,.07);padding:0 3px;border-radius:3px}.msg pre{overflow-x:auto}" +
    ".msg a{color:inherit;text-decoration:underline}" +
    ".user{margin-left:auto;background:" + color + ";color:" + textColor + ";white-space:pre-wrap}" +
    ".ai,.agent{background:#fff;border:1px solid #e3e5e8}.system{background:#eef1f5;color:#333;font-size:13px}" +
    ".author{display:block;font-size:11px;color:#666;margin-bottom:2px}.pending{opacity:.6}.failed{border:1px solid #c00}" +
    ".note{display:block;font-size:11px;color:#c00;margin-top:2px}" +
    ".choices{margin-top:6px}.choices button,.form button{margin:4px 4px 0 0;padding:6px 10px;border-radius:14px;cursor:pointer;" +
    "border:1px solid " + color + ";background:#fff;color:" + color + "}.choices button:disabled{opacity:.5;cursor:default}" +
    ".form input,.form textarea{display:block;width:100%;margin:4px 0;padding:6px;border:1px solid #ccc;border-radius:6px;font-size:13px}" +
    ".form .bad{border-color:#c00}.form .err{color:#c00;font-size:12px}" +
    ".typing{font-size:12px;color:#666;padding:0 12px 4px;min-height:16px;background:#f6f7f9}" +
    ".compose{display:flex;border-top:1px solid #e3e5e8}.compose textarea{flex:1;border:0;padding:10px;resize:none;font-size:14px;height:44px}" +
    ".compose button{border:0;background:" + color + ";color:" + textColor + ";padding:0 16px;cursor:pointer}" +
    ".compose button.attach{background:transparent;color:#555;padding:0 10px;font-size:18px}.panel.drop{outline:3px dashed " + color + ";outline-offset:-6px}" +
    ".files{margin-top:6px}.thumb{display:inline-block;margin:2px;border:0;padding:0;background:none;cursor:zoom-in}" +
    ".thumb img{display:block;max-width:200px;max-height:160px;border-radius:6px}" +
    ".card{display:flex;gap:8px;align-items:center;margin:2px 0;padding:6px 8px;border:1px solid #d5d8dc;border-radius:8px;background:#fff;color:#111;text-decoration:none}" +
    ".card .icon{font-size:20px}.card .meta{display:flex;flex-direction:column;min-width:0}.card .name{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}" +
    ".card .info{font-size:11px;color:#666}.progress{display:block;height:4px;margin-top:4px;background:rgba(255,255,255,.4);border-radius:2px}" +
    ".progress span{display:block;height:100%;width:0;background:currentColor;border-radius:2px}" +
    ".viewer{position:absolute;inset:0;background:rgba(0,0,0,.85);display:flex;align-items:center;justify-content:center;z-index:5;cursor:zoom-out}" +
    ".viewer img{max-width:96%;max-height:96%}";
  root.appendChild(style);

  var launcher = el("button", "launcher", "💬");
  launcher.setAttribute("aria-label", t.open);
  var panel = el("div", "panel");
  panel.setAttribute("role", "dialog");
  var head = el("div", "head");
  head.appendChild(el("div", "title", ds.title || t.title));
  var status = el("div", "status", t.connecting);
  head.appendChild(status);
  var log = el("div", "log"); // new messages are announced by the live region (see polish)
  var typing = el("div", "typing");
  var compose = el("form", "compose");
  var input = el("textarea");
  input.placeholder = t.placeholder;
  input.setAttribute("aria-label", t.placeholder);
  var sendBtn = el("button", "send", t.send);
  sendBtn.type = "submit";
  var attachBtn = el("button", "attach", "📎");
  attachBtn.type = "button";
  attachBtn.setAttribute("aria-label", t.attach);
  attachBtn.title = t.attach;
  attachBtn.style.display = "none"; // until the bridge says it takes files
  var fileInput = el("input");
  fileInput.type = "file";
  fileInput.multiple = true;
  fileInput.hidden = true;
  compose.appendChild(attachBtn);
  compose.appendChild(fileInput);
  compose.appendChild(input);
  compose.appendChild(sendBtn);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(compose);
  root.appendChild(launcher);
  root.appendChild(panel);
  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  // --- polish: greeting, bylines, timestamps, unread badge, keyboard, live region
  var unread = 0;        // messages from the other side while the panel was closed
  var caughtUp = false;  // history replayed on load is neither unread nor announced
  var launcherIcon = el("span", "icon", "💬");
  launcherIcon.setAttribute("aria-hidden", "true");
  var badge = el("span", "badge");
  badge.setAttribute("aria-hidden", "true");
  badge.hidden = true;
  launcher.textContent = "";
  launcher.appendChild(launcherIcon);
  launcher.appendChild(badge);
  var closeBtn = el("button", "close", "✕");
  closeBtn.type = "button";
  closeBtn.setAttribute("aria-label", t.close);
  head.appendChild(closeBtn);
  var titleId = "handoff-title";
  head.querySelector(".title").id = titleId;
  panel.setAttribute("aria-labelledby", titleId);
  var live = el("div", "live");
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  root.appendChild(live);
  var greetingText = ds.greeting != null ? ds.greeting : t.greeting;
  if (greetingText) {
    var greeting = el("div", "msg greeting");
    greeting.appendChild(el("div", "body", greetingText));
    log.appendChild(greeting);
  }
  style.textContent +=
    ".launcher .badge{position:absolute;top:-4px;" + (side === "right" ? "left" : "right") + ":-4px;min-width:20px;height:20px;padding:0 6px;" +
    "border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center;box-shadow:0 0 0 2px #fff}" +
    ".launcher .badge[hidden]{display:none}" +
    ".head{position:relative;padding-right:48px}.head .close{position:absolute;top:8px;right:8px;width:32px;height:32px;border:0;border-radius:50%;" +
    "background:transparent;color:" + textColor + ";font-size:16px;cursor:pointer}.head .close:hover{background:rgba(255,255,255,.15)}" +
    "button:focus-visible,input:focus-visible,a:focus-visible{outline:2px solid #f59e0b;outline-offset:2px}" +
    ".compose textarea:focus-visible,.compose button:focus-visible{outline:2px solid " + color + ";outline-offset:-2px}" +
    ".greeting{background:#fff;border:1px solid #e3e5e8}" +
    ".byline{display:flex;align-items:center;gap:6px;margin-bottom:4px}.byline .author{display:inline;margin:0;font-weight:600;color:#444}" +
    ".avatar{flex:none;display:inline-flex;align-items:center;justify-content:center;width:22px;height:22px;border-radius:50%;" +
    "background:" + color + ";color:" + textColor + ";font-size:10px;font-weight:700}" +
    ".time{display:block;margin-top:3px;font-size:10px;color:#888;text-align:right}.user .time{color:inherit;opacity:.75}" +
    ".live{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}" +
    "@media (max-width:480px){.panel{top:0;left:0;right:0;bottom:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}" +
    ".launcher.open{display:none}}";

  // initials are the first letters of the first and last words of a name.
  function initials(name) {
    var words = String(name).trim().split(/\s+/).filter(Boolean);
    if (!words.length) return "?";
    var first = Array.from(words[0])[0];
    var last = words.length > 1 ? Array.from(words[words.length - 1])[0] : "";
    return (first + last).toUpperCase();
  }
  function byline(author) {
    var b = el("div", "byline");
    var a = el("span", "avatar", initials(author));
    a.setAttribute("aria-hidden", "true");
    b.appendChild(a);
    b.appendChild(el("span", "author", author));
    return b;
  }
  // stamp is the message's time, with the date when not today.
  function stamp(at) {
    var d = new Date(at);
    var time = el("time", "time");
    time.dateTime = d.toISOString();
    var opts = { hour: "2-digit", minute: "2-digit" };
    if (d.toDateString() !== new Date().toDateString()) { opts.day = "numeric"; opts.month = "short"; }
    try { time.textContent = d.toLocaleString(lang, opts); } catch (e) { time.textContent = d.toLocaleString(undefined, opts); }
    time.title = d.toLocaleString(lang);
    return time;
  }
  function renderLauncher() {
    var open = panel.classList.contains("open");
    launcherIcon.textContent = open ? "✕" : "💬";
    badge.hidden = open || unread === 0;
    badge.textContent = unread > 99 ? "99+" : String(unread);
    launcher.setAttribute("aria-label", open ? t.close : unread ? fill(t.unread, "n", unread) : t.open);
  }
  // arrived counts and announces a message new to this page (not history).
  // The text read out is the rendered one (no Markdown marks).
  function arrived(f, m) {
    if (!caughtUp || f.role === "user") return;
    var names = (f.attachments || []).map(function (a) { return a.name || ""; }).join(", ");
    var text = (m.querySelector(".body").textContent.trim() || names).slice(0, 500);
    live.textContent = (f.author ? f.author + ": " : "") + text;
    if (!panel.classList.contains("open")) { unread += 1; renderLauncher(); }
  }
  closeBtn.addEventListener("click", function () { setOpen(false, true); });
  root.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || !panel.classList.contains("open")) return;
    if (e.target && e.target.closest && e.target.closest(".viewer")) return; // the image viewer closes first
    e.preventDefault();
    setOpen(false, true);
  });

  // setOpen shows or hides the panel; focusLauncher hands the focus back to
  // the launcher (Esc, the close button), as keyboard users expect.
  function setOpen(open, focusLauncher) {
    panel.classList.toggle("open", open);
    launcher.classList.toggle("open", open);
    if (open) { unread = 0; input.focus(); log.scrollTop = log.scrollHeight; }
    renderLauncher();
    if (!open && focusLauncher) launcher.focus();
  }
  launcher.addEventListener("click", function () { setOpen(!panel.classList.contains("open")); });
  if (ds.open === "true") setOpen(true);

  // --- state -------------------------------------------------------------
  var sessionToken = null; // for uploads when storage is blocked
  var ws = null, lastId = 0, backoff = 500, seq = 0, connected = false;
  var shown = {};        // message id -> element
  var pending = [];      // {id, frame, el}: sent or not, not acknowledged yet
  var typingTimer = null, typedAt = 0;
  var statusInfo = { text: t.connecting, cancel: null };

  function clientId() { seq += 1; return "c" + Date.now().toString(36) + "-" + seq + "-" + Math.random().toString(36).slice(2, 8); }

  function renderStatus() {
    status.textContent = statusInfo.text;
    if (statusInfo.cancel) {
      var b = el("button", "cancel", statusInfo.cancel.label);
      var choice = statusInfo.cancel.id;
      b.addEventListener("click", function () { b.disabled = true; submit({ type: "choice", choice: choice }); });
      status.appendChild(b);
    }
  }
  function setStatus(text, cancel) { statusInfo = { text: text, cancel: cancel || null }; renderStatus(); }
  function waiting(position, cancel) {
    setStatus(t.waiting + (position ? " " + fill(t.position, "n", position) : ""), cancel);
  }

  // Messages are kept in id order: live pushes and catch-up may interleave.
  function place(node, id) {
    var kids = log.querySelectorAll(".msg[data-id]");
    for (var i = 0; i < kids.length; i++) {
      if (Number(kids[i].dataset.id) > id) { log.insertBefore(node, kids[i]); return; }
    }
    var firstPending = log.querySelector(".msg.pending");
    log.insertBefore(node, firstPending);
  }

  function body(f) {
    var b = el("div", "body");
    if (f.role !== "user" && f.html) b.innerHTML = f.html; // safe HTML from the bridge's renderer
    else b.textContent = f.text || "";
    return b;
  }

  function showMessage(f) {
    if (f.client_id) dropPending(f.client_id);
    if (f.id > lastId) lastId = f.id;
    if (shown[f.id]) return; // a repeat: catch-up and a live push of the same message
    var m = el("div", "msg " + (f.role || "system"));
    m.dataset.id = f.id;
    m.dataset.role = f.role || "system";
    if (f.role === "agent" && f.author) m.appendChild(byline(f.author));
    m.appendChild(body(f));
    if (f.attachments && f.attachments.length) m.appendChild(renderFiles(f.attachments));
    if (f.at) m.appendChild(stamp(f.at));
    shown[f.id] = m;
    place(m, f.id);
    if (f.choices) attachChoices(m, f.choices);
    if (f.form) attachForm(m, f.form);
    if (f.role === "agent") typing.textContent = "";
    notice(f);
    arrived(f, m);
    log.scrollTop = log.scrollHeight;
  }

  function notice(f) {
    var cancel = { id: "handoff.cancel", label: "Stop waiting" };
    switch (f.notice) {
      case "waiting": waiting(f.queue_position, f.cancel || statusInfo.cancel || cancel); break;
      case "requeued": waiting(0, f.cancel || statusInfo.cancel || cancel); break;
      case "joined": setStatus(fill(t.with, "agent", f.agent || f.author || "")); break;
      case "resolved": case "cancelled": case "no_agents": case "lead_saved": setStatus(""); break;
    }
  }

  function attachChoices(m, choices) {
    closeQuestions();
    var box = el("div", "choices");
    choices.forEach(function (c) {
      var b = el("button", "", c.label);
      b.dataset.choice = c.id;
      b.addEventListener("click", function () {
        box.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
        submit({ type: "choice", choice: c.id });
      });
      box.appendChild(b);
    });
    m.appendChild(box);
  }

  function closeQuestions() {
    log.querySelectorAll(".choices button").forEach(function (b) { b.disabled = true; });
    log.querySelectorAll(".form").forEach(function (f) { f.remove(); });
  }

  var emailRe = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
  function phoneOK(s) {
    if (!/^\+?[0-9 ().-]+$/.test(s)) return false;
    var d = s.replace(/[^0-9]/g, "").length;
    return d >= 7 && d <= 15;
  }

  function attachForm(m, form) {
    closeQuestions();
    var f = el("form", "form");
    var name = el("input"); name.name = "name"; name.placeholder = t.name; name.maxLength = 200; name.autocomplete = "name";
    var contact = el("input"); contact.name = "contact"; contact.placeholder = t.contact; contact.maxLength = 200; contact.autocomplete = "email";
    var msg = el("textarea"); msg.name = "message"; msg.placeholder = t.message; msg.rows = 3;
    var err = el("div", "err");
    var btn = el("button", "", t.submit); btn.type = "submit";
    [name, contact, msg, err, btn].forEach(function (x) { f.appendChild(x); });
    var fields = { name: name, contact: contact, message: msg };
    if (form.field && form.problem && fields[form.field]) { fields[form.field].classList.add("bad"); err.textContent = form.problem; }
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      [name, contact, msg].forEach(function (x) { x.classList.remove("bad"); });
      var v = { name: name.value.trim(), contact: contact.value.trim(), message: msg.value.trim() };
      var bad = !v.name ? [name, t.needName] : !(emailRe.test(v.contact) || phoneOK(v.contact)) ? [contact, t.needContact] : !v.message ? [msg, t.needMessage] : null;
      if (bad) { bad[0].classList.add("bad"); err.textContent = bad[1]; bad[0].focus(); return; }
      btn.disabled = true;
      submit({ type: "lead", name: v.name, contact: v.contact, message: v.message });
    });
    m.appendChild(f);
  }

  function applyState(f) {
    var cancel = f.cancel || null;
    if (f.handoff === "pending") { waiting(f.queue_position, cancel); showQueue(f); }
    else if (f.handoff === "active") setStatus(fill(t.with, "agent", f.agent || ""));
    else if (f.handoff === "fallback") setStatus("", cancel);
    else setStatus("");
    if (f.id && shown[f.id]) {
      var m = shown[f.id];
      if (f.choices && !m.querySelector(".choices")) attachChoices(m, f.choices);
      if (f.form && !m.querySelector(".form")) attachForm(m, f.form);
    } else if (!f.choices && !f.form) {
      closeQuestions();
    }
  }

  // --- queue place, live ------------------------------------------------------
  // The bridge sends {type:"queue", queue_position, wait_seconds} whenever
  // the waiting user's place changes; the status line shows it with the
  // estimated wait, keeping the cancel button.
  var queueT = {
    en: "About {m} min.", fr: "Environ {m} min.", es: "Unos {m} min.", de: "Etwa {m} Min."
  };
  function showQueue(f) {
    if (!f.queue_position) return;
    var text = t.waiting + " " + fill(t.position, "n", f.queue_position);
    if (f.wait_seconds > 0) text += " " + fill(queueT[lang] || queueT.en, "m", Math.max(1, Math.round(f.wait_seconds / 60)));
    setStatus(text, statusInfo.cancel);
  }

  // --- sending -------------------------------------------------------------
  function submit(frame, fileName) {
    frame.client_id = clientId();
    var p = { id: frame.client_id, frame: frame, el: null };
    if (frame.type === "message") {
      p.el = el("div", "msg user pending");
      p.el.appendChild(body({ role: "user", text: frame.text || fileName || "" }));
      log.appendChild(p.el);
      log.scrollTop = log.scrollHeight;
    }
    pending.push(p);
    transmit(p);
  }
  function transmit(p) {
    if (connected && ws && ws.readyState === 1) ws.send(JSON.stringify(p.frame));
  }
  function findPending(id) { for (var i = 0; i < pending.length; i++) if (pending[i].id === id) return i; return -1; }
  function dropPending(id) {
    var i = findPending(id);
    if (i < 0) return;
    if (pending[i].el) pending[i].el.remove();
    pending.splice(i, 1);
  }
  function failPending(id, text, retryMs) {
    var i = findPending(id);
    if (i < 0) return;
    var p = pending[i];
    if (p.el) {
      p.el.classList.add("failed");
      var n = p.el.querySelector(".note") || p.el.appendChild(el("span", "note"));
      n.textContent = retryMs ? t.retrying : t.failed + text;
    }
    if (retryMs) setTimeout(function () { transmit(p); }, retryMs);
    else pending.splice(i, 1);
  }

  compose.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.replace(/^\s+|\s+$/g, "");
    if (!text) return;
    input.value = "";
    submit({ type: "message", text: text });
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); compose.requestSubmit ? compose.requestSubmit() : compose.dispatchEvent(new Event("submit")); }
  });
  input.addEventListener("input", function () {
    var now = Date.now();
    if (now - typedAt < 2000 || !connected) return;
    typedAt = now;
    ws.send('{"type":"typing"}');
  });

  // --- files ---------------------------------------------------------------
  // Uploads go over HTTP with the session token (the socket carries only
  // the file's id once stored); files shown come with short-lived links.
  var uploads = null; // {max_bytes, allowed_types} from the bridge
  var imageTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

  function humanSize(n) {
    if (n >= 1048576) return (n / 1048576).toFixed(1).replace(/\.0$/, "") + " MiB";
    if (n >= 1024) return (n / 1024).toFixed(1).replace(/\.0$/, "") + " KiB";
    return n + " B";
  }
  function typeAllowed(type) {
    type = (type || "application/octet-stream").toLowerCase();
    return uploads.allowed_types.some(function (a) {
      a = a.toLowerCase();
      return a === type || (/\/\*$/.test(a) && type.indexOf(a.slice(0, -1)) === 0);
    });
  }
  function safeURL(u) {
    try { var x = new URL(u, bridge + "/"); return /^https?:$/.test(x.protocol) ? x.href : null; } catch (e) { return null; }
  }

  // File links expire after an hour; a tab open longer asks the bridge for
  // a fresh one (renewLink) when a picture fails to load and before a file
  // card opens.
  function renewLink(url, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", bridge + "/files/renew");
    xhr.setRequestHeader("Authorization", "Bearer " + (currentToken() || ""));
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.onerror = function () { done(null); };
    xhr.onload = function () {
      var r = {};
      try { r = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      done(xhr.status === 200 && r.url ? safeURL(r.url) : null);
    };
    xhr.send(JSON.stringify({ url: url }));
  }

  // renewOnError gives img one fresh link when it fails to load; onFresh
  // is told of the new link.
  function renewOnError(img, onFresh) {
    var tried = false;
    img.addEventListener("error", function () {
      if (tried) return;
      tried = true;
      renewLink(img.src, function (fresh) {
        if (!fresh) return;
        if (onFresh) onFresh(fresh);
        img.src = fresh;
      });
    });
  }

  function renderFiles(atts) {
    var box = el("div", "files");
    atts.forEach(function (a) {
      var url = safeURL(a.url || "");
      if (!url) return;
      if (imageTypes.indexOf((a.content_type || "").toLowerCase()) >= 0) {
        var b = el("button", "thumb");
        b.type = "button";
        b.setAttribute("aria-label", a.name || "image");
        var img = el("img");
        img.alt = a.name || ""; img.loading = "lazy"; img.referrerPolicy = "no-referrer";
        renewOnError(img, function (fresh) { url = fresh; });
        img.src = url;
        b.appendChild(img);
        b.addEventListener("click", function () { showImage(url, a.name || ""); });
        box.appendChild(b);
        return;
      }
      var c = el("a", "card");
      c.href = url; c.target = "_blank"; c.rel = "noopener noreferrer"; c.download = a.name || "";
      c.addEventListener("click", function (e) {
        // The link may have expired while the tab stayed open: open a
        // fresh one (a download: the bridge serves cards as attachments).
        if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        renewLink(c.href, function (fresh) {
          if (fresh) c.href = fresh;
          var go = el("a");
          go.href = c.href; go.download = a.name || ""; go.rel = "noopener noreferrer";
          go.style.display = "none";
          root.appendChild(go);
          go.click();
          go.remove();
        });
      });
      c.appendChild(el("span", "icon", "📄"));
      var meta = el("span", "meta");
      meta.appendChild(el("span", "name", a.name || "file"));
      meta.appendChild(el("span", "info", [a.size ? humanSize(a.size) : "", a.content_type || ""].filter(Boolean).join(" · ")));
      c.appendChild(meta);
      box.appendChild(c);
    });
    return box;
  }

  function showImage(url, name) {
    var v = el("div", "viewer");
    v.setAttribute("role", "dialog");
    v.setAttribute("aria-label", name);
    var img = el("img");
    img.alt = name;
    renewOnError(img);
    img.src = url;
    v.appendChild(img);
    v.tabIndex = -1;
    function close() { v.remove(); }
    v.addEventListener("click", close);
    v.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
    panel.appendChild(v);
    v.focus();
  }

  function enableUploads(limits) {
    uploads = limits && limits.max_bytes > 0 ? limits : null;
    attachBtn.style.display = uploads ? "" : "none";
    if (uploads) fileInput.accept = uploads.allowed_types.join(",");
  }

  // currentToken is the session token for the bridge's HTTP endpoints.
  function currentToken() {
    var token = null;
    try { token = localStorage.getItem(storeKey); } catch (e) { /* storage blocked */ }
    return token || sessionToken;
  }

  function uploadFiles(list) {
    if (!uploads) return;
    for (var i = 0; i < list.length; i++) uploadFile(list[i]);
  }

  function uploadFile(file) {
    var name = file.name || "file";
    var row = el("div", "msg user pending upload");
    var label = el("span", "", fill(t.uploading, "name", name));
    var bar = el("span", "progress");
    var fillBar = el("span");
    bar.appendChild(fillBar);
    row.appendChild(label);
    row.appendChild(bar);
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
    function fail(text) {
      row.classList.add("failed");
      bar.remove();
      label.textContent = text;
    }
    if (file.size > uploads.max_bytes) return fail(fill(fill(t.tooLarge, "name", name), "max", humanSize(uploads.max_bytes)));
    if (!typeAllowed(file.type)) return fail(fill(t.badType, "name", name));
    var xhr = new XMLHttpRequest();
    xhr.open("POST", bridge + "/files?name=" + encodeURIComponent(name));
    xhr.setRequestHeader("Authorization", "Bearer " + (currentToken() || ""));
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) fillBar.style.width = Math.round(100 * e.loaded / e.total) + "%"; };
    xhr.onerror = function () { fail(fill(t.uploadFailed, "name", name) + "network error"); };
    xhr.onload = function () {
      var r = {};
      try { r = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status !== 201 || !r.id) return fail(fill(t.uploadFailed, "name", name) + (r.message || ("HTTP " + xhr.status)));
      row.remove();
      submit({ type: "message", text: "", attachments: [r.id] }, name);
    };
    xhr.send(file);
  }

  attachBtn.addEventListener("click", function () { fileInput.click(); });
  fileInput.addEventListener("change", function () { uploadFiles(fileInput.files); fileInput.value = ""; });
  panel.addEventListener("dragover", function (e) { if (uploads) { e.preventDefault(); panel.classList.add("drop"); } });
  panel.addEventListener("dragleave", function () { panel.classList.remove("drop"); });
  panel.addEventListener("drop", function (e) {
    panel.classList.remove("drop");
    if (!uploads || !e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    uploadFiles(e.dataTransfer.files);
  });
  input.addEventListener("paste", function (e) {
    var items = e.clipboardData ? e.clipboardData.files : null;
    if (!uploads || !items || !items.length) return;
    e.preventDefault();
    uploadFiles(items);
  });

  // --- connection ----------------------------------------------------------
  function connect() {
    var url = bridge.replace(/^http/, "ws") + "/ws";
    ws = new WebSocket(url);
    ws.onopen = function () {
      var token = null;
      try { token = localStorage.getItem(storeKey); } catch (e) { /* storage blocked: a session per page */ }
      ws.send(JSON.stringify({ type: "hello", token: token || "", last_id: lastId, page: location.href.slice(0, 2048),
        referrer: document.referrer.slice(0, 2048), lang: (navigator.language || "").slice(0, 35) }));
    };
    ws.onmessage = function (ev) {
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      switch (f.type) {
        case "welcome":
          sessionToken = f.token;
          try { localStorage.setItem(storeKey, f.token); } catch (e) { /* ignore */ }
          enableUploads(f.uploads || null);
          break;
        case "message": showMessage(f); break;
        case "queue": showQueue(f); break;
        case "state":
          applyState(f);
          caughtUp = true;
          connected = true; backoff = 500;
          pending.forEach(transmit); // unacknowledged sends go again; the bridge drops repeats
          break;
        case "edit":
          if (shown[f.id]) { var b = shown[f.id].querySelector(".body"); b.replaceWith(body(f)); }
          break;
        case "delete":
          if (shown[f.id]) { shown[f.id].remove(); }
          break;
        case "typing":
          typing.textContent = fill(t.typing, "who", f.author || "");
          clearTimeout(typingTimer);
          typingTimer = setTimeout(function () { typing.textContent = ""; }, 6000);
          break;
        case "ack": dropPending(f.client_id); break;
        case "error":
          if (f.client_id) failPending(f.client_id, f.text || "", f.retry_after_ms || 0);
          break;
      }
    };
    ws.onclose = function (ev) {
      connected = false;
      if (ev.code === 1008 || ev.code === 1003) console.warn("handoff widget: closed by the bridge:", ev.reason);
      setStatus(t.connecting);
      var wait = Math.min(backoff, 10000) * (0.75 + Math.random() / 2);
      backoff *= 2;
      setTimeout(connect, wait);
    };
  }
  connect();
})();
