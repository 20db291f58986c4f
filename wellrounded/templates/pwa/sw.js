{% autoescape off %}/* Well-Rounded's service worker (wellrounded/pwa.py serves it at /sw.js).

   What it stores: the offline page, the public help page and static files, fetched without
   cookies, so nothing personal. Pages are network-only: a page with a student's data is never
   cached. A check-in or a habit's day sent without signal is kept in IndexedDB on this device
   (queue.js) and sent again, with its idempotency key, when the signal is back. */
"use strict";
importScripts({{ queue_script }});

const VERSION = "__VERSION__";
const SHELL = "wr-shell-" + VERSION;
const SHELL_FILES = {{ files }};
const OFFLINE_URL = {{ offline_url }};
const HELP_URL = {{ help_url }};
const STATIC_PREFIX = {{ static_prefix }};
const QUEUEABLE = {{ queueable }}.map((pattern) => new RegExp(pattern));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) =>
      Promise.all(
        SHELL_FILES.map((url) =>
          fetch(new Request(url, { credentials: "omit", cache: "reload" })).then((response) => {
            if (!response.ok) throw new Error("Could not store " + url);
            return cache.put(url, response);
          })
        )
      )
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("wr-") && key !== SHELL).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

function isQueueable(request, url) {
  return request.method === "POST" && !request.headers.has("Idempotency-Key") &&
    QUEUEABLE.some((pattern) => pattern.test(url.pathname));
}

async function tell(message) {
  const windows = await self.clients.matchAll({ type: "window" });
  windows.forEach((client) => client.postMessage(message));
}

async function sendOrQueue(request, url) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (offline) {
    const form = await copy.formData();
    const fields = [];
    for (const [name, value] of form.entries()) {
      // The page's CSRF token stays with it: sent later, it is valid only in the same sign-in,
      // so a post made by one student is never saved into another's account on this phone.
      if (typeof value === "string") fields.push([name, value]);
    }
    await WRQueue.add({ url: url.pathname, fields: fields });
    await tell({ type: "wr-queued" });
    if (request.mode === "navigate") {
      return Response.redirect(OFFLINE_URL + "?saved=1", 303);
    }
    // htmx: nothing to swap; the page shows what is waiting (app.js listens for wr:queued).
    return new Response("", {
      status: 202,
      headers: { "HX-Reswap": "none", "HX-Trigger": "wr:queued" },
    });
  }
}

async function pageOrOffline(request, url) {
  try {
    return await fetch(request);
  } catch (offline) {
    const cache = await caches.open(SHELL);
    const fallback = url.pathname === HELP_URL ? HELP_URL : OFFLINE_URL;
    return (await cache.match(fallback)) || Response.error();
  }
}

async function staticFile(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isQueueable(request, url)) {
    event.respondWith(sendOrQueue(request, url));
  } else if (request.method !== "GET") {
    return;
  } else if (request.mode === "navigate") {
    event.respondWith(pageOrOffline(request, url));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(request));
  }
});

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (unreadable) {
    message = {};
  }
  const title = message.title || "Well-Rounded";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: message.body || "",
      tag: message.tag || "well-rounded",
      icon: SHELL_FILES.find((file) => file.includes("icon-192")),
      data: { url: message.url || "/" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url || "/", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(self.clients.openWindow(target.href));
});
{% endautoescape %}
