/* arxdaily: typeset math with the vendored KaTeX and arm the language switcher.
   Loaded as a static file (the CSP forbids inline scripts). */
(function () {
  "use strict";

  /* public/tex.py has decided on the server where the formulas are: each is a span.math
     holding its TeX source as text. Nothing else on the page is ever read as math. */
  function typesetMath() {
    if (typeof window.katex === "undefined") {
      return;
    }
    document.querySelectorAll("span.math").forEach(function (element) {
      window.katex.render(element.textContent, element, {
        displayMode: element.classList.contains("display"),
        // Text comes from arXiv, the LLM and editors: no \href, \url or HTML extensions, ever.
        trust: false,
        strict: "ignore",
        throwOnError: false,
        errorColor: "inherit"
      });
    });
  }

  /* Pages are cached whole and shared by all readers, so they cannot carry a per-reader CSRF
     token. The language form uses Django's double-submit check instead: the token in the
     form must equal the secret in the reader's csrftoken cookie. A reader without one gets a
     fresh random secret here (other sites can neither read nor set our cookies). */
  var CSRF_COOKIE = "csrftoken";
  var CSRF_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  function csrfSecret() {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + CSRF_COOKIE + "=([^;]+)"));
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var bytes = new Uint8Array(32);
    window.crypto.getRandomValues(bytes);
    var secret = Array.prototype.map.call(bytes, function (b) {
      return CSRF_CHARS[b % CSRF_CHARS.length];
    }).join("");
    document.cookie = CSRF_COOKIE + "=" + secret + "; path=/; max-age=31449600; SameSite=Lax" +
      (window.location.protocol === "https:" ? "; Secure" : "");
    return secret;
  }

  function armLanguageSwitch() {
    var inputs = document.querySelectorAll("input[data-csrf-from-cookie]");
    if (inputs.length === 0) {
      return;
    }
    var secret = csrfSecret();
    inputs.forEach(function (input) {
      input.value = secret;
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
