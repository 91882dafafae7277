// Material's search panel is a dialog without an accessible name; give it one.
// Nothing on the site depends on this script: pages work with JavaScript off.
for (const dialog of document.querySelectorAll(".md-search[role=dialog]:not([aria-label])")) {
  dialog.setAttribute("aria-label", "Search");
}
