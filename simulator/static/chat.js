// The simulator's chat page: you are one simulated person talking to the bot, and you can
// watch a group (the staff chat). Everything goes through the control API under /control/;
// chats are long-polled (the server answers when something changed, or after WAIT seconds).
"use strict";

const API = "/control";
const WAIT = 20;           // seconds a long poll may wait for a change
const RETRY_MS = 2000;     // pause after a failed poll
const STATUS_MS = 5000;    // how often the bot's connection is checked
const TOAST_MS = 3500;

const page = {
  bot: null,       // GET /control/bot
  me: null,        // the user you are
  answersSeen: 0,  // how many of your button presses' answers were shown as a toast
};

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// --- talking to the simulator ------------------------------------------------------------

async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(API + path, options);
  } catch (error) {
    throw new Error("The simulator is not answering. Is `csat simulator` still running?");
  }
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) {
    const reason = data && data.error ? data.error : `HTTP ${response.status}`;
    throw new Error(`The simulator refused that: ${reason}.`);
  }
  return data;
}

// Run an action; say politely what went wrong instead of failing silently.
async function attempt(action) {
  try {
    const result = await action();
    hideNotice();
    return result;
  } catch (error) {
    showNotice(error.message);
    return null;
  }
}

function showNotice(text) {
  $("notice-text").textContent = text;
  $("notice").hidden = false;
}

function hideNotice() {
  $("notice").hidden = true;
}

function showToast(text) {
  const toast = $("toast");
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(showToast.timer);
  showToast.timer = setTimeout(() => { toast.hidden = true; }, TOAST_MS);
}

// What happened to an update: with a webhook the bot has already answered it.
function checkDelivery(delivery) {
  if (!delivery) return;
  const status = delivery.webhook_status;
  if (delivery.delivered_to === "webhook" && (status === null || status >= 300)) {
    const why = status === null ? "could not be reached" : `answered HTTP ${status}`;
    showNotice(`The bot's webhook ${why}; the update waits to be delivered again.`);
  }
}

// --- drawing messages ----------------------------------------------------------------------

