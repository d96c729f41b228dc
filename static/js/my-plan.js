// My plan: a person's own plan, read from the address after # (browsers never send that part
// to a server) and kept in this phone's storage, never on the server. The format is written
// by portal/plan_link.py:  1!route!step!kind,YYYYMMDD,HHMM,place*...!role,phone*...
// The appointments are read and shown by appointment.js. Everything is shown with
// textContent: nothing from the address becomes HTML.
"use strict";
(function () {
  var SLUG = /^[a-z0-9-]*$/;
  var root = document.getElementById("my-plan");
  var empty = document.getElementById("no-plan");
  var words = document.getElementById("plan-words").dataset;
  var data = JSON.parse(words.plan);

  var shared = WegwijsAppointments;
  var element = shared.element;
  var KEY = shared.PLAN_KEY;

  function parse(fragment) {
    var parts = fragment.split("!");
    if (parts.length !== 5 || parts[0] !== "1" || !SLUG.test(parts[1]) || !parts[2] ||
        !SLUG.test(parts[2])) {
      throw new Error("not a plan link");
    }
    return {
      route: parts[1],
      current: parts[2],
      appointments: (parts[3] ? parts[3].split("*") : []).map(shared.parse),
      contacts: (parts[4] ? parts[4].split("*") : []).map(function (part) {
        var f = part.split(",");
        if (f.length !== 2) { throw new Error("not a contact"); }
        return { role: f[0] ? shared.picked(f[0], data.roles) : null, phone: shared.text(f[1]) };
      })
    };
  }

  function stepItem(step, state) {
    var item = element("li", "my-step my-step-" + state);
    var picture = element("img");
    picture.src = step.pictogram;
    picture.alt = "";
    picture.width = 40;
    picture.height = 40;
    item.appendChild(picture);
    var link = element("a", "", step.title);
    link.href = step.url;
    link.lang = step.lang;
    item.appendChild(link);
    if (state !== "later") {
      item.appendChild(element("span", "my-step-state", state === "now" ? words.now : words.done));
    }
    if (state === "now") { item.setAttribute("aria-current", "step"); }
    return item;
  }

  function show(plan) {
    var today = new Date();
    today.setHours(0, 0, 0, 0);
    var appointments = plan.appointments.slice().sort(function (a, b) {
      return (a.date + a.time).localeCompare(b.date + b.time);
    });
    var coming = appointments.filter(function (a) { return shared.day(a.date) >= today; });
    var next = root.querySelector("[data-next]");
    next.textContent = "";
    next.appendChild(
      coming.length ? shared.item(coming[0], "div") : element("p", "", words.nextNone)
    );
    var list = root.querySelector("[data-appointments]");
    list.textContent = "";
    if (!appointments.length) { list.appendChild(element("li", "", words.none)); }
    appointments.forEach(function (a) { list.appendChild(shared.item(a)); });

    var current = data.steps.filter(function (s) { return s.slug === plan.current; })[0];
    var steps = root.querySelector("[data-steps]");
    steps.textContent = "";
    data.steps.forEach(function (step) {
      var otherRoute = data.routes.indexOf(step.slug) >= 0 && plan.route &&
        step.slug !== plan.route;
      if (otherRoute) { return; }
      var state = "later";
      if (current && step.slug === current.slug) {
        state = "now";
      } else if (current && step.number < current.number) {
        state = "done";
      }
      steps.appendChild(stepItem(step, state));
    });

    var contacts = root.querySelector("[data-contacts]");
    contacts.textContent = "";
    plan.contacts.forEach(function (contact) {
      var item = element("li", "contact");
      if (contact.role) {
        var role = element("span", "contact-role", contact.role.text);
        if (contact.role.dutch) { role.lang = "nl"; role.dir = "ltr"; }
        item.appendChild(role);
        item.appendChild(document.createTextNode(" "));
      }
      if (contact.phone) {
        var call = element("a", "contact-phone");
        call.href = "tel:" + contact.phone.replace(/[^\d+]/g, "");
        call.setAttribute("aria-label", words.call + " " + contact.phone);
        call.appendChild(shared.isolated(contact.phone));
        item.appendChild(call);
      }
      contacts.appendChild(item);
    });
    root.querySelector("[data-contacts-section]").hidden = !plan.contacts.length;
    root.hidden = false;
    empty.hidden = true;
  }

  function showEmpty(message) {
    root.hidden = true;
    empty.hidden = false;
    ["none", "removed", "broken"].forEach(function (name) {
      empty.querySelector("[data-message-" + name + "]").hidden = name !== message;
    });
  }

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (error) { return null; }
  }

  function load() {
    var fragment = window.location.hash.slice(1);
    if (fragment) {
      try {
        show(parse(fragment));
      } catch (error) {
        showEmpty("broken");
        return;
      }
      try { window.localStorage.setItem(KEY, fragment); } catch (error) { /* private mode */ }
      // The address in the bar (and in the phone's history) no longer holds the plan.
      window.history.replaceState(null, "", window.location.pathname);
      return;
    }
    var saved = stored();
    if (!saved) { showEmpty("none"); return; }
    try { show(parse(saved)); } catch (error) { showEmpty("none"); }
  }

  root.querySelector("[data-remove]").addEventListener("click", function () {
    try { window.localStorage.removeItem(KEY); } catch (error) { /* nothing kept */ }
    showEmpty("removed");
  });
  window.addEventListener("hashchange", load);
  load();
})();
