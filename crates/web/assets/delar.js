// delar – the web application's only script (embedded in the binary, served as /delar.js).
// Every page works without it; it adds two things:
//  1. In-place saving on the forecast sheet: a line's form is posted with fetch to the same
//     route a plain form uses (same-origin, so the CSRF check and the SameSite cookie hold;
//     the line's version goes along), and the row and the node's total are replaced by the
//     server's new rendering of them, so the totals and deviations are the server's own.
//     A refused save (bad input, a stale version naming the other person) shows its Swedish
//     message next to the fields; a session that ended keeps the input and asks the person to
//     log in again (in a new tab) and save once more.
//  2. The session warning: a countdown in the last minutes before the sliding session ends,
//     with a button that keeps the person signed in.
(function () {
  "use strict";

  function announce(text) {
    var live = document.getElementById("meddelanden");
    if (!live) return;
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = text;
    }, 60);
  }

  // ---- The session warning ------------------------------------------------------------

  var session = {
    box: null,
    endsAt: 0,
    warnAt: 0,
    timer: 0,
    checking: false,
    expired: false,
  };

  function mmss(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  // The server said how many seconds are left (a page, a save, the button).
  function sessionLeft(seconds) {
    var warn = Number(session.box && session.box.getAttribute("data-varna")) || 300;
    session.endsAt = Date.now() + seconds * 1000;
    session.warnAt = session.endsAt - warn * 1000;
    session.expired = false;
    var box = document.getElementById("sessionsvarning");
    if (box && !box.hidden) {
      box.hidden = true;
    }
  }

  function showWarning(expired) {
    var box = document.getElementById("sessionsvarning");
    var text = document.getElementById("sessionsvarning-text");
    var button = document.getElementById("sessionsvarning-knapp");
    var login = document.getElementById("sessionsvarning-logga-in");
    if (!box || !text) return;
    if (expired) {
      text.textContent =
        "Din session har gått ut. Det du har skrivit på sidan finns kvar: logga in igen i en ny " +
        "flik och spara sedan här.";
      if (button) button.hidden = true;
      if (login) login.hidden = false;
    } else {
      var left = (session.endsAt - Date.now()) / 1000;
      text.textContent =
        "Din session går ut om " +
        mmss(left) +
        " minuter om du inte gör något. Osparade ändringar går då inte att spara förrän du " +
        "loggat in igen.";
      if (button) button.hidden = false;
      if (login) login.hidden = true;
    }
    if (box.hidden) {
      box.hidden = false;
    }
  }

  function tick() {
    var now = Date.now();
    if (now < session.warnAt) return;
    if (session.checking) return;
    var box = document.getElementById("sessionsvarning");
    if (box && box.hidden && !session.expired) {
      // Another tab may have used the session: ask before warning (the question does not
      // extend it).
      session.checking = true;
      fetch("/sessionen", { credentials: "same-origin", cache: "no-store" })
        .then(function (r) {
          return r.ok ? r.text() : "0";
        })
        .then(function (t) {
          session.checking = false;
          var left = Number(t) || 0;
          var warn = Number(session.box.getAttribute("data-varna")) || 300;
          if (left > warn + 5) {
            sessionLeft(left);
            return;
          }
          session.endsAt = Date.now() + left * 1000;
          session.expired = left <= 0;
          showWarning(session.expired);
        })
        .catch(function () {
          session.checking = false;
          showWarning(now >= session.endsAt);
        });
      return;
    }
    if (!session.expired && now >= session.endsAt) {
      session.expired = true;
      showWarning(true);
    } else if (!session.expired) {
      showWarning(false);
    }
  }

  function stayIn() {
    fetch("/sessionen", { method: "POST", credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        return r.text().then(function (t) {
          return { ok: r.ok, text: t };
        });
      })
      .then(function (r) {
        if (r.ok) {
          sessionLeft(Number(r.text) || 0);
          announce("Du är fortfarande inloggad.");
        } else {
          session.expired = true;
          showWarning(true);
        }
      })
      .catch(function () {
        announce("Kunde inte nå servern; försök igen om en stund.");
      });
  }

  function setupSession() {
    session.box = document.getElementById("inloggad");
    if (!session.box) return;
    sessionLeft(Number(session.box.getAttribute("data-kvar")) || 0);
    var button = document.getElementById("sessionsvarning-knapp");
    if (button) button.addEventListener("click", stayIn);
    var login = document.getElementById("sessionsvarning-logga-in");
    if (login) login.setAttribute("href", "/logga-in?nasta=" + encodeURIComponent("/"));
    session.timer = window.setInterval(tick, 1000);
  }

  // ---- In-place saving on the sheet ---------------------------------------------------

  function values(form) {
    return {
      belopp: form.elements.belopp.value.trim(),
      metod: form.elements.metod.value,
      kommentar: form.elements.kommentar.value.trim(),
    };
  }

  function same(a, b) {
    return a.belopp === b.belopp && a.metod === b.metod && a.kommentar === b.kommentar;
  }

  function rowOf(form) {
    return form.closest("tr");
  }

  function showRowError(form, text, field) {
    var idx = form.getAttribute("data-rad");
    var p = document.getElementById("fel-" + idx);
    var ok = document.getElementById("klart-" + idx);
    if (ok) ok.hidden = true;
    ["belopp", "metod", "kommentar"].forEach(function (name) {
      var el = form.elements[name];
      if (name === field) {
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("aria-describedby", "fel-" + idx);
      } else {
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
      }
    });
    if (p) {
      p.textContent = text;
      p.hidden = false;
    }
    announce(text);
  }

  // Swap the row (and the total) for the server's rendering of them, keeping focus on the
  // same control; fields typed into while the save was under way are left as they are.
  function swap(form, doc, sent) {
    var row = rowOf(form);
    if (!row) return null;
    var fresh = doc.getElementById(row.id);
    if (!fresh) return null;
    var focused = document.activeElement && row.contains(document.activeElement)
      ? document.activeElement.id
      : "";
    var typedSince = sent && !same(values(form), sent);
    if (typedSince) {
      // Only the version and the figures: the person is still typing in this row.
      var cells = row.children;
      var freshCells = fresh.children;
      for (var i = 0; i < cells.length - 1 && i < freshCells.length; i++) {
        cells[i].replaceWith(document.importNode(freshCells[i], true));
      }
      var v = fresh.querySelector("input[name=version]");
      if (v) form.elements.version.value = v.value;
    } else {
      var imported = document.importNode(fresh, true);
      row.replaceWith(imported);
      bindRow(imported);
      row = imported;
    }
    var total = document.getElementById("summa");
    var freshTotal = doc.getElementById("summa");
    if (total && freshTotal) total.replaceWith(document.importNode(freshTotal, true));
    var status = document.querySelector(".arbetsflode");
    var freshStatus = doc.querySelector(".arbetsflode");
    if (status && freshStatus) status.replaceWith(document.importNode(freshStatus, true));
    var who = doc.getElementById("inloggad");
    if (who) sessionLeft(Number(who.getAttribute("data-kvar")) || 0);
    if (focused) {
      var el = document.getElementById(focused);
      if (el) el.focus();
    }
    return row;
  }

  function save(form, explicit) {
    if (form.dataset.sparar === "1") {
      form.dataset.igen = "1";
      return;
    }
    var sent = values(form);
    var idx = form.getAttribute("data-rad");
    // The line as the row shows it (the kontogrupp's name), the code only without one.
    var tr = form.closest("tr");
    var th = tr ? tr.querySelector("th[scope=row]") : null;
    var group = th && th.textContent.trim() ? th.textContent.trim() : form.elements.grupp.value;
    form.dataset.sparar = "1";
    form.setAttribute("aria-busy", "true");
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (r) {
        return r.text().then(function (t) {
          return { status: r.status, ok: r.ok, html: t };
        });
      })
      .then(function (r) {
        form.dataset.sparar = "";
        form.removeAttribute("aria-busy");
        if (r.status === 401) {
          session.expired = true;
          showWarning(true);
          showRowError(
            form,
            "Din session har gått ut, så raden " +
              group +
              " sparades inte. Det du skrev finns kvar: logga in igen i en ny flik (länken " +
              "överst på sidan) och tryck sedan Spara här.",
            ""
          );
          return;
        }
        var doc = new DOMParser().parseFromString(r.html, "text/html");
        if (r.ok) {
          var row = swap(form, doc, sent);
          var ok = document.getElementById("klart-" + idx);
          var msg = "Raden " + group + " är sparad. Summan är uppdaterad.";
          if (ok) {
            ok.textContent = "Sparad.";
            ok.hidden = false;
          }
          announce(msg);
          // Typed into while the save was under way (the row kept its fields): save what
          // is there now, with the version the server just gave.
          if (form.dataset.igen === "1" && row && row.contains(form)) {
            form.dataset.igen = "";
            if (!same(values(form), sent)) save(form, false);
          }
          return;
        }
        if (r.status === 409 || r.status === 422) {
          // The sheet again, with the message in the row, the stored value and who saved it,
          // and what was typed.
          var row2 = swap(form, doc, null);
          var f2 = row2 ? row2.querySelector("form.rad") : form;
          var p = document.getElementById("fel-" + idx);
          var text = p ? p.textContent : "";
          if (!text) {
            var top = doc.querySelector("main .fel");
            text = top ? top.textContent : "Raden " + group + " sparades inte.";
          }
          var invalid = f2.querySelector("[aria-invalid=true]");
          announce(text);
          (invalid || f2.elements.belopp).focus();
          return;
        }
        var fel = doc.querySelector("main .fel");
        showRowError(
          form,
          fel ? fel.textContent : "Raden " + group + " sparades inte (svar " + r.status + ").",
          ""
        );
      })
      .catch(function () {
        form.dataset.sparar = "";
        form.removeAttribute("aria-busy");
        showRowError(
          form,
          "Kunde inte nå servern, så raden " +
            group +
            " sparades inte. Det du skrev finns kvar; försök igen om en stund.",
          ""
        );
      });
    void explicit;
  }

  // A change saves the line at once, unless an own amount or another method still waits
  // for its comment: then the comment field says so and the save waits for it.
  function changed(form, target) {
    var v = values(form);
    var needsComment = v.belopp !== "" || (v.metod !== "" && v.metod !== form.dataset.metod);
    if (needsComment && v.kommentar === "") {
      if (target !== form.elements.kommentar) {
        var idx = form.getAttribute("data-rad");
        var p = document.getElementById("fel-" + idx);
        if (p) {
          p.textContent =
            "Skriv en kommentar som förklarar ändringen; raden sparas när kommentaren finns.";
          p.hidden = false;
          announce(p.textContent);
        }
      }
      return;
    }
    save(form, false);
  }

  function bindRow(row) {
    var form = row.querySelector("form.rad");
    if (!form) return;
    form.dataset.metod = form.elements.metod.value;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      save(form, true);
    });
    form.addEventListener("change", function (ev) {
      changed(form, ev.target);
    });
    form.elements.kommentar.addEventListener("keydown", function (ev) {
      // Ctrl+Enter (Cmd+Enter) in the comment saves, as Enter does in the amount field.
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        save(form, true);
      }
    });
  }

  function setupSheet() {
    var forms = document.querySelectorAll("form.rad");
    for (var i = 0; i < forms.length; i++) {
      var row = rowOf(forms[i]);
      if (row) bindRow(row);
    }
    if (forms.length > 0) {
      var help = document.getElementById("snabbsparning");
      if (help) help.hidden = false;
    }
  }

  function start() {
    setupSession();
    setupSheet();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
