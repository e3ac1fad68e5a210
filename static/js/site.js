/* arxdaily: typeset math with the vendored KaTeX and arm the language switcher.
   Loaded as a static file (the CSP forbids inline scripts). */
(function () {
  "use strict";

  function typesetMath() {
    if (typeof window.renderMathInElement !== "function") {
      return;
    }
    var options = {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "\\[", right: "\\]", display: true },
        { left: "$", right: "$", display: false },
        { left: "\\(", right: "\\)", display: false }
      ],
      // Text comes from arXiv and the LLM: no \href, \url or HTML extensions, ever.
      trust: false,
      strict: "ignore",
      throwOnError: false,
      errorColor: "inherit",
      ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option"]
    };
    document.querySelectorAll(".tex").forEach(function (element) {
      window.renderMathInElement(element, options);
    });
  }

  /* Pages are cached whole and shared by all readers, so the CSRF token the language form
     needs is read from the reader's own cookie instead of being written into the page. */
  function armLanguageSwitch() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (!match) {
      return;
    }
    document.querySelectorAll("input[data-csrf-from-cookie]").forEach(function (input) {
      input.value = decodeURIComponent(match[1]);
    });
  }

  /* Printed pages carry the abstracts even when their <details> was left closed. */
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.abstracts").forEach(function (details) {
      details.open = true;
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    armLanguageSwitch();
    typesetMath();
  });
})();
