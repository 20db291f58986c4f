/* Registers the service worker and sends what waits in the outbox (queue.js) when the signal
   is back: each post once, with its idempotency key, so the server records it once even if a
   reply is lost and it is sent again, and with the CSRF token of the page it was made on, so
   it is saved only into the sign-in it was made in. Shows the student what is still waiting.

   A check-in goes to the JSON API, PUT /api/checkins/{day}, for the day the student meant: a
   check-in made at 23:55 and sent at 00:10 is the day before's, not the day it arrives on. */
"use strict";
(function () {
  const script = document.currentScript;
  const workerUrl = script && script.dataset.serviceWorker;
  const signInPath = (script && script.dataset.signIn) || "/accounts/login/";
  const LABELS = [[/^\/checkin\/(quick\/)?$/, "A check-in"], [/^\/habits\/\d+\/log\/$/, "A habit's day"]];
  const CHECKIN_PAGE = /^\/checkin\/(quick\/)?$/;
  const FULL_CHECKIN_PAGE = /^\/checkin\/$/;
  const SCALES = ["mood", "stress", "energy", "sleep_quality", "loneliness", "purpose"];
  const SELF_CARE = ["ate_well", "moved", "rested", "connected", "meditated", "therapy"];
  const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

  function label(item) {
    const match = LABELS.find(([pattern]) => pattern.test(item.url));
    return (match ? match[1] : "A change") + " from " +
      new Date(item.queuedAt).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });
  }

  function statusBox() {
    let box = document.getElementById("outbox-status");
    if (!box) {
      box = document.createElement("div");
      box.id = "outbox-status";
      box.className = "messages";
      box.setAttribute("role", "status");
      const main = document.getElementById("main");
      if (main) main.prepend(box);
    }
    return box;
  }

  async function show(note) {
    const items = await WRQueue.all();
    const box = statusBox();
    box.replaceChildren();
    if (note) {
      const p = document.createElement("p");
      p.className = "message message-success";
      p.textContent = note;
      box.append(p);
    }
    if (items.length === 0) return;
    const p = document.createElement("p");
    p.className = "message";
    p.textContent = items.length === 1
      ? "Waiting to be sent from this phone (no signal): "
      : items.length + " things are waiting to be sent from this phone (no signal): ";
    p.textContent += items.map(label).join("; ") + ".";
    box.append(p);
  }

  // The day the check-in was made on, on this phone's calendar (queue.js stamps it), or the
  // day before when the student was checking in for yesterday.
  function checkinDay(item, form) {
    const asked = form.get("day") || "";
    if (ISO_DAY.test(asked)) return asked;
    const made = new Date(item.queuedAt);
    if (asked === "yesterday") made.setDate(made.getDate() - 1);
    return WRQueue.localDay(made);
  }

  // The form's fields as the API's JSON: numbers as numbers (anything else as typed, for the
  // server to refuse), answers left out left out (a quick check-in). Self-care and the note
  // only come from the full check-in.
  function checkinBody(item, form) {
    const body = {};
    const number = (value, pattern) => (pattern.test(value) ? Number(value) : value);
    for (const name of SCALES) {
      const value = (form.get(name) || "").trim();
      if (value) body[name] = number(value, /^\d+$/);
    }
    const hours = (form.get("sleep_hours") || "").trim();
    if (hours) body.sleep_hours = number(hours, /^\d+(\.\d+)?$/);
    if (FULL_CHECKIN_PAGE.test(item.url)) {
      for (const name of SELF_CARE) body[name] = form.has(name);
      body.note = form.get("note") || "";
    }
    return body;
  }

  async function sendCheckin(item) {
    const form = new Map(item.fields);
    const response = await fetch("/api/checkins/" + checkinDay(item, form), {
      method: "PUT",
      body: JSON.stringify(checkinBody(item, form)),
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Idempotency-Key": item.key,
        "X-CSRFToken": form.get("csrfmiddlewaretoken") || "",
      },
    });
    // Signed out since: it waits until they sign in again.
    if (response.status === 401) return "keep";
    // The token it was made with belongs to another sign-in: never saved into another account.
    if (response.status === 403) return "other-sign-in";
    if (response.ok) return (await response.json()).crisis ? "sent-crisis" : "sent";
    // A field to correct, or a day that can no longer be changed (its week is published).
    if (response.status === 422 || response.status === 404) return "refused";
    // 409: another tab is sending the same key right now; 5xx: try again later.
    return "keep";
  }

  async function sendOne(item) {
    if (CHECKIN_PAGE.test(item.url)) return sendCheckin(item);
    const response = await fetch(item.url, {
      method: "POST",
      body: new URLSearchParams(item.fields),
      credentials: "same-origin",
      // As htmx would: a habit's answer is then its card, with any refusal in it.
      headers: { "Idempotency-Key": item.key, "HX-Request": "true" },
    });
    // Signed out since: it waits until they sign in again.
    if (response.redirected && new URL(response.url).pathname === signInPath) return "keep";
    // The token it was made with belongs to another sign-in (someone else, or the same student
    // signed in again): it is never saved into whichever account is signed in now.
    if (response.status === 403) return "other-sign-in";
    // Saved (a redirect followed, a habit's card, a check-in with the crisis lines), or
    // answered with a field to correct.
    if (response.ok) return /class="errorlist[" ]/.test(await response.text()) ? "refused" : "sent";
    // 409: another tab is sending the same key right now; 5xx: try again later.
    return "keep";
  }

  async function flush() {
    if (!window.WRQueue) return;
    if (!navigator.onLine) return show();
    const items = await WRQueue.all();
    if (items.length === 0) return show();
    let sent = 0;
    const refused = [];
    const otherSignIn = [];
    let crisis = false;
    for (const item of items) {
      try {
        const outcome = await sendOne(item);
        if (outcome !== "keep") await WRQueue.remove(item.key);
        if (outcome === "sent" || outcome === "sent-crisis") sent += 1;
        if (outcome === "sent-crisis") crisis = true;
        if (outcome === "refused") refused.push(label(item));
        if (outcome === "other-sign-in") otherSignIn.push(label(item));
      } catch (stillOffline) {
        break;
      }
    }
    let note = sent ? (sent === 1 ? "Sent what was waiting on this phone." : "Sent " + sent + " things that were waiting on this phone.") : "";
    if (refused.length) note += " Not saved, please enter again: " + refused.join("; ") + ".";
    if (otherSignIn.length) note += " Not sent, because it was made before the last sign-in on this phone: " + otherSignIn.join("; ") + ".";
    // A note that sounded like a crisis: the form would have shown the crisis lines.
    if (crisis) note += " If things feel like too much right now, Need help now (at the top) has people to call or text, day and night.";
    await show(note.trim());
    if (sent) document.dispatchEvent(new CustomEvent("wr:outbox-sent", { detail: { sent: sent } }));
  }

  function flushOnce() {
    // One tab at a time sends (the server would refuse a second copy anyway).
    if (navigator.locks) return navigator.locks.request("wr-outbox", flush);
    return flush();
  }

  window.WROutbox = { flush: flushOnce };

  if (workerUrl && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(workerUrl, { scope: "/" }).catch(() => {});
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "wr-queued") show("Saved on this phone. It will be sent when you have signal.");
    });
  }
  document.body.addEventListener("wr:queued", () => show("Saved on this phone. It will be sent when you have signal."));
  window.addEventListener("online", flushOnce);
  if (window.WRQueue) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", flushOnce);
    else flushOnce();
  }
})();
