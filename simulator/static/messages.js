// Drawing a chat's messages: bubbles, "edited" marks, clickable links and inline keyboards.
// Texts are always text nodes, never HTML.
"use strict";

import { attempt, call } from "./api.js";

function formatTime(unix) {
  const date = new Date(unix * 1000);
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// A deep link to our bot opens in the simulator; other links open in a new tab.
function linkTo(url, page) {
  const a = document.createElement("a");
  a.href = url;
  a.textContent = url;
  if (page.bot && url.startsWith(page.bot.deep_link_prefix)) {
    a.addEventListener("click", (event) => {
      event.preventDefault();
      page.openLink(url);
    });
  } else {
    a.target = "_blank";
    a.rel = "noopener noreferrer";
  }
  return a;
}

function fillText(element, text, page) {
  const pattern = /https?:\/\/[^\s<>"']+/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    element.append(text.slice(last, match.index), linkTo(match[0], page));
    last = match.index + match[0].length;
  }
  element.append(text.slice(last));
}

// A Mini App button opens its page in a new tab as Telegram would: with initData signed for
// the person you are (the simulator signs it with the bot's token).
function webAppKey(message, button, page) {
  const key = document.createElement("button");
  key.type = "button";
  key.className = "key web-app";
  key.textContent = button.text;
  key.title = button.web_app;
  key.addEventListener("click", async () => {
    if (!page.me) return;
    const opened = await attempt(() => call("POST", `/users/${page.me.id}/web_apps`, {
      label: button.text, message_id: message.message_id,
    }));
    if (opened) window.open(opened.url, "_blank", "noopener");
  });
  return key;
}

// press(message, button, keyboard, key) is called when a callback button is clicked.
function keyboardOf(message, page, press) {
  const keyboard = document.createElement("div");
  keyboard.className = "keyboard";
  for (const row of message.buttons) {
    const line = document.createElement("div");
    line.className = "keyboard-row";
    for (const button of row) {
      if (button.web_app) {
        line.append(webAppKey(message, button, page));
        continue;
      }
      if (button.url) {
        const link = linkTo(button.url, page);
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

// One message as a list item: the bot's on the left, yours on the right, others' named.
export function messageItem(message, page, press) {
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
  fillText(text, message.text ?? "(a message without text)", page);
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = (message.edited ? "edited " : "") + formatTime(message.date);
  bubble.append(text, meta);
  item.append(bubble);
  if (message.buttons.length) item.append(keyboardOf(message, page, press));
  return item;
}
