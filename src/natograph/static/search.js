// Type-ahead for the search boxes (templates/base.html and _search.html): as a reader types, the
// best matches from search.json appear under the box, and the arrow keys and Enter (or a click)
// open one. Without JavaScript each box is a plain GET form to /search; this file only adds the
// suggestions. It is a file, not an inline script, so a Content-Security-Policy of
// script-src 'self' allows it.
//
// The pattern is WAI-ARIA's combobox with a listbox popup (APG "list autocomplete"): the box
// keeps the focus, aria-activedescendant names the highlighted option, and a polite live region
// says how many suggestions there are. A <datalist> cannot do this: browsers show only options
// containing the typed text, so "fyrom" would never show "North Macedonia".
//
// The request goes to the box's own form action plus ".json": the action is relative to the
// page, so the server may live under any prefix. A request still running when the reader types
// on is aborted; failures leave the box as a plain search box (the form still works).
(function () {
  "use strict";

  var DELAY_MS = 150;
  var MIN_LENGTH = 2;
  var MAX_LENGTH = 200; // natograph.search.MAX_QUERY_LENGTH: longer is refused with a 400
  var LIMIT = 8;
  var counter = 0;

  function attach(input) {
    var form = input.form;
    if (!form || typeof window.fetch !== "function") {
      return;
    }
    counter += 1;
    var listId = "suggestions-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.dataset.suggestLabel || "Suggestions");
    list.hidden = true;
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.parentNode.insertBefore(list, input.nextSibling);
    form.appendChild(status);
    form.classList.add("has-suggestions");

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var timer = 0;
    var pending = null;
    var last = "";
    var active = -1;
    var shown = [];
    var root = form.action.replace(/search(\?.*)?$/, "");

    function lang() {
      var field = form.elements.namedItem("lang");
      return field && field.value ? field.value : "";
    }

    function href(result) {
      if (typeof result.page !== "string") return null;
      return root + result.page + (lang() ? "?lang=" + encodeURIComponent(lang()) : "");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i += 1) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open(index) {
      var target = shown[index] && href(shown[index]);
      if (target) window.location.assign(target);
    }

    function fill(results) {
      shown = results.filter(function (result) {
        return href(result) !== null;
      });
      var options = shown.map(function (result, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var label = document.createElement("span");
        label.className = "suggestion-label";
        label.textContent = result.label;
        option.appendChild(label);
        if (result.matched && result.matched !== result.label) {
          var matched = document.createElement("span");
          matched.className = "suggestion-matched";
          matched.textContent = result.matched;
          option.appendChild(document.createTextNode(" "));
          option.appendChild(matched);
        }
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box until the page changes
          open(i);
        });
        return option;
      });
      list.replaceChildren.apply(list, options);
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      var words = input.dataset.suggestCount || "{n}";
      status.textContent = words.replace("{n}", String(options.length));
    }

    function suggest() {
      var text = input.value.trim();
      if (text.length < MIN_LENGTH || text.length > MAX_LENGTH) {
        last = "";
        close();
        return;
      }
      if (text === last) return;
      last = text;
      if (pending) pending.abort();
      pending = typeof AbortController === "function" ? new AbortController() : null;
      var params = new URLSearchParams({ q: text, limit: String(LIMIT) });
      if (lang()) params.set("lang", lang());
      var options = pending ? { signal: pending.signal } : {};
      options.headers = { Accept: "application/json" };
      fetch(form.action + ".json?" + params.toString(), options)
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          if (answer && answer.query === input.value.trim() && Array.isArray(answer.results)) {
            fill(answer.results);
          }
        })
        .catch(function () {
          // Aborted, offline or refused: keep the box as it is.
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var count = list.hidden ? 0 : list.children.length;
      if (event.key === "ArrowDown" && count) {
        event.preventDefault();
        highlight((active + 1) % count);
      } else if (event.key === "ArrowUp" && count) {
        event.preventDefault();
        highlight(active <= 0 ? count - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && count) {
        event.preventDefault(); // open the suggestion rather than submit the form
        open(active);
      } else if (event.key === "Escape" && count) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(close, 100);
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
