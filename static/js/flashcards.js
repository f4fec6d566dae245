/* Flashcard study without reloads. The page works without this script: "Show answer" is a link
   and each rating is a form POST that redirects to the next card. With it, the same URLs are
   fetched with the X-Factcards-Fragment header and answer with the card's HTML only.
   Keys: Space shows the answer; 1-4 rate Again, Hard, Good, Easy. */
(function () {
  "use strict";

  var HEADER = "X-Factcards-Fragment";
  var shownAt = Date.now();
  var busy = false;

  function container() {
    return document.getElementById("study-card");
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html").getElementById("study-card");
  }

  function replaceCard(fresh) {
    var current = container();
    current.replaceWith(fresh);
    shownAt = Date.now();
    var target = document.getElementById("card-front") || document.getElementById("summary-heading");
    if (target) target.focus();
  }

  function fail(message) {
    var current = container();
    var note = current.querySelector(".js-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "form-errors js-error";
      note.setAttribute("role", "alert");
      current.insertBefore(note, current.firstChild.nextSibling);
    }
    note.textContent = message;
  }

  function reveal(link) {
    if (busy) return;
    busy = true;
    fetch(link.href, { headers: { [HEADER]: "1" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("The answer could not be loaded (" + response.status + ").");
        return response.text();
      })
      .then(function (html) {
        var fresh = parse(html);
        var answer = fresh && fresh.querySelector("#card-answer");
        var actions = fresh && fresh.querySelector("#card-actions");
        if (!answer || !actions) {
          replaceCard(fresh);
          return;
        }
        // Fill the live region in place so screen readers announce the answer.
        document.getElementById("card-answer").innerHTML = answer.innerHTML;
        document.getElementById("card-actions").replaceWith(actions);
        document.querySelector(".flashcard").classList.add("is-revealed");
        var good = actions.querySelector("button[value=good]");
        if (good) good.focus();
      })
      .catch(function (error) { fail(error.message); })
      .finally(function () { busy = false; });
  }

  function rate(form, rating) {
    if (busy) return;
    busy = true;
    var data = new FormData(form);
    data.set("rating", rating);
    data.set("duration_ms", String(Date.now() - shownAt));
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { [HEADER]: "1", "X-CSRFToken": csrfToken(form) },
    })
      .then(function (response) {
        return response.text().then(function (html) {
          var fresh = parse(html);
          if (!fresh) throw new Error("The review could not be saved (" + response.status + ").");
          replaceCard(fresh);
        });
      })
      .catch(function (error) { fail(error.message + " Try again: a retried rating is recorded only once."); })
      .finally(function () { busy = false; });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("#show-answer");
    if (link) {
      event.preventDefault();
      reveal(link);
      return;
    }
    var button = event.target.closest(".rating-form button[name=rating]");
    if (button) {
      event.preventDefault();
      rate(button.form, button.value);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!container() || event.altKey || event.ctrlKey || event.metaKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    var link = document.getElementById("show-answer");
    var space = event.key === " " || event.code === "Space";
    // Space on another focused button (Log out, a rating) keeps its own meaning: pressing it.
    if (space && tag === "button") return;
    if (link && space) {
      event.preventDefault();
      reveal(link);
      return;
    }
    var form = document.querySelector(".rating-form");
    if (form && /^[1-4]$/.test(event.key)) {
      var button = form.querySelector('button[data-key="' + event.key + '"]');
      if (button) {
        event.preventDefault();
        rate(form, button.value);
      }
    }
  });

  document.documentElement.setAttribute("data-flashcards", "ready");
})();
