// My plan: a person's own plan, read from the address after # (browsers never send that part
// to a server) and kept in this phone's storage, never on the server. The format is written
// by portal/plan_link.py:  1!route!step!kind,YYYYMMDD,HHMM,place*...!role,phone*...
// Everything is shown with textContent: nothing from the address becomes HTML.
"use strict";
(function () {
  var KEY = "wegwijs-my-plan";
  var SLUG = /^[a-z0-9-]*$/;
  var root = document.getElementById("my-plan");
  var empty = document.getElementById("no-plan");
  var words = document.getElementById("plan-words").dataset;
  var data = JSON.parse(words.plan);
  var lang = document.documentElement.lang;

  function text(part) {
    return decodeURIComponent(part.replace(/\+/g, " "));
  }

  function picked(part, labels) {
    if (part.charAt(0) === "'") { return { text: text(part.slice(1)), dutch: true }; }
    if (!SLUG.test(part) || !part) { throw new Error("not a choice"); }
    return { text: labels[part] || part, dutch: !labels[part] };
  }

  function parse(fragment) {
    var parts = fragment.split("!");
    if (parts.length !== 5 || parts[0] !== "1" || !SLUG.test(parts[1]) || !parts[2] ||
        !SLUG.test(parts[2])) {
      throw new Error("not a plan link");
    }
    return {
      route: parts[1],
      current: parts[2],
      appointments: (parts[3] ? parts[3].split("*") : []).map(function (part) {
        var f = part.split(",");
        if (f.length !== 4 || !/^\d{8}$/.test(f[1]) || !/^(\d{4})?$/.test(f[2])) {
          throw new Error("not an appointment");
        }
        return { kind: picked(f[0], data.kinds), date: f[1], time: f[2], place: text(f[3]) };
      }),
      contacts: (parts[4] ? parts[4].split("*") : []).map(function (part) {
        var f = part.split(",");
        if (f.length !== 2) { throw new Error("not a contact"); }
        return { role: f[0] ? picked(f[0], data.roles) : null, phone: text(f[1]) };
      })
    };
  }

  function element(name, className, content) {
    var node = document.createElement(name);
    if (className) { node.className = className; }
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  // Dutch words, times and phone numbers are isolated, so they never scramble in Arabic.
  function isolated(content, dutch) {
    var node = element("bdi", "", content);
    node.dir = "ltr";
    if (dutch) { node.lang = "nl"; }
    return node;
  }

  function day(yyyymmdd) {
    return new Date(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8));
  }

  function dateText(yyyymmdd) {
    var numeric = yyyymmdd.slice(6, 8) + "-" + yyyymmdd.slice(4, 6) + "-" + yyyymmdd.slice(0, 4);
    if (!Intl.DateTimeFormat.supportedLocalesOf([lang]).length) { return numeric; }
    return new Intl.DateTimeFormat(lang, {
      weekday: "long", day: "numeric", month: "long", year: "numeric"
    }).format(day(yyyymmdd));
  }

  function timeText(hhmm) {
    return hhmm.slice(0, 2) + ":" + hhmm.slice(2, 4);
  }

  // iCalendar (RFC 5545): text escaped, lines folded at 75 bytes, a reminder the day before.
  function icsText(value) {
    return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,")
      .replace(/\r?\n/g, "\\n");
  }

  function fold(line) {
    var encoder = new TextEncoder();
    var lines = [];
    var current = "";
    var bytes = 0;
    Array.from(line).forEach(function (character) {
      var size = encoder.encode(character).length;
      if (bytes + size > 75) {
        lines.push(current);
        current = " ";
        bytes = 1;
      }
      current += character;
      bytes += size;
    });
    lines.push(current);
    return lines.join("\r\n");
  }

  function calendarFile(appointment) {
    var stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");
    var start = appointment.time
      ? ["DTSTART:" + appointment.date + "T" + appointment.time + "00", "DURATION:PT1H"]
      : ["DTSTART;VALUE=DATE:" + appointment.date, "DURATION:P1D"];
    var lines = [
      "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Wegwijs//Mijn plan//NL", "CALSCALE:GREGORIAN",
      "BEGIN:VEVENT",
      "UID:" + appointment.date + appointment.time + "-" + Math.random().toString(36).slice(2) +
        "@wegwijs",
      "DTSTAMP:" + stamp
    ].concat(start, [
      "SUMMARY:" + icsText(appointment.kind.text),
      "LOCATION:" + icsText(appointment.place),
      "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-P1D",
      "DESCRIPTION:" + icsText(words.reminder),
      "END:VALARM", "END:VEVENT", "END:VCALENDAR"
    ]);
    return lines.map(fold).join("\r\n") + "\r\n";
  }

  function appointmentItem(appointment, tag) {
    var item = element(tag || "li", "appointment");
    var kind = element("p", "appointment-kind", appointment.kind.text);
    if (appointment.kind.dutch) { kind.lang = "nl"; kind.dir = "ltr"; }
    item.appendChild(kind);
    var when = element("p", "appointment-when");
    when.appendChild(document.createTextNode(dateText(appointment.date)));
    if (appointment.time) {
      when.appendChild(document.createTextNode(" · "));
      when.appendChild(isolated(timeText(appointment.time)));
    }
    item.appendChild(when);
    if (appointment.place) {
      var where = element("p", "appointment-place");
      where.appendChild(isolated(appointment.place, true));
      item.appendChild(where);
    }
    var link = element("a", "button button-secondary", words.calendar);
    var file = new Blob([calendarFile(appointment)], { type: "text/calendar" });
    link.href = URL.createObjectURL(file);
    link.download = "afspraak-" + appointment.date + ".ics";
    item.appendChild(link);
    return item;
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
    var coming = appointments.filter(function (a) { return day(a.date) >= today; });
    var next = root.querySelector("[data-next]");
    next.textContent = "";
    next.appendChild(
      coming.length ? appointmentItem(coming[0], "div") : element("p", "", words.nextNone)
    );
    var list = root.querySelector("[data-appointments]");
    list.textContent = "";
    if (!appointments.length) { list.appendChild(element("li", "", words.none)); }
    appointments.forEach(function (a) { list.appendChild(appointmentItem(a)); });

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
        call.appendChild(isolated(contact.phone));
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
