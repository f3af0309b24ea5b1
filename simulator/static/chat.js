// The simulator's chat page: you are one simulated person talking to the bot, and you can
// watch a group (the staff chat). Everything goes through the control API under /control/.
"use strict";

import { $, attempt, call, checkDelivery, showToast } from "./api.js";
import { ChatView } from "./chatview.js";

const STATUS_MS = 5000;  // how often the bot's connection is checked
const DEFAULT_USER = { first_name: "Customer", language_code: "en" };
const STORED_USER = "simulator.user";
const STORED_GROUP = "simulator.group";

const page = {
  bot: null,       // GET /control/bot
  me: null,        // the user you are
  answersSeen: 0,  // how many of your presses' answers were shown as a toast
  openLink,
};

const privateChat = new ChatView($("private-messages"), "Pick or create a user.", page);
const groupChat = new ChatView(
  $("group-messages"), "Pick a group to watch, e.g. the staff chat.", page,
);

function numberOrNull(text) {
  const value = Number.parseInt(text ?? "", 10);
  return Number.isNaN(value) ? null : value;
}

function botName() {
  return page.bot ? `@${page.bot.username}` : "the bot";
}

// --- who you are -------------------------------------------------------------------------

async function loadUsers(preferredId) {
  const { users } = await call("GET", "/users");
  if (!users.length) users.push(await call("POST", "/users", DEFAULT_USER));
  $("user-select").replaceChildren(...users.map((user) => {
    const language = user.language_code ? `, ${user.language_code}` : "";
    return new Option(`${user.first_name} (${user.id}${language})`, String(user.id));
  }));
  const chosen = users.find((user) => user.id === preferredId) || users[0];
  $("user-select").value = String(chosen.id);
  becomeUser(chosen);
}

function becomeUser(user) {
  page.me = user;
  page.answersSeen = user.callback_answers.length;
  localStorage.setItem(STORED_USER, String(user.id));
  $("private-title").textContent = `${botName()} — you are ${user.first_name}`;
  privateChat.watch(user.id);
  groupChat.redraw();
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
  $("group-select").replaceChildren(
    new Option("No group watched", ""),
    ...groups.map((group) => new Option(`${group.title} (${group.id})`, String(group.id))),
  );
  const chosen = groups.find((group) => group.id === preferredId);
  $("group-select").value = chosen ? String(chosen.id) : "";
  watchGroup(chosen ? chosen.id : null);
}

function watchGroup(groupId) {
  if (groupId === null) localStorage.removeItem(STORED_GROUP);
  else localStorage.setItem(STORED_GROUP, String(groupId));
  groupChat.watch(groupId);
}

// --- the bot's connection ----------------------------------------------------------------

async function checkBot() {
  const status = $("bot-status");
  try {
    page.bot = await call("GET", "/bot");
  } catch (error) {
    status.textContent = "The simulator is not answering.";
    status.className = "bot-status waiting";
    return;
  }
  if (page.bot.connected) {
    const mode = page.bot.mode === "webhook" ? "webhook" : "long polling";
    status.textContent = `${botName()} is connected (${mode})`;
    status.className = "bot-status ok";
  } else {
    status.textContent = `${botName()} is not connected yet: run csat serve with `
      + `CSAT_TELEGRAM_API_URL=${location.origin}`;
    status.className = "bot-status waiting";
  }
}

// --- wiring ------------------------------------------------------------------------------

function onSubmit(id, handler) {
  $(id).addEventListener("submit", (event) => {
    event.preventDefault();
    handler(event.target);
  });
}

function wire() {
  $("notice-close").addEventListener("click", () => { $("notice").hidden = true; });
  $("user-select").addEventListener("change", (event) => attempt(async () => {
    becomeUser(await call("GET", `/users/${event.target.value}`));
  }));
  onSubmit("new-user-form", (form) => attempt(async () => {
    const fields = new FormData(form);
    const body = { first_name: fields.get("first_name"), language_code: fields.get("language_code") };
    const id = String(fields.get("id")).trim();
    if (id) body.id = id;
    const user = await call("POST", "/users", body);
    await loadUsers(user.id);
    form.reset();
    $("new-user").open = false;
  }));
  onSubmit("link-form", async () => {
    if (await openLink($("link-input").value)) $("link-input").value = "";
  });
  for (const [form, input, chat] of [
    ["private-form", "private-input", privateChat], ["group-send-form", "group-input", groupChat],
  ]) {
    onSubmit(form, () => {
      const text = $(input).value;
      if (!text.trim()) return;
      $(input).value = "";
      chat.send(text);
    });
  }
  $("group-select").addEventListener("change", (event) => {
    watchGroup(numberOrNull(event.target.value));
  });
  onSubmit("group-form", (form) => attempt(async () => {
    const body = { id: $("group-id").value.trim(), title: $("group-title").value.trim() };
    const group = await call("POST", "/groups", body);
    await loadGroups(group.id);
    form.reset();
    $("new-group").open = false;
  }));
  privateChat.onChange = () => attempt(showAnswers);
  groupChat.onChange = () => attempt(showAnswers);
  privateChat.onGone = () => attempt(() => loadUsers(null));
  groupChat.onGone = () => attempt(() => loadGroups(null));
}

// ?user=ID picks who you are, ?group=ID watches a group, ?start=TOKEN opens that deep link.
async function start() {
  wire();
  await checkBot();
  setInterval(checkBot, STATUS_MS);
  const params = new URLSearchParams(location.search);
  const stored = (key) => numberOrNull(localStorage.getItem(key));
  await attempt(() => loadUsers(numberOrNull(params.get("user")) ?? stored(STORED_USER)));
  await attempt(() => loadGroups(numberOrNull(params.get("group")) ?? stored(STORED_GROUP)));
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
