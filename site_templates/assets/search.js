// Offline search over window.GOALSPEC_INDEX: every word typed must appear in an
// entry's title or details (case- and accent-insensitive). No request is made.
(function () {
  "use strict";
  var index = window.GOALSPEC_INDEX || [];
  var fold = function (s) {
    return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  var haystacks = index.map(function (item) { return fold(item.t + " " + item.s + " " + item.k); });
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var root = "";

  function run(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    var hits = [];
    for (var i = 0; i < index.length; i++) {
      var text = haystacks[i];
      if (words.every(function (w) { return text.indexOf(w) !== -1; })) { hits.push(index[i]); }
    }
    status.textContent = hits.length + (hits.length === 1 ? " result" : " results") + " for \u201c" + query + "\u201d";
    hits.slice(0, 200).forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + item.u;
      a.textContent = item.t;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = item.k;
      var details = document.createElement("span");
      details.className = "details";
      details.textContent = item.s;
      li.appendChild(kind);
      li.appendChild(a);
      li.appendChild(details);
      list.appendChild(li);
    });
  }

  var params = new URLSearchParams(window.location.search);
  var initial = params.get("q") || "";
  input.value = initial;
  run(initial);
  input.addEventListener("input", function () { run(input.value); });
})();
