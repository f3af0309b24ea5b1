// The survey form opened as a Telegram Mini App: Telegram puts its signed initData in the URL
// fragment (#tgWebAppData=…). We post it to /s/{token}/telegram, which checks it with the bot
// token and binds the invitation to that Telegram account; the form then works as in any
// browser. Our own few lines: Telegram's telegram-web-app.js is not loaded (no CDN).
"use strict";

(() => {
  const path = window.location.pathname.match(/^\/s\/([A-Za-z0-9_-]{1,64})$/);
  if (!path) return;
  const token = path[1];
  const remembered = `csat-mini-app:${token}`;

  // Shown above the form: who is answering, or why the form cannot go on.
  function show(message, refused) {
    const main = document.querySelector("main") || document.body;
    let note = document.getElementById("mini-app-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "mini-app-note";
      main.prepend(note);
    }
    // A refusal looks like the form's own notices (web.css styles .notice).
    note.className = refused ? "notice mini-app-note refused" : "mini-app-note";
    note.setAttribute("role", refused ? "alert" : "status");
    note.textContent = message;
    if (refused) {
      // A form for someone we could not confirm would mislead: take it away.
      for (const form of document.querySelectorAll("form")) form.remove();
    }
  }

  function keep(message) {
    try {
      window.sessionStorage.setItem(remembered, message);
    } catch (error) {
      // Storage off (a private window): the note is shown on this page only.
    }
  }

  function recalled() {
    try {
      return window.sessionStorage.getItem(remembered);
    } catch (error) {
      return null;
    }
  }

  async function bind(initData) {
    const body = new URLSearchParams({ init_data: initData, lang: document.documentElement.lang });
    let answer;
    try {
      const response = await fetch(`/s/${token}/telegram`, { method: "POST", body });
      answer = await response.json();
    } catch (error) {
      return; // offline or a proxy's page: the form still works as a plain web form
    }
    if (answer.bound) keep(answer.message);
    if (!answer.page_says_so) show(answer.message, !answer.bound);
  }

  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const initData = fragment.get("tgWebAppData");
  if (initData) {
    // The signed data is a credential: out of the address bar, history and bookmarks.
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    bind(initData);
  } else {
    const message = recalled();
    if (message) show(message, false);
  }
})();