function formatTime(unix) {
  const date = new Date(unix * 1000);
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// A deep link to our bot opens in the simulator; other links open in a new tab.
function linkTo(url) {
  const a = document.createElement("a");
  a.href = url;
  a.textContent = url;
  if (isBotLink(url)) {
    a.addEventListener("click", (event) => {
      event.preventDefault();
      openLink(url);
    });
  } else {
    a.target = "_blank";
    a.rel = "noopener noreferrer";
  }
  return a;
}

function isBotLink(url) {
  return Boolean(page.bot) && url.startsWith(page.bot.deep_link_prefix);
}

// Text as text nodes (never HTML), with its URLs made clickable.
function fillText(element, text) {
  const pattern = /https?:\/\/[^\s<>"']+/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    element.append(text.slice(last, match.index), linkTo(match[0]));
    last = match.index + match[0].length;
  }
  element.append(text.slice(last));
}

function keyboardOf(message, press) {
  const keyboard = document.createElement("div");
  keyboard.className = "keyboard";
  for (const row of message.buttons) {
    const line = document.createElement("div");
    line.className = "keyboard-row";
    for (const button of row) {
      if (button.url) {
        const link = linkTo(button.url);
        link.className = "key";
        link.textContent = button.text;
        line.append(link);
        continue;
      }
      const key = document.createElement("button");
      key.type = "button";
      key.className = "key";
      key.textContent = button.text;
      key.dataset.callbackData = button.callback_data;
      key.addEventListener("click", () => press(message, button, keyboard, key));
      line.append(key);
    }
    keyboard.append(line);
  }
  return keyboard;
}

function messageItem(message, press) {
  const item = document.createElement("li");
  const mine = page.me && message.from.id === page.me.id;
  item.className = message.from.is_bot ? "msg bot" : mine ? "msg mine" : "msg other";
  item.dataset.messageId = message.message_id;
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if (!message.from.is_bot && !mine) {
    const who = document.createElement("div");
    who.className = "sender";
    who.textContent = message.from.name;
    bubble.append(who);
  }
  const text = document.createElement("div");
  text.className = "text";
  fillText(text, message.text ?? "(a message without text)");
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = (message.edited ? "edited " : "") + formatTime(message.date);
  bubble.append(text, meta);
  item.append(bubble);
  if (message.buttons.length) item.append(keyboardOf(message, press));
  return item;
}

// --- a chat kept up to date by long polling ---------------------------------------------

class ChatView {
  constructor(list, emptyText) {
    this.list = list;
    this.emptyText = emptyText;
    this.chatId = null;
    this.revision = -1;
    this.drawn = "";
    this.generation = 0;
    this.onChange = () => {};
  }

  watch(chatId) {
    this.chatId = chatId;
    this.revision = -1;
    this.drawn = "";
    this.generation += 1;
    this.list.replaceChildren();
    if (chatId !== null) this.poll(this.generation);
    else this.drawEmpty(this.emptyText);
  }

  async poll(generation) {
    while (generation === this.generation) {
      try {
        const path = `/chats/${this.chatId}/messages?since=${this.revision}&wait=${WAIT}`;
        const data = await call("GET", path);
        if (generation !== this.generation) return;
        this.revision = data.revision;
        this.draw(data.messages);
        this.onChange(data);
      } catch (error) {
        if (generation !== this.generation) return;
        showNotice(error.message);
        await sleep(RETRY_MS);
      }
    }
  }

  draw(messages) {
    const drawn = JSON.stringify([messages, page.me && page.me.id]);
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    if (!messages.length) {
      this.drawEmpty("No messages yet.");
      return;
    }
    const press = (message, button, keyboard, key) => this.press(message, button, keyboard, key);
    this.list.replaceChildren(...messages.map((message) => messageItem(message, press)));
    if (atBottom || this.list.dataset.scrolled !== "yes") {
      this.list.scrollTop = this.list.scrollHeight;
      this.list.dataset.scrolled = "yes";
    }
  }

  drawEmpty(text) {
    const item = document.createElement("li");
    item.className = "empty";
    item.textContent = text;
    this.list.replaceChildren(item);
  }

  // A button press goes to the control API as the person you are, in this chat.
  async press(message, button, keyboard, key) {
    if (!page.me) return;
    for (const other of keyboard.querySelectorAll("button")) other.disabled = true;
    key.classList.add("pressed");
    const delivery = await attempt(() => call("POST", `/users/${page.me.id}/presses`, {
      chat_id: this.chatId,
      message_id: message.message_id,
      callback_data: button.callback_data,
    }));
    checkDelivery(delivery);
    // The new state arrives by the poll; re-enable in case nothing changed.
    for (const other of keyboard.querySelectorAll("button")) other.disabled = false;
    key.classList.remove("pressed");
  }

  async send(text) {
    if (!page.me || this.chatId === null) return;
    const delivery = await attempt(() => call("POST", `/users/${page.me.id}/messages`, {
      text, chat_id: this.chatId,
    }));
    checkDelivery(delivery);
  }
}

const privateChat = new ChatView($("private-messages"), "Pick or create a user.");
const groupChat = new ChatView($("group-messages"), "Pick a group to watch, e.g. the staff chat.");

// --- who you are -------------------------------------------------------------------------

const DEFAULT_USER = { first_name: "Customer", language_code: "en" };

async function loadUsers(preferredId) {
  const { users } = await call("GET", "/users");
  if (!users.length) users.push(await call("POST", "/users", DEFAULT_USER));
  const select = $("user-select");
  select.replaceChildren(...users.map((user) => {
    const option = document.createElement("option");
    option.value = user.id;
    const language = user.language_code ? `, ${user.language_code}` : "";
    option.textContent = `${user.first_name} (${user.id}${language})`;
    return option;
  }));
  const chosen = users.find((user) => user.id === preferredId) || users[0];
  select.value = chosen.id;
  becomeUser(chosen);
}

function becomeUser(user) {
  page.me = user;
  page.answersSeen = user.callback_answers.length;
  localStorage.setItem("simulator.user", String(user.id));
  $("private-title").textContent = botName() + ` — you are ${user.first_name}`;
  privateChat.watch(user.id);
  groupChat.drawn = "";  // "mine" and "other" change with who you are
}

function botName() {
  return page.bot ? `@${page.bot.username}` : "the bot";
}

// The bot's answer to your newest button press, shown as Telegram shows it: a toast.
async function showAnswers() {
  if (!page.me) return;
  const user = await call("GET", `/users/${page.me.id}`);
  const fresh = user.callback_answers.slice(page.answersSeen).filter(Boolean);
  page.answersSeen = user.callback_answers.length;
  if (fresh.length) showToast(fresh[fresh.length - 1]);
}

async function openLink(link) {
  if (!page.me) return false;
  const delivery = await attempt(() => call("POST", `/users/${page.me.id}/links`, { link }));
  checkDelivery(delivery);
  return delivery !== null;
}

// --- the group ---------------------------------------------------------------------------

async function loadGroups(preferredId) {
  const { groups } = await call("GET", "/groups");
  const select = $("group-select");
  const none = new Option("No group watched", "");
  select.replaceChildren(none, ...groups.map((group) => new Option(
    `${group.title} (${group.id})`, String(group.id),
  )));
  const chosen = groups.find((group) => group.id === preferredId);
  select.value = chosen ? String(chosen.id) : "";
  watchGroup(chosen ? chosen.id : null);
}

function watchGroup(groupId) {
  if (groupId === null) localStorage.removeItem("simulator.group");
  else localStorage.setItem("simulator.group", String(groupId));
  groupChat.watch(groupId);
}

// --- the bot's connection ----------------------------------------------------------------

async function checkBot() {
  try {
    page.bot = await call("GET", "/bot");
    const status = $("bot-status");
    if (page.bot.connected) {
      const mode = page.bot.mode === "webhook" ? "webhook" : "long polling";
      status.textContent = `${botName()} is connected (${mode})`;
      status.className = "bot-status ok";
    } else {
      status.textContent = `${botName()} is not connected yet: run csat serve with `
        + `CSAT_TELEGRAM_API_URL=${location.origin}`;
      status.className = "bot-status waiting";
    }
  } catch (error) {
    $("bot-status").textContent = "The simulator is not answering.";
    $("bot-status").className = "bot-status waiting";
  }
}

// --- wiring ------------------------------------------------------------------------------

function numberOrNull(text) {
  const value = Number.parseInt(text, 10);
  return Number.isNaN(value) ? null : value;
}

function wire() {
  $("notice-close").addEventListener("click", hideNotice);
  $("user-select").addEventListener("change", (event) => attempt(async () => {
    becomeUser(await call("GET", `/users/${event.target.value}`));
  }));
  $("new-user-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const body = { first_name: form.get("first_name"), language_code: form.get("language_code") };
    if (String(form.get("id")).trim()) body.id = String(form.get("id")).trim();
    attempt(async () => {
      const user = await call("POST", "/users", body);
      await loadUsers(user.id);
      event.target.reset();
      $("new-user").open = false;
    });
  });
  $("link-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await openLink($("link-input").value)) $("link-input").value = "";
  });
  for (const [form, input, chat] of [
    ["private-form", "private-input", privateChat], ["group-send-form", "group-input", groupChat],
  ]) {
    $(form).addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $(input).value;
      if (!text.trim()) return;
      $(input).value = "";
      chat.send(text);
    });
  }
  $("group-select").addEventListener("change", (event) => {
    watchGroup(numberOrNull(event.target.value));
  });
  $("group-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { id: $("group-id").value.trim(), title: $("group-title").value.trim() };
    attempt(async () => {
      const group = await call("POST", "/groups", body);
      await loadGroups(group.id);
      event.target.reset();
      $("new-group").open = false;
    });
  });
  privateChat.onChange = () => attempt(showAnswers);
  groupChat.onChange = () => attempt(showAnswers);
}

// ?user=ID picks who you are, ?group=ID watches a group, ?start=TOKEN opens that deep link.
async function start() {
  wire();
  await checkBot();
  setInterval(checkBot, STATUS_MS);
  const params = new URLSearchParams(location.search);
  const stored = (key) => numberOrNull(localStorage.getItem(key) || "");
  await attempt(() => loadUsers(numberOrNull(params.get("user") || "") ?? stored("simulator.user")));
  await attempt(() => loadGroups(numberOrNull(params.get("group") || "") ?? stored("simulator.group")));
  const token = params.get("start");
  if (token !== null) {
    // Opened once: a reload of the page must not send /start again.
    params.delete("start");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? `?${rest}` : ""));
    await openLink(token);
  }
  document.body.dataset.ready = "yes";
}

start();
