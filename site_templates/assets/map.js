// The alignment map's filters and folding. Without this script every goal is shown
// and subtrees fold with their <details>; with it, goals can be filtered by team,
// owner and status (kept in the address, so a filtered map can be shared). A goal
// that does not match stays visible, dimmed, when a goal below it matches, so the
// path up to the company goal is never lost.
(function () {
  "use strict";
  var form = document.getElementById("map-filters");
  if (!form) { return; }
  var nodes = Array.prototype.slice.call(document.querySelectorAll(".tree li.node"));
  var refs = document.querySelectorAll(".tree li.ref");
  var shown = document.getElementById("map-shown");
  var keys = ["team", "owner", "status"];
  var params = new URLSearchParams(window.location.search);
  keys.forEach(function (key) {
    var select = form.elements[key];
    var wanted = params.get(key);
    if (wanted !== null && Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
      select.value = wanted;
    }
  });

  function apply(remember) {
    var want = {};
    var active = false;
    keys.forEach(function (key) { want[key] = form.elements[key].value; active = active || want[key] !== ""; });
    var matching = 0;
    // Children come after their parent in document order: walk backwards, so a goal knows
    // whether anything below it is visible before it is decided.
    for (var i = nodes.length - 1; i >= 0; i--) {
      var li = nodes[i];
      var match = keys.every(function (key) { return want[key] === "" || li.dataset[key] === want[key]; });
      var below = false;
      var details = li.querySelector(":scope > details");
      if (details) {
        var kids = details.querySelectorAll(":scope > ul > li.node");
        for (var k = 0; k < kids.length; k++) { if (!kids[k].hidden) { below = true; break; } }
        if (active && below) { details.open = true; }
      }
      li.hidden = !(match || below);
      li.classList.toggle("context", active && !match && below);
      if (match) { matching++; }
    }
    for (var r = 0; r < refs.length; r++) { refs[r].hidden = active; }
    shown.textContent = active ? matching + " of " + nodes.length + " goals match" : nodes.length + " goals";
    if (remember) {
      var query = new URLSearchParams();
      keys.forEach(function (key) { if (want[key]) { query.set(key, want[key]); } });
      var search = query.toString();
      window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
    }
  }

  function fold(open) {
    document.querySelectorAll(".tree details").forEach(function (d) { d.open = open; });
  }

  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  document.getElementById("map-unfold").addEventListener("click", function () { fold(true); });
  document.getElementById("map-fold").addEventListener("click", function () { fold(false); });
  form.hidden = false;
  apply(false);
}());
