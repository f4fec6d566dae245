/* Factcards attempt page: live timer, autosave and auto-submit at the deadline.
 * The page works without this file: forms post and redirect, and the server enforces the
 * deadline. Plain JavaScript, no dependencies. */
(function () {
  "use strict";

  var form = document.getElementById("answer-form");
  if (!form) return;

  // After "Check" the page opens at #feedback: move focus there so the verdict is read first.
  var feedback = document.getElementById("feedback");
  if (feedback && window.location.hash === "#feedback") feedback.focus();
  var statusEl = document.getElementById("save-status");
  var finishForm = document.getElementById("finish-form");
  var pending = null; // the save in flight, so auto-submit can wait for it
  var dirty = false;
  var debounce = null;

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(text) {
    if (statusEl) statusEl.textContent = text;
  }

  function updateMap(data) {
    var item = document.getElementById("map-" + data.slot);
    if (!item) return;
    item.classList.toggle("is-answered", !!data.answered);
    item.classList.toggle("is-flagged", !!data.flagged);
    item.setAttribute(
      "aria-label",
      "Question " + data.slot + (data.answered ? ", answered" : ", not answered") + (data.flagged ? ", flagged" : "")
    );
  }

  function save() {
    dirty = false;
    var body = new FormData(form);
    say("Saving…");
    pending = fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (response.ok && data.saved) {
            updateMap(data);
            say("Saved.");
          } else if (data.redirect) {
            window.location.assign(data.redirect);
          } else {
            say(data.message || "Not saved.");
          }
        });
      })
      .catch(function () {
        say("Not saved: the connection failed. Your answer will be sent when you move on.");
        dirty = true;
      })
      .then(function () {
        pending = null;
      });
    return pending;
  }

  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (name === "answer" || name === "flagged" || name.indexOf("match-") === 0 || name.indexOf("place-") === 0) {
      clearTimeout(debounce);
      save();
    }
  });
  form.addEventListener("input", function (event) {
    if (event.target.type === "text") {
      dirty = true;
      clearTimeout(debounce);
      debounce = setTimeout(save, 800);
    }
  });

  // --- ordering: Move up / Move down buttons in place of the number inputs ------------------
  // Keyboard first: each item gets two real buttons; the moved item keeps the focus (on the
  // same button) and a polite live region says where it went. The number inputs stay in the
  // form, hidden, and are renumbered on every move, so what is posted is what works without JS.
  Array.prototype.forEach.call(form.querySelectorAll("[data-ordering]"), function (fieldset) {
    if (fieldset.disabled) return;
    var list = fieldset.querySelector(".order-list");
    var live = fieldset.querySelector("#order-live");
    var hint = fieldset.querySelector("#order-hint");
    if (hint && hint.getAttribute("data-js-hint")) hint.textContent = hint.getAttribute("data-js-hint");

    function items() {
      return Array.prototype.slice.call(list.querySelectorAll(".order-item"));
    }
    function textOf(li) {
      return li.querySelector(".order-text").textContent.trim();
    }
    function announce(text) {
      if (!live) return;
      live.textContent = "";
      setTimeout(function () { live.textContent = text; }, 50);
    }
    function refresh() {
      var all = items();
      all.forEach(function (li, index) {
        // aria-disabled, not disabled: a disabled button would drop the focus at the ends.
        li.querySelector("[data-move='-1']").setAttribute("aria-disabled", index === 0 ? "true" : "false");
        li.querySelector("[data-move='1']").setAttribute("aria-disabled", index === all.length - 1 ? "true" : "false");
      });
    }
    function move(li, delta, button) {
      var all = items();
      var from = all.indexOf(li);
      var to = from + delta;
      if (to < 0 || to >= all.length) {
        announce(textOf(li) + " is already " + (delta < 0 ? "first." : "last."));
        return;
      }
      list.insertBefore(li, delta < 0 ? all[to] : all[to].nextSibling);
      items().forEach(function (item, index) {
        item.querySelector(".order-place").value = index + 1;
        item.classList.toggle("is-moved", item === li);
      });
      refresh();
      button.focus();
      announce(textOf(li) + " moved to position " + (to + 1) + " of " + all.length + ".");
      li.querySelector(".order-place").dispatchEvent(new Event("change", { bubbles: true }));
    }

    items().forEach(function (li) {
      var row = li.querySelector(".order-row");
      var label = row.querySelector("label");
      var text = document.createElement("span");
      text.className = "order-text";
      text.textContent = label.textContent;
      row.replaceChild(text, label);
      row.querySelector(".order-place").hidden = true;
      var moves = document.createElement("span");
      moves.className = "order-moves";
      [[-1, "Move up"], [1, "Move down"]].forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = spec[1];
        button.setAttribute("data-move", String(spec[0]));
        button.setAttribute("aria-label", spec[1] + ": " + text.textContent.trim());
        button.addEventListener("click", function () { move(li, spec[0], button); });
        moves.appendChild(button);
      });
      row.appendChild(moves);
    });
    refresh();
  });

  // --- timer --------------------------------------------------------------------------------
  var timer = document.getElementById("timer");
  var alertEl = document.getElementById("timer-alert");
  if (!timer || !finishForm) return;
  var endsAt = Date.now() + parseInt(timer.getAttribute("data-remaining"), 10) * 1000;
  var warned = {};
  var submitted = false;

  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function submitAtDeadline() {
    if (submitted) return;
    submitted = true;
    say("Time is up: submitting your attempt…");
    clearTimeout(debounce);
    var last = dirty ? save() : pending;
    Promise.resolve(last).then(function () {
      finishForm.submit();
    });
  }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    timer.textContent = format(left);
    [300, 60].forEach(function (mark) {
      if (left <= mark && left > 0 && !warned[mark] && alertEl) {
        warned[mark] = true;
        alertEl.textContent = (mark === 60 ? "One minute" : "Five minutes") + " left.";
      }
    });
    timer.parentElement.classList.toggle("is-low", left <= 60);
    if (left <= 0) {
      submitAtDeadline();
    } else {
      setTimeout(tick, 250);
    }
  }
  // Warnings already passed at load are not announced again.
  var initial = parseInt(timer.getAttribute("data-remaining"), 10);
  if (initial <= 300) warned[300] = true;
  if (initial <= 60) warned[60] = true;
  tick();
})();
