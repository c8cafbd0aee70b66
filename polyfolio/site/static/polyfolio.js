// polyfolio: open portfolio items in a <dialog> on the home page, with a shareable #page_id.
// Without this script every card is a plain link to the item's own page.
(function () {
  "use strict";

  var dialog = document.getElementById("item-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var content = dialog.querySelector(".dialog-content");
  var closeButton = dialog.querySelector(".dialog-close");
  var switcherLinks = Array.prototype.slice.call(
    document.querySelectorAll(".lang-switcher a, .dialog-languages a")
  );
  var current = null; // { pageId, card }
  var request = 0; // ignores answers to superseded requests

  function cardFor(pageId) {
    var card = document.getElementById("card-" + pageId);
    return card && card.classList.contains("portfolio-card") ? card : null;
  }

  function hashPageId() {
    if (location.hash.length < 2) return null;
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (e) {
      return null;
    }
  }

  function pageUrl(card) {
    var url = new URL(card.href, location.href);
    url.hash = "";
    return url.href;
  }

  // The item page's <article>, made fit for the dialog: no link back to this very page, the
  // title as the dialog's h2 label, and a permalink to the page itself.
  function forDialog(article, url) {
    var back = article.querySelector(".back-link");
    if (back) back.remove();
    var title = article.querySelector("h1.item-title");
    if (title) {
      var heading = document.createElement("h2");
      Array.prototype.forEach.call(title.attributes, function (attribute) {
        heading.setAttribute(attribute.name, attribute.value);
      });
      heading.id = "item-dialog-title";
      while (title.firstChild) heading.appendChild(title.firstChild);
      title.replaceWith(heading);
    }
    var label = dialog.dataset.permalinkLabel;
    if (label) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = label;
      var permalink = document.createElement("p");
      permalink.className = "item-permalink";
      permalink.append(link);
      article.append(permalink);
    }
    return article;
  }

  function pointSwitcherAt(pageId) {
    switcherLinks.forEach(function (link) {
      if (!link.dataset.home) link.dataset.home = link.getAttribute("href");
      link.setAttribute(
        "href",
        pageId === null ? link.dataset.home : link.dataset.home + "#" + encodeURIComponent(pageId)
      );
    });
  }

  function open(pageId, pushHistory) {
    var card = cardFor(pageId);
    if (!card) return;
    var ticket = ++request;
    var url = pageUrl(card);
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (ticket !== request) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var article = doc.querySelector("article");
        if (!article) throw new Error("no article in the item page");
        content.replaceChildren(forDialog(document.importNode(article, true), url));
        current = { pageId: pageId, card: card };
        if (pushHistory) history.pushState({ pageId: pageId }, "", "#" + encodeURIComponent(pageId));
        pointSwitcherAt(pageId);
        if (!dialog.open) dialog.showModal();
        closeButton.focus();
      })
      .catch(function () {
        // The item's own page always works.
        if (ticket === request) location.href = card.href;
      });
  }

  function forget(fromHistory) {
    var closing = current;
    current = null;
    content.replaceChildren();
    pointSwitcherAt(null);
    if (!fromHistory && hashPageId() !== null) {
      history.replaceState(null, "", location.pathname + location.search);
    }
    if (closing) closing.card.focus();
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var card = event.target.closest && event.target.closest("a.portfolio-card");
    if (!card || !card.dataset.pageId) return;
    event.preventDefault();
    open(card.dataset.pageId, true);
  });

  closeButton.addEventListener("click", function () {
    dialog.close();
  });

  // Esc and the close button both end in "close"; history moves close without touching history.
  var closingFromHistory = false;
  dialog.addEventListener("close", function () {
    forget(closingFromHistory);
    closingFromHistory = false;
  });

  // A click on the backdrop (outside the dialog's box) closes it too.
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog) dialog.close();
  });

  window.addEventListener("popstate", function () {
    var pageId = hashPageId();
    if (pageId !== null && cardFor(pageId)) {
      if (!current || current.pageId !== pageId) open(pageId, false);
    } else if (dialog.open) {
      closingFromHistory = true;
      dialog.close();
    }
  });

  var initial = hashPageId();
  if (initial !== null && cardFor(initial)) open(initial, false);
})();
