/* arxdaily: the reader's highlights. Keywords and author names kept in this browser
   (localStorage), never sent anywhere; the cards that match them are marked and can be shown
   first. Pages are cached whole and shared by all readers, so everything per reader happens
   here. Every word shown comes from the panel's markup (templates/includes/highlights.html),
   in the page's language. Paper and reader text is only ever set as textContent. */
(function () {
  "use strict";

  var STORAGE_KEY = "arxdaily.highlights.v1";
  var MAX_ITEMS = 50;
  var MAX_CHARS = 100;
  var CARDS = "[data-authors]";
  /* Where a card's keywords are looked for: both titles, summaries and abstracts of a full
     card; the title and summary a digest's brief shows. */
  var TEXT_FIELDS = [
    ".paper-title", ".paper-title-zh", ".summary", ".abstract", ".brief-title", ".brief-summary"
  ].join(", ");
  var WORD_CHAR = /[a-z0-9]/;

  /* Punctuation joining two letters or digits: hyphens, dashes, slashes, dots... */
  var JOINER = /([\p{L}\p{N}])[\p{P}\p{S}]+(?=[\p{L}\p{N}])/gu;

  /* Case, accents, full-width forms and spacing do not count: "Émilie" finds "emilie"; nor
     does punctuation between letters, as in search: "retrieval-augmented" finds "retrieval
     augmented" and the other way round. */
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(JOINER, "$1 ").replace(/\s+/g, " ").trim();
  }

  function folded(term) {
    return { term: term, folded: fold(term) };
  }

  function cleanList(value) {
    var seen = {};
    var items = [];
    (Array.isArray(value) ? value : []).forEach(function (item) {
      if (typeof item !== "string" || items.length >= MAX_ITEMS) {
        return;
      }
      var term = item.replace(/\s+/g, " ").trim().slice(0, MAX_CHARS);
      if (term && !seen[fold(term)]) {
        seen[fold(term)] = true;
        items.push(term);
      }
    });
    return items;
  }

  /* Whatever is stored (another version, another script, a hand edit), the page reads only
     bounded lists of strings out of it. Null: this browser keeps nothing for us. */
  function stateLoad() {
    var raw;
    try {
      raw = window.localStorage.getItem(STORAGE_KEY);
    } catch (error) {
      return null;
    }
    var stored = {};
    try {
      stored = JSON.parse(raw) || {};
    } catch (error) {
      stored = {};
    }
    return {
      keywords: cleanList(stored.keywords),
      authors: cleanList(stored.authors),
      first: stored.first === true
    };
  }

  function stateSave(state) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
      return true;
    } catch (error) {
      return false;
    }
  }

  /* A Latin keyword starts a word ("llm" finds "LLMs", not "hallmark"); others, like Chinese,
     match anywhere. */
  function keywordIn(text, keyword) {
    var at = text.indexOf(keyword);
    if (!WORD_CHAR.test(keyword.charAt(0))) {
      return at >= 0;
    }
    while (at >= 0) {
      if (at === 0 || !WORD_CHAR.test(text.charAt(at - 1))) {
        return true;
      }
      at = text.indexOf(keyword, at + 1);
    }
    return false;
  }

  function Highlights(panel) {
    this.panel = panel;
    this.count = panel.querySelector("[data-highlights-count]");
    this.list = panel.querySelector("[data-highlights-list]");
    this.first = panel.querySelector("[data-highlights-first]");
    this.full = panel.querySelector("[data-highlights-full]");
    this.form = panel.querySelector("[data-highlights-form]");
    this.cards = Array.prototype.map.call(document.querySelectorAll(CARDS), function (card) {
      var text = Array.prototype.map.call(card.querySelectorAll(TEXT_FIELDS), function (field) {
        return field.textContent;
      }).join(" \n ");
      return {
        node: card,
        text: fold(text),
        authors: (card.getAttribute("data-authors") || "").split("\n").map(fold)
      };
    });
    /* Cards are reordered only among their siblings, each list in its first order. */
    this.groups = [];
    this.cards.forEach(function (card) {
      var parent = card.node.parentNode;
      var group = this.groups.filter(function (g) { return g.parent === parent; })[0];
      if (!group) {
        group = { parent: parent, cards: [] };
        this.groups.push(group);
      }
      group.cards.push(card);
    }, this);
  }

  Highlights.prototype.start = function () {
    this.panel.hidden = false;
    this.state = stateLoad();
    if (this.state === null) {
      this.panel.querySelector("[data-highlights-unavailable]").hidden = false;
      this.form.querySelectorAll("input, button").forEach(function (control) {
        control.disabled = true;
      });
      this.first.disabled = true;
      return;
    }
    var self = this;
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var kind = event.submitter && event.submitter.value === "author" ? "authors" : "keywords";
      self.add(kind, self.form.elements.term.value);
    });
    this.first.addEventListener("change", function () {
      self.state.first = self.first.checked;
      self.save();
    });
    /* Another tab changed the list: follow it. */
    window.addEventListener("storage", function (event) {
      if (event.key === STORAGE_KEY) {
        self.state = stateLoad() || self.state;
        self.show();
      }
    });
    this.show();
  };

  Highlights.prototype.add = function (kind, value) {
    var items = this.state.keywords.concat(this.state.authors);
    this.full.hidden = items.length < MAX_ITEMS;
    if (!this.full.hidden) {
      return;
    }
    this.state[kind] = cleanList(this.state[kind].concat([value]));
    this.form.elements.term.value = "";
    this.save();
  };

  Highlights.prototype.remove = function (kind, term) {
    this.state[kind] = this.state[kind].filter(function (item) { return item !== term; });
    this.full.hidden = true;
    this.save();
    this.form.elements.term.focus();
  };

  Highlights.prototype.save = function () {
    if (!stateSave(this.state)) {
      this.panel.querySelector("[data-highlights-unavailable]").hidden = false;
    }
    this.show();
  };

  Highlights.prototype.show = function () {
    this.listShow();
    this.first.checked = this.state.first;
    var matchedLabel = this.panel.getAttribute("data-text-matched");
    var keywords = this.state.keywords.map(folded);
    var authors = this.state.authors.map(folded);
    var matching = 0;
    this.cards.forEach(function (card) {
      var terms = keywords.filter(function (keyword) {
        return keyword.folded && keywordIn(card.text, keyword.folded);
      }).concat(authors.filter(function (author) {
        return author.folded && card.authors.indexOf(author.folded) >= 0;
      })).map(function (term) {
        return term.term;
      });
      card.highlighted = terms.length > 0;
      matching += card.highlighted ? 1 : 0;
      card.node.classList.toggle("is-highlighted", card.highlighted);
      var mark = card.node.querySelector(":scope > .highlight-mark");
      if (!card.highlighted) {
        if (mark) {
          mark.remove();
        }
        return;
      }
      if (!mark) {
        mark = document.createElement("p");
        mark.className = "highlight-mark";
        card.node.insertBefore(mark, card.node.firstChild);
      }
      mark.textContent = "★ " + matchedLabel + " " + terms.join(", ");
    });
    this.count.textContent = String(matching);
    this.order();
  };

  Highlights.prototype.listShow = function () {
    var panel = this.panel;
    var self = this;
    var items = [];
    ["keywords", "authors"].forEach(function (kind) {
      var kindLabel = panel.getAttribute(
        kind === "keywords" ? "data-text-keyword" : "data-text-author"
      );
      self.state[kind].forEach(function (term) {
        var item = document.createElement("li");
        var kindTag = document.createElement("span");
        kindTag.className = "highlight-kind";
        kindTag.textContent = kindLabel;
        var termText = document.createElement("span");
        termText.className = "highlight-term";
        termText.textContent = term;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = panel.getAttribute("data-text-remove");
        remove.setAttribute("aria-label", remove.textContent + " " + kindLabel + " " + term);
        remove.addEventListener("click", function () {
          self.remove(kind, term);
        });
        item.append(kindTag, " ", termText, " ", remove);
        items.push(item);
      });
    });
    this.list.replaceChildren.apply(this.list, items);
  };

  /* Highlighted cards first (each list keeps its order otherwise), or every card back in its
     first place. Cards move within their block: whatever followed the block still follows. */
  Highlights.prototype.order = function () {
    var first = this.state.first;
    this.groups.forEach(function (group) {
      var inPlace = group.parent.querySelectorAll(":scope > " + CARDS);
      var after = inPlace[inPlace.length - 1].nextSibling;
      var wanted = first
        ? group.cards.filter(function (card) { return card.highlighted; })
          .concat(group.cards.filter(function (card) { return !card.highlighted; }))
        : group.cards;
      wanted.forEach(function (card) {
        group.parent.insertBefore(card.node, after);
      });
    });
  };

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.querySelector("[data-highlights]");
    if (panel) {
      new Highlights(panel).start();
    }
  });
})();
