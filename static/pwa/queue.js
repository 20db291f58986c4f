/* The outbox: posts made without signal, kept in IndexedDB on this device until sent.
   Shared by the service worker (which adds) and the pages (which show and send). */
"use strict";
(function (scope) {
  const DB = "wr-outbox";
  const STORE = "items";

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function run(mode, work) {
    return open().then((db) => new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const result = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => { db.close(); resolve(result && result.result); };
      transaction.onerror = () => { db.close(); reject(transaction.error); };
    }));
  }

  function localDay(when) {
    const pad = (n) => String(n).padStart(2, "0");
    return when.getFullYear() + "-" + pad(when.getMonth() + 1) + "-" + pad(when.getDate());
  }

  scope.WRQueue = {
    add(item) {
      const now = new Date();
      const fields = item.fields.slice();
      // The day it was made on, so a habit ticked at 23:50 and sent after midnight lands on
      // the right day.
      if (!fields.some(([name]) => name === "day")) fields.push(["day", localDay(now)]);
      const entry = {
        key: (scope.crypto.randomUUID ? scope.crypto.randomUUID() : String(now.getTime()) + Math.random()).replace(/-/g, ""),
        url: item.url,
        fields: fields,
        queuedAt: now.toISOString(),
      };
      return run("readwrite", (store) => store.put(entry)).then(() => entry);
    },
    all() {
      return run("readonly", (store) => store.getAll());
    },
    remove(key) {
      return run("readwrite", (store) => store.delete(key));
    },
    localDay: localDay,
  };
})(self);
