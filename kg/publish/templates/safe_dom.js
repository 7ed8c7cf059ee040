  // Shared by collaboration.html and explorer.html: text from documents reaches the page
  // only as textContent of nodes made here, never as HTML.
  var ROLE = { lead: "牵头", coowner: "责任" };
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
