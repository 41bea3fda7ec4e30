/* The book's reader script (claimcheck.build.reader).
 *
 * 1. Sidebar toggles. pydata-sphinx-theme 0.17 and sphinx-book-theme 1.3 bind their handlers to
 *    the first ".primary-toggle" / ".secondary-toggle" in the page, a hidden button in the theme's
 *    own header, so the visible buttons do nothing. A click on any other toggle is passed on to
 *    that first button. Both theme handlers call preventDefault() (and stop the event), so once
 *    the theme binds the visible buttons itself, their clicks arrive here already handled (or not
 *    at all) and are left alone: the fix stays harmless after an upstream fix.
 * 2. Figures open full size on tap: each figure image in the text becomes a link to its file.
 * 3. A wide table says that it scrolls: a line above its scroll box, shown only while the table
 *    is wider than the box (besides the shadow the stylesheet draws at the hidden edge).
 */
(function () {
  "use strict";

  function forwardToggles() {
    ["primary-toggle", "secondary-toggle"].forEach(function (name) {
      var bound = document.querySelector("." + name);
      if (!bound) return;
      document.addEventListener("click", function (event) {
        var button = event.target.closest ? event.target.closest("." + name) : null;
        if (!button || button === bound || event.defaultPrevented) return;
        event.preventDefault();
        bound.click();
      });
    });
  }

  function zoomableFigures() {
    var images = document.querySelectorAll(
      "article.bd-article .cell_output img, article.bd-article figure img");
    Array.prototype.forEach.call(images, function (image) {
      if (image.closest("a")) return;
      var link = document.createElement("a");
      link.href = image.currentSrc || image.src;
      link.className = "figure-zoom";
      link.setAttribute("target", "_blank");
      link.setAttribute("rel", "noopener");
      link.title = "Open the figure full size";
      image.parentNode.insertBefore(link, image);
      link.appendChild(image);
    });
  }

  function scrollHints() {
    var boxes = document.querySelectorAll(".table-scroll");
    Array.prototype.forEach.call(boxes, function (box) {
      var hint = document.createElement("p");
      hint.className = "table-scroll-hint";
      hint.textContent = "Scroll sideways to see every column \u2192";
      box.parentNode.insertBefore(hint, box);  // above the table, where the eye arrives
      function update() { hint.classList.toggle("is-wide", box.scrollWidth > box.clientWidth + 2); }
      update();
      window.addEventListener("resize", update);
    });
  }

  function ready(callback) {
    if (document.readyState !== "loading") callback();
    else document.addEventListener("DOMContentLoaded", callback);
  }

  ready(function () {
    forwardToggles();
    zoomableFigures();
    scrollHints();
  });
})();
