// Type-ahead for the search boxes (templates/base.html and search.html): as a reader types,
// the best names from search.json fill the box's <datalist>. Without JavaScript each box is a
// plain GET form to /search; this file only adds suggestions. It is a file, not an inline
// script, so that a Content-Security-Policy of script-src 'self' allows it.
//
// The request goes to the box's own form action plus ".json": the action is relative to the
// page, so the server may live under any prefix. A request still running when the reader types
// on is aborted; failures leave the suggestions as they were (the form still works).
(function () {
  "use strict";

  var DELAY_MS = 150;
  var MIN_LENGTH = 2;
  var MAX_LENGTH = 200; // natograph.search.MAX_QUERY_LENGTH: longer is refused with a 400
  var LIMIT = 8;

  function attach(input) {
    var list = input.list;
    var form = input.form;
    if (!list || !form || typeof window.fetch !== "function") {
      return;
    }
    var timer = 0;
    var pending = null;
    var last = "";

    function fill(results) {
      var seen = {};
      var options = [];
      results.forEach(function (result) {
        if (!seen[result.label]) {
          seen[result.label] = true;
          var option = document.createElement("option");
          option.value = result.label;
          options.push(option);
        }
      });
      list.replaceChildren.apply(list, options);
    }

    function suggest() {
      var text = input.value.trim();
      if (text.length < MIN_LENGTH || text.length > MAX_LENGTH || text === last) {
        return;
      }
      last = text;
      if (pending) {
        pending.abort();
      }
      pending = typeof AbortController === "function" ? new AbortController() : null;
      var params = new URLSearchParams({ q: text, limit: String(LIMIT) });
      var lang = form.elements.namedItem("lang");
      if (lang && lang.value) {
        params.set("lang", lang.value);
      }
      var options = pending ? { signal: pending.signal } : {};
      options.headers = { Accept: "application/json" };
      fetch(form.action + ".json?" + params.toString(), options)
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          if (answer && answer.query === text && Array.isArray(answer.results)) {
            fill(answer.results);
          }
        })
        .catch(function () {
          // Aborted, offline or refused: keep the suggestions there are.
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, DELAY_MS);
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
