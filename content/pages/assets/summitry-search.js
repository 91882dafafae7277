// The search box of overrides/partials/search.html, on the index that the builder writes
// into searchindex/ beside the pages (builder/render/search_index.py says how it is cut). A
// search downloads one small file for each word typed (fetched as soon as the word's first
// two letters are), and nothing comes from another host.
// Results are written as text: a record's words are data, never markup.
(() => {
  if (window.__summitrySearch) return; // instant navigation may run the page's scripts again
  const script = document.currentScript;
  const base = new URL("../", script ? script.src : document.baseURI); // this file is assets/summitry-search.js
  const TERM_FILES = 256; // as builder/render/search_index.py writes them
  const PAGE_FILES = 64;
  const WEIGHTS = [3, 2, 1]; // a word in a title, a name or place, the text
  const SHOWN = 20; // results written
  const MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  const WORD = /[\p{L}\p{N}]+/gu;

  // The words of a text as the index keeps them: as builder/render/search_index.py's terms().
  function terms(text) {
    let t = text.toLowerCase();
    if (/[^\x00-\x7f]/.test(t)) t = t.normalize("NFKD").replace(MARKS, "");
    return t.match(WORD) || [];
  }

  // The file holding a word: FNV-1a (32 bits) of its first two characters' code points.
  function termFile(term) {
    let h = 0x811c9dc5;
    for (const ch of [...term].slice(0, 2)) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
    return h % TERM_FILES;
  }

  const hex = (n) => n.toString(16).padStart(2, "0");
  window.__summitrySearch = { terms, termFile }; // also what the browser tests compare with Python's
  if (!document.querySelector("[data-summitry-search]")) return; // Zensical: its own search

  const files = new Map(); // name -> the promise of its JSON
  function load(name) {
    if (!files.has(name)) {
      const coming = fetch(new URL(`searchindex/${name}.json`, base)).then((r) => {
        if (!r.ok) throw new Error(`${name}: ${r.status}`);
        return r.json();
      });
      coming.catch(() => files.delete(name)); // offline for a moment: the next keystroke tries again
      files.set(name, coming);
    }
    return files.get(name);
  }

  let asked = ""; // the last query, so that a late answer to an older one is dropped

  const box = () => document.querySelector("[data-summitry-search]");
  const input = () => document.querySelector("[data-summitry-search-input]");
  const toggle = () => document.getElementById("__search");
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

  function item(url, title, description) {
    const li = document.createElement("li");
    li.className = "md-search-result__item";
    const a = document.createElement("a");
    a.className = "md-search-result__link";
    a.tabIndex = -1;
    a.href = new URL(url, base).href;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const heading = document.createElement("h1");
    heading.textContent = title;
    article.append(heading);
    if (description) {
      const text = document.createElement("p");
      text.textContent = description;
      article.append(text);
    }
    a.append(article);
    li.append(a);
    return li;
  }

  // The pages of a word, with their weights: the word itself, or (for a word still being
  // typed, or one not in the index as typed) every word it begins.
  function pages(file, word, begins) {
    const found = new Map();
    const add = (lists) =>
      lists.forEach((ids, w) => {
        let id = 0;
        for (const step of ids) {
          id += step;
          found.set(id, Math.max(found.get(id) || 0, WEIGHTS[w]));
        }
      });
    if (file.t[word]) add(file.t[word]);
    if (begins || !found.size) {
      for (const [term, lists] of Object.entries(file.t)) if (term !== word && term.startsWith(word)) add(lists);
    }
    return found;
  }

  // The pages that have every word, best first: by the sum of their words' weights, then in
  // the order of their addresses.
  async function ranked(query) {
    const words = terms(query);
    const typing = !/\s$/.test(query); // its last word may be unfinished
    const usable = words.map((w, i) => [w, typing && i === words.length - 1]).filter(([w]) => [...w].length > 1);
    if (!usable.length) return null;
    const loaded = await Promise.all(usable.map(([w]) => load(`t${hex(termFile(w))}`)));
    let scores = null;
    usable.forEach(([w, begins], i) => {
      const found = pages(loaded[i], w, begins);
      if (scores === null) scores = found;
      else for (const [id, weight] of scores) found.has(id) ? scores.set(id, weight + found.get(id)) : scores.delete(id);
    });
    const known = new Map();
    for (const file of loaded) for (const row of file.p) known.set(row[0], row);
    return { order: [...scores].sort((x, y) => y[1] - x[1] || x[0] - y[0]).map(([id]) => id), known };
  }

  async function search(query) {
    asked = query;
    const list = document.querySelector("[data-summitry-search-results]");
    if (!query) {
      list.replaceChildren();
      say(document.querySelector("[data-summitry-search-meta]").dataset.placeholder || "");
      return;
    }
    const answer = await ranked(query);
    if (answer === null || query !== asked) return; // a word of one letter narrows nothing; or a newer search is under way
    const first = answer.order.slice(0, SHOWN);
    // A page whose title the words' files do not hold is in its page file (rarely: a result
    // of several common words)
    const missing = [...new Set(first.filter((id) => !answer.known.has(id)).map((id) => id % PAGE_FILES))];
    for (const file of await Promise.all(missing.map((n) => load(`p${hex(n)}`)))) {
      for (const row of file.p) answer.known.set(row[0], row);
    }
    if (query !== asked) return;
    say(counted(answer.order.length));
    list.replaceChildren(...first.map((id) => item(...answer.known.get(id).slice(1))));
    list.dataset.query = query; // what the results shown answer (bench/search.py waits for it)
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

  document.addEventListener("input", (event) => {
    if (event.target.matches("[data-summitry-search-input]")) {
      search(event.target.value.trim()).catch(() => say("Search is not available offline."));
    }
  });
  document.addEventListener("change", (event) => {
    if (event.target === toggle() && event.target.checked) {
      const field = input();
      if (field) field.focus();
    }
  });
  document.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-summitry-search-input]")) {
      shown(true);
    }
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
