// A chat kept up to date by long polling: the server answers when something changed past the
// revision we have, or after WAIT seconds; presses and texts go out as the person you are.
"use strict";

import { attempt, call, checkDelivery, showNotice, sleep } from "./api.js";
import { messageItem } from "./messages.js";

const WAIT = 20;        // seconds a long poll may wait for a change
const RETRY_MS = 2000;  // pause after a failed poll

export class ChatView {
  // page: {me, bot, openLink}; onChange(data) after each poll; onGone() when the chat is gone
  constructor(list, emptyText, page) {
    this.list = list;
    this.emptyText = emptyText;
    this.page = page;
    this.chatId = null;
    this.revision = -1;
    this.drawn = "";
    this.generation = 0;
    this.onChange = () => {};
    this.onGone = () => {};
  }

  watch(chatId) {
    this.chatId = chatId;
    this.revision = -1;
    this.drawn = "";
    this.generation += 1;
    this.list.dataset.scrolled = "no";
    this.list.replaceChildren();
    if (chatId === null) this.drawEmpty(this.emptyText);
    else this.poll(this.generation);
  }

  redraw() {
    this.drawn = "";  // "mine" and "other" change with who you are
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
        if (error.status === 404) {
          // The simulator was restarted: its chats are gone.
          this.generation += 1;
          this.onGone();
          return;
        }
        await sleep(RETRY_MS);
      }
    }
  }

  draw(messages) {
    const drawn = JSON.stringify([messages, this.page.me && this.page.me.id]);
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    if (!messages.length) {
      this.drawEmpty("No messages yet.");
      return;
    }
    const list = this.list;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const press = (message, button, keyboard, key) => this.press(message, button, keyboard, key);
    list.replaceChildren(...messages.map((message) => messageItem(message, this.page, press)));
    if (atBottom || list.dataset.scrolled !== "yes") {
      list.scrollTop = list.scrollHeight;
      list.dataset.scrolled = "yes";
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
    const me = this.page.me;
    if (!me) return;
    const keys = keyboard.querySelectorAll("button");
    for (const other of keys) other.disabled = true;
    key.classList.add("pressed");
    const delivery = await attempt(() => call("POST", `/users/${me.id}/presses`, {
      chat_id: this.chatId,
      message_id: message.message_id,
      callback_data: button.callback_data,
    }));
    checkDelivery(delivery);
    // The new state arrives by the poll; these keys come back in case nothing changed.
    for (const other of keys) other.disabled = false;
    key.classList.remove("pressed");
  }

  async send(text) {
    const me = this.page.me;
    if (!me || this.chatId === null) return;
    const delivery = await attempt(() => call("POST", `/users/${me.id}/messages`, {
      text, chat_id: this.chatId,
    }));
    checkDelivery(delivery);
  }
}
