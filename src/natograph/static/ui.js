// The query page: YASGUI over this server's own SPARQL endpoint, with the example questions.
//
// Data comes from the <script type="application/json" id="natograph-config"> element the server
// renders (JSON.parse, never string-built code). Nothing here, nor in the YASGUI configuration,
// contacts another origin: the prefix autocompleter reads the project's prefixes from that
// element instead of prefix.cc or its bundled list, the class and property autocompleters (which
// query Linked Open Vocabularies) are switched off, nothing is kept in localStorage, and a query
// passed in the page's URL always runs against this endpoint.
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("natograph-config").textContent);
  // Resolved against the page, so the page works under any host, port or path prefix.
  const endpoint = new URL(config.endpoint, document.baseURI).href;
  const endpointText = document.getElementById("endpoint-url");
  if (endpointText) endpointText.textContent = endpoint;

  const root = document.getElementById("yasgui");
  if (typeof Yasgui === "undefined" || !root) {
    if (root) {
      root.textContent = "The query editor could not be loaded.";
    }
    return;
  }

  const Yasqe = Yasgui.Yasqe;
  const prefixCompletions = Object.keys(config.prefixes)
    .sort()
    .map((prefix) => prefix + ": <" + config.prefixes[prefix] + ">");
  Yasqe.forkAutocompleter(
    "prefixes",
    {
      name: "natographPrefixes",
      persistenceId: null,
      get: () => Promise.resolve(prefixCompletions),
    },
    false,
  );
  // Yasgui deep-merges its configuration with lodash (arrays index by index), so the list of
  // autocompleters is replaced on the defaults rather than passed in the configuration.
  Yasqe.defaults.autocompleters = ["natographPrefixes", "variables"];
  Yasqe.defaults.prefixCcApi = null;

  const yasgui = new Yasgui(root, {
    autofocus: false,
    persistenceId: null,
    tabName: "Query",
    copyEndpointOnNewTab: false,
    corsProxy: undefined,
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderGraph: "text/turtle,*/*;q=0.9",
    },
    endpointCatalogueOptions: {
      getData: () => [{ endpoint: endpoint }],
    },
    populateFromUrl: (fromUrl) => {
      fromUrl.requestConfig = Object.assign({}, fromUrl.requestConfig, { endpoint: endpoint });
      return fromUrl;
    },
    yasqe: {
      value: config.defaultQuery,
      collapsePrefixesOnLoad: true,
      persistenceId: null,
    },
    yasr: {
      prefixes: config.prefixes,
      persistenceId: null,
    },
  });

  const examples = new Map(config.examples.map((example) => [example.name, example]));
  const openTabs = new Map();
  yasgui.on("tabClose", (_instance, tab) => {
    for (const [name, id] of openTabs) {
      if (id === tab.getId()) openTabs.delete(name);
    }
  });

  function tabName(title) {
    return title.length > 36 ? title.slice(0, 35).trimEnd() + "\u2026" : title;
  }

  function openExample(name) {
    const example = examples.get(name);
    if (!example) return;
    let tab = openTabs.has(name) ? yasgui.getTab(openTabs.get(name)) : undefined;
    if (tab) {
      yasgui.selectTabId(tab.getId());
    } else {
      tab = yasgui.addTab(true, {
        name: tabName(example.title),
        yasqe: { value: example.query },
        requestConfig: { endpoint: endpoint },
      });
      openTabs.set(name, tab.getId());
      // An example declares only the few prefixes it uses: show them, unlike the first tab's.
      const created = tab.getYasqe();
      if (created && typeof created.collapsePrefixes === "function") created.collapsePrefixes(false);
    }
    document.getElementById("editor").scrollIntoView({ block: "start" });
    const yasqe = tab.getYasqe();
    if (yasqe) yasqe.focus();
  }

  for (const button of document.querySelectorAll("button[data-example]")) {
    button.addEventListener("click", () => openExample(button.dataset.example));
  }
  // `/query?example=NAME` (the link every view gives to the question that computes it) opens
  // that question in its own tab, ready to run.
  const asked = new URLSearchParams(window.location.search).get("example");
  if (asked && examples.has(asked)) openExample(asked);
  document.documentElement.classList.add("yasgui-ready");
  window.natograph = { yasgui: yasgui, openExample: openExample, endpoint: endpoint };
})();
