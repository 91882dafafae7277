// The search box of overrides/partials/search.html, querying Pagefind's index (built by
// `summitry build` into pagefind/, beside the pages). A search downloads only the parts of
// the index that hold the words typed, then one small fragment per result shown; nothing
// comes from another host.
// Results are written as text: a record's words are data, never markup.
(() => {
  if (window.__summitrySearch) return; // instant navigation may run the page's scripts again
  if (!document.querySelector("[data-summitry-search]")) return; // Zensical: its own search
  window.__summitrySearch = true;

  const script = document.currentScript;
  const base = new URL("../", script ? script.src : document.baseURI); // this file is assets/summitry-search.js
  const PAUSE = 250; // ms without a key before a search runs
  const FIRST = 5; // results asked for at once, before the rest
  const SHOWN = 20; // results written in all
  let loading = null;
  let asked = ""; // the last terms searched for, so that a late answer to older ones is dropped

  const box = () => document.querySelector("[data-summitry-search]");
  const input = () => document.querySelector("[data-summitry-search-input]");
  const toggle = () => document.getElementById("__search");

  function pagefind() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", base).href).then(async (module) => {
        // In this thread: a worker is one more script to fetch before the first search, and
        // a search of the chunks it has is a matter of milliseconds.
        await module.options({ baseUrl: base.pathname, excerptLength: 24, noWorker: true });
        await module.init();
        return module;
      });
      loading.catch(() => {
        loading = null; // offline for a moment: the next keystroke tries again
      });
    }
    return loading;
  }

  function say(text) {
    const meta = document.querySelector("[data-summitry-search-meta]");
    if (meta) meta.textContent = text;
  }

  function counted(n) {
    const meta = document.querySelector("[data-summitry-search-meta]");
    if (!meta) return String(n);
    if (n === 0) return meta.dataset.none;
    return n === 1 ? meta.dataset.one : meta.dataset.other.replace("#", n.toLocaleString());
  }

  // Pagefind's excerpt is escaped text with <mark> around the words found: written here as
  // text nodes and mark elements, never parsed into the page.
  function excerpt(into, html) {
    const decoder = document.createElement("textarea"); // its content is text: entities decoded, no tags made
    const plain = (part) => {
      decoder.innerHTML = part;
      return decoder.value;
    };
    let marked = false;
    for (const part of html.split(/(<mark>|<\/mark>)/)) {
      if (part === "<mark>" || part === "</mark>") {
        marked = part === "<mark>";
      } else if (part) {
        const text = document.createTextNode(plain(part));
        if (marked) {
          const mark = document.createElement("mark");
          mark.append(text);
          into.append(mark);
        } else {
          into.append(text);
        }
      }
    }
  }

  function item(data) {
    const li = document.createElement("li");
    li.className = "md-search-result__item";
    const a = document.createElement("a");
    a.className = "md-search-result__link";
    a.tabIndex = -1;
    a.href = new URL(data.url, location.origin).href;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const title = document.createElement("h1");
    title.textContent = (data.meta && data.meta.title) || data.url;
    const text = document.createElement("p");
    excerpt(text, data.excerpt || "");
    article.append(title, text);
    a.append(article);
    li.append(a);
    return li;
  }

  async function search(terms) {
    asked = terms;
    const list = document.querySelector("[data-summitry-search-results]");
    if (!terms) {
      list.replaceChildren();
      say(document.querySelector("[data-summitry-search-meta]").dataset.placeholder || "");
      return;
    }
    const found = await pagefind();
    found.preload(terms);
    // Only once typing pauses: a search for a word's first letters can match most of a large
    // site, and ranking that in the browser takes seconds that the next key would wait for.
    const answer = await found.debouncedSearch(terms, {}, PAUSE);
    if (answer === null || terms !== asked) return; // a newer search is under way
    list.replaceChildren();
    say(counted(answer.results.length));
    // Each result is written as soon as its fragment comes, in order; the first few are asked
    // for first, so that on HTTP/1.1 (six connections) they are not queued behind the rest.
    for (const [from, to] of [[0, FIRST], [FIRST, SHOWN]]) {
      const coming = answer.results.slice(from, to).map((r) => r.data());
      for (const data of coming) {
        const shown = await data;
        if (terms !== asked) return;
        list.append(item(shown));
      }
    }
  }

  // Material's stylesheet shows the search panel while its toggle is checked.
  function shown(on) {
    const t = toggle();
    if (t) t.checked = on;
  }

  function open() {
    shown(true);
    const field = input();
    if (field) field.focus();
  }

  function close() {
    shown(false);
  }

  // Pagefind's script, its WebAssembly and its table of pages (about 0.1 MB on the wire, then
  // cached) are fetched once the page has loaded and the browser is idle, so that on a slow
  // line a reader's first search waits only for the parts of the index that hold its words.
  const soon = window.requestIdleCallback || ((f) => setTimeout(f, 1000));
  if (document.readyState === "complete") soon(() => pagefind());
  else window.addEventListener("load", () => soon(() => pagefind()), { once: true });

  document.addEventListener("input", (event) => {
    if (event.target.matches("[data-summitry-search-input]")) {
      search(event.target.value.trim()).catch(() => say("Search is not available offline."));
    }
  });
  // Opening the search (its button, the field, a key) starts loading Pagefind, while the reader types.
  document.addEventListener("change", (event) => {
    if (event.target === toggle() && event.target.checked) {
      pagefind();
      const field = input();
      if (field) field.focus();
    }
  });
  document.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-summitry-search-input]")) {
      shown(true);
      pagefind();
    }
  });
  document.addEventListener("pointerdown", (event) => {
    if (event.target.closest("label[for=__search]")) pagefind();
  });
  document.addEventListener("reset", (event) => {
    if (event.target.matches("[data-summitry-search-form]")) search("");
  });
  document.addEventListener("submit", (event) => {
    if (!event.target.matches("[data-summitry-search-form]")) return;
    event.preventDefault();
    const first = document.querySelector("[data-summitry-search-results] a");
    if (first) first.click();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-summitry-search-results] a")) close();
  });
  document.addEventListener("keydown", (event) => {
    const inBox = box() && box().contains(event.target);
    const editing = event.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (!inBox && !editing && !event.ctrlKey && !event.metaKey && !event.altKey && ["/", "s", "f"].includes(event.key)) {
      event.preventDefault();
      open();
    } else if (inBox && event.key === "Escape") {
      close();
      event.target.blur();
    } else if (inBox && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      const links = [...document.querySelectorAll("[data-summitry-search-results] a")];
      if (!links.length) return;
      event.preventDefault();
      const at = links.indexOf(document.activeElement);
      const next = event.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : at - 1;
      (next < 0 ? input() : links[next]).focus();
    }
  });
})();
