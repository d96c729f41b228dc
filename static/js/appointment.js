// Appointments read from the address after # (browsers never send that part to a server),
// written by portal/plan_link.py as  kind,YYYYMMDD,HHMM,place  (HHMM-HHMM when the letter says
// when it ends): shown in the reader's language
// with a button that adds them to the phone's calendar (an .ics file made here, with a
// reminder the day before). My plan (my-plan.js) shows a plan's appointments with it; a step
// or the plan opened from a letter's QR code (#afspraak=...) shows the letter's appointment.
// Everything is shown with textContent: nothing from the address becomes HTML.
"use strict";
var WegwijsAppointments = (function () {
  var SLUG = /^[a-z0-9-]*$/;
  var words = document.getElementById("appointment-words").dataset;
  var kinds = JSON.parse(words.kinds);
  var dates = JSON.parse(words.dates);
  var lang = document.documentElement.lang;

  function text(part) {
    return decodeURIComponent(part.replace(/\+/g, " "));
  }

  // A choice's name (shown as `labels` call it) or, after ', the Dutch words staff typed.
  function picked(part, labels) {
    if (part.charAt(0) === "'") { return { text: text(part.slice(1)), dutch: true }; }
    if (!SLUG.test(part) || !part) { throw new Error("not a choice"); }
    return { text: labels[part] || part, dutch: !labels[part] };
  }

  function parse(part) {
    var f = part.split(",");
    if (f.length !== 4 || !/^\d{8}$/.test(f[1]) || !/^(\d{4}(-\d{4})?)?$/.test(f[2])) {
      throw new Error("not an appointment");
    }
    var times = f[2].split("-");
    return {
      kind: picked(f[0], kinds), date: f[1], time: times[0], end: times[1] || "",
      place: text(f[3])
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

  // Written as the letter writes it (CLDR's full date, names from the page: a browser may
  // know no dates in the language, as Chromium for Tigrinya); else as the browser writes it;
  // else in digits.
  function dateText(yyyymmdd) {
    var date = day(yyyymmdd);
    var values = {
      weekday: (dates.weekdays || [])[date.getDay()], day: String(date.getDate()),
      month: (dates.months || [])[date.getMonth()], year: String(date.getFullYear())
    };
    if (dates.parts) {
      return dates.parts.map(function (part) {
        return typeof part === "string" ? part : values[part.field];
      }).join("");
    }
    if (Intl.DateTimeFormat.supportedLocalesOf([lang]).length) {
      return new Intl.DateTimeFormat(lang, {
        weekday: "long", day: "numeric", month: "long", year: "numeric"
      }).format(date);
    }
    return yyyymmdd.slice(6, 8) + "-" + yyyymmdd.slice(4, 6) + "-" + yyyymmdd.slice(0, 4);
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
    var start = ["DTSTART;VALUE=DATE:" + appointment.date, "DURATION:P1D"];
    if (appointment.time) {
      start = ["DTSTART:" + appointment.date + "T" + appointment.time + "00",
        appointment.end ? "DTEND:" + appointment.date + "T" + appointment.end + "00"
          : "DURATION:PT1H"];
    }
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

  // One appointment: what, when, where, and the button that puts it in the calendar.
  function item(appointment, tag) {
    var node = element(tag || "li", "appointment");
    var kind = element("p", "appointment-kind", appointment.kind.text);
    if (appointment.kind.dutch) { kind.lang = "nl"; kind.dir = "ltr"; }
    node.appendChild(kind);
    var when = element("p", "appointment-when");
    when.appendChild(document.createTextNode(dateText(appointment.date)));
    if (appointment.time) {
      when.appendChild(document.createTextNode(" · "));
      var hours = timeText(appointment.time);
      if (appointment.end) { hours += " – " + timeText(appointment.end); }
      when.appendChild(isolated(hours));
    }
    node.appendChild(when);
    if (appointment.place) {
      var where = element("p", "appointment-place");
      where.appendChild(isolated(appointment.place, true));
      node.appendChild(where);
    }
    var link = element("a", "button button-secondary", words.calendar);
    var file = new Blob([calendarFile(appointment)], { type: "text/calendar" });
    link.href = URL.createObjectURL(file);
    link.download = "afspraak-" + appointment.date + ".ics";
    node.appendChild(link);
    return node;
  }

  // My plan as this phone keeps it (my-plan.js): the plan link's text, or null.
  var PLAN_KEY = "wegwijs-my-plan";

  function keptPlan() {
    try { return window.localStorage.getItem(PLAN_KEY); } catch (error) { return null; }
  }

  // The plan with one appointment more (in its place after the third !), or null when the
  // plan holds it already or is not a plan.
  function planWith(plan, appointmentPart) {
    var parts = plan.split("!");
    if (parts.length !== 5 || parts[0] !== "1") { return null; }
    var appointments = parts[3] ? parts[3].split("*") : [];
    if (appointments.indexOf(appointmentPart) >= 0) { return null; }
    parts[3] = appointments.concat([appointmentPart]).join("*");
    return parts.join("!");
  }

  // Below a letter's appointment, when this phone keeps a plan: put it into that plan too.
  function addToPlan(appointmentPart) {
    var plan = keptPlan();
    var box = element("div", "add-to-plan");
    if (!plan) { return box; }
    var done = element("p", "", words.inPlan);
    var link = element("a", "", words.myPlan);
    link.href = words.myPlanUrl;
    done.appendChild(document.createTextNode(" "));
    done.appendChild(link);
    var longer = planWith(plan, appointmentPart);
    if (longer === null) { box.appendChild(done); return box; }
    var button = element("button", "button button-secondary", words.addToPlan);
    button.type = "button";
    button.addEventListener("click", function () {
      try { window.localStorage.setItem(PLAN_KEY, longer); } catch (error) { return; }
      box.replaceChild(done, button);
    });
    box.appendChild(button);
    return box;
  }

  // A page opened from a letter's QR code: its appointment on top, to put in the calendar
  // and, when the phone keeps My plan, into that plan.
  function showLetterAppointment() {
    var card = document.getElementById("letter-appointment");
    var prefix = "#afspraak=";
    if (!card || window.location.hash.indexOf(prefix) !== 0) { return; }
    var place = card.querySelector("[data-appointment]");
    var part = window.location.hash.slice(prefix.length);
    place.textContent = "";
    try {
      place.appendChild(item(parse(part), "div"));
      place.appendChild(addToPlan(part));
    } catch (error) {
      place.appendChild(element("p", "", words.broken));
    }
    card.hidden = false;
  }

  showLetterAppointment();
  window.addEventListener("hashchange", showLetterAppointment);
  return { parse: parse, picked: picked, text: text, element: element, isolated: isolated,
    day: day, item: item, PLAN_KEY: PLAN_KEY };
})();
