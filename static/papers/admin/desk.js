/* The triage desk's keys and background saves. Without this file every card is a plain form
   that posts and reloads the desk; with it the same form is posted in the background and
   the card the server answers with replaces the old one. Loaded as a static file (CSP). */
(function () {
  "use strict";

  var desk = document.querySelector("[data-desk]");
  if (!desk) {
    return;
  }
  var help = document.getElementById("desk-help");
  var current = null;
  // One request at a time, in the order the editor decided: quick keys never race each other.
  var queue = Promise.resolve();

  function cards() {
    return Array.prototype.slice.call(desk.querySelectorAll(".desk-card"));
  }

  function select(card) {
    if (!card) {
      return;
    }
    if (current) {
      current.classList.remove("is-current");
    }
    current = card;
    card.classList.add("is-current");
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = cards();
    var index = all.indexOf(current);
    select(all[Math.min(Math.max(index + step, 0), all.length - 1)] || all[0]);
  }

  function recount() {
    var all = cards();
    var decided = all.filter(function (card) {
      return card.dataset.state !== "suggested";
    }).length;
    var accepted = all.some(function (card) {
      return card.dataset.state === "accepted";
    });
    desk.querySelectorAll("[data-desk-decided]").forEach(function (element) {
      element.textContent = decided;
    });
    desk.querySelectorAll("[data-desk-needs-accepted]").forEach(function (button) {
      button.disabled = !accepted;
    });
  }

  function post(form, submitter) {
    var card = form.closest(".desk-card");
    var data = new FormData(form, submitter);
    card.setAttribute("aria-busy", "true");
    queue = queue.then(function () {
      return send(form.action, data, card);
    });
  }

  function send(url, data, card) {
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Desk-Fragment": "1" }
    }).then(function (response) {
      return response.text().then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        var fresh = template.content.firstElementChild;
        if (!fresh || !fresh.classList.contains("desk-card")) {
          throw new Error("desk: unexpected answer " + response.status);
        }
        var wasCurrent = card === current;
        card.replaceWith(fresh);
        if (wasCurrent) {
          current = fresh;
          fresh.classList.add("is-current");
          fresh.focus({ preventScroll: true });
        }
        recount();
      });
    }).catch(function (error) {
      card.removeAttribute("aria-busy");
      window.alert(error.message);
    });
  }

  desk.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("desk-card-form")) {
      return;
    }
    event.preventDefault();
    var decision = event.submitter && event.submitter.value;
    post(form, event.submitter);
    if (decision === "accept" || decision === "reject") {
      select(form.closest(".desk-card"));
      move(1);
    }
  });

  desk.addEventListener("click", function (event) {
    var card = event.target.closest(".desk-card");
    if (card && card !== current) {
      if (current) {
        current.classList.remove("is-current");
      }
      current = card;
      card.classList.add("is-current");
    }
  });

  function press(key) {
    var button = current && current.querySelector("[data-desk-key='" + key + "']");
    if (button) {
      button.form.requestSubmit(button);
    }
  }

  function edit() {
    if (!current) {
      return;
    }
    var details = current.querySelector(".desk-edit");
    details.open = true;
    var field = details.querySelector("input[type='text'], textarea");
    field.focus();
    field.select();
  }

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
      return;
    }
    if (typing(event.target)) {
      if (event.key === "Escape" && current && current.contains(event.target)) {
        current.querySelector(".desk-edit").open = false;
        current.focus();
      }
      return;
    }
    if (help.open && event.key !== "?") {
      return;
    }
    var actions = {
      j: function () { move(1); },
      k: function () { move(-1); },
      a: function () { press("a"); },
      r: function () { press("r"); },
      e: edit,
      "?": function () { help.open ? help.close() : help.showModal(); }
    };
    if (Object.prototype.hasOwnProperty.call(actions, event.key)) {
      event.preventDefault();
      if (!current && event.key !== "?") {
        select(cards()[0]);
        if (event.key === "j" || event.key === "k") {
          return;
        }
      }
      actions[event.key]();
    }
  });

  desk.querySelector("[data-desk-help]").hidden = false;
  desk.querySelector("[data-desk-help]").addEventListener("click", function () {
    help.showModal();
  });
  help.querySelector("[data-desk-help-close]").addEventListener("click", function () {
    help.close();
  });
  var target = window.location.hash && document.querySelector(window.location.hash);
  select(target && target.classList.contains("desk-card") ? target : cards()[0]);
}());
