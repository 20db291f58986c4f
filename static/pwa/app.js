/* Registers the service worker and sends what waits in the outbox (queue.js) when the signal
   is back: each post once, with its idempotency key, so the server records it once even if a
   reply is lost and it is sent again, and with the CSRF token of the page it was made on, so
   it is saved only into the sign-in it was made in. Shows the student what is still waiting. */
"use strict";
(function () {
  const script = document.currentScript;
  const workerUrl = script && script.dataset.serviceWorker;
  const signInPath = (script && script.dataset.signIn) || "/accounts/login/";
  const LABELS = [[/^\/checkin\/$/, "A check-in"], [/^\/habits\/\d+\/log\/$/, "A habit's day"]];

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

  async function sendOne(item) {
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
    for (const item of items) {
      try {
        const outcome = await sendOne(item);
        if (outcome !== "keep") await WRQueue.remove(item.key);
        if (outcome === "sent") sent += 1;
        if (outcome === "refused") refused.push(label(item));
        if (outcome === "other-sign-in") otherSignIn.push(label(item));
      } catch (stillOffline) {
        break;
      }
    }
    let note = sent ? (sent === 1 ? "Sent what was waiting on this phone." : "Sent " + sent + " things that were waiting on this phone.") : "";
    if (refused.length) note += " Not saved, please enter again: " + refused.join("; ") + ".";
    if (otherSignIn.length) note += " Not sent, because it was made before the last sign-in on this phone: " + otherSignIn.join("; ") + ".";
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
