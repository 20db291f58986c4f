/* The reminders page: subscribe this browser to Web Push through the service worker's
   PushManager, with the server's VAPID public key, and send the subscription to the server. */
"use strict";
(function () {
  const box = document.getElementById("push");
  if (!box) return;
  const state = document.getElementById("push-state");
  const on = document.getElementById("push-on");
  const off = document.getElementById("push-off");

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    state.textContent += " This browser cannot show notifications from a website; on iPhone, add Well-Rounded to your Home Screen first.";
    return;
  }

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.split("=")[1]) : "";
  }

  function keyBytes(base64url) {
    const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
  }

  async function refresh() {
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.getSubscription();
    on.hidden = Boolean(subscription);
    off.hidden = !subscription;
    return subscription;
  }

  on.addEventListener("click", async () => {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      state.textContent = "Notifications are blocked for this site: allow them in the browser's site settings, or keep email reminders.";
      return;
    }
    const registration = await navigator.serviceWorker.ready;
    try {
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(box.dataset.applicationServerKey),
      });
      const response = await post(box.dataset.subscribeUrl, subscription.toJSON());
      const answer = await response.json();
      state.textContent = answer.detail;
      if (!response.ok) await subscription.unsubscribe();
    } catch (failed) {
      state.textContent = "This browser could not turn notifications on (" + failed.name + "). Email reminders still work.";
    }
    refresh();
  });

  off.addEventListener("click", async () => {
    const subscription = await refresh();
    if (subscription) {
      await post(box.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
    }
    state.textContent = "Notifications are off for this device.";
    refresh();
  });

  refresh();
})();
