// Talking to the simulator's control API, and telling the person politely what went wrong.
"use strict";

const API = "/control";
const TOAST_MS = 3500;

export const $ = (id) => document.getElementById(id);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// An error the simulator answered (status: its HTTP status) or a network failure (status 0).
export class SimulatorError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(API + path, options);
  } catch (error) {
    throw new SimulatorError(
      "The simulator is not answering. Is `csat simulator` still running?", 0,
    );
  }
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) {
    const reason = data && data.error ? data.error : `HTTP ${response.status}`;
    throw new SimulatorError(`The simulator refused that: ${reason}.`, response.status);
  }
  return data;
}

// Run an action; say what went wrong instead of failing silently. Null when it failed.
export async function attempt(action) {
  try {
    const result = await action();
    hideNotice();
    return result;
  } catch (error) {
    showNotice(error.message);
    return null;
  }
}

export function showNotice(text) {
  $("notice-text").textContent = text;
  $("notice").hidden = false;
}

export function hideNotice() {
  $("notice").hidden = true;
}

let toastTimer = null;

export function showToast(text) {
  const toast = $("toast");
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, TOAST_MS);
}

// What happened to an update: with a webhook the bot has already answered it.
export function checkDelivery(delivery) {
  if (!delivery) return;
  const status = delivery.webhook_status;
  if (delivery.delivered_to === "webhook" && (status === null || status >= 300)) {
    const why = status === null ? "could not be reached" : `answered HTTP ${status}`;
    showNotice(`The bot's webhook ${why}; the update waits to be delivered again.`);
  }
}
