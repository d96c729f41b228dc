// The editor part by part: each segment's field becomes an editable line in which every
// ((placeholder)) is a chip, one block that cannot be mistyped. The hidden field keeps the
// text with ((placeholders)) in it, and that is what the form sends. Without JavaScript the
// plain field stays, and the server checks the placeholders of every segment.
"use strict";
(function () {
  var PLACEHOLDER = /\(\(([a-z0-9_]+)\)\)/g;
  var TYPED_PLACEHOLDER = /\(\([a-z0-9_]+\)\)/;

  function chip(name) {
    var span = document.createElement("span");
    span.className = "chip";
    span.contentEditable = "false";
    span.dir = "ltr";
    span.dataset.placeholder = name;
    span.textContent = name;
    return span;
  }

  function render(editor, text) {
    editor.textContent = "";
    var last = 0;
    text.replace(PLACEHOLDER, function (found, name, at) {
      editor.appendChild(document.createTextNode(text.slice(last, at)));
      editor.appendChild(chip(name));
      last = at + found.length;
      return found;
    });
    editor.appendChild(document.createTextNode(text.slice(last)));
  }

  function serialise(node) {
    var text = "";
    node.childNodes.forEach(function (child) {
      if (child.nodeType === Node.TEXT_NODE) {
        text += child.nodeValue;
      } else if (child.dataset && child.dataset.placeholder) {
        text += "((" + child.dataset.placeholder + "))";
      } else if (child.nodeName === "BR") {
        text += " ";
      } else {
        text += serialise(child);  // a <div> or <span> the browser put in
      }
    });
    return text;
  }

  function insertAtCaret(editor, node) {
    var selection = window.getSelection();
    var anchor = selection.anchorNode;
    var inChip = anchor && (anchor.nodeType === Node.ELEMENT_NODE ? anchor : anchor.parentNode)
      .closest(".chip");
    var range;
    if (inChip && editor.contains(inChip)) {
      range = document.createRange();  // never inside a chip: just after it
      range.setStartAfter(inChip);
      range.collapse(true);
    } else if (selection.rangeCount && editor.contains(anchor)) {
      range = selection.getRangeAt(0);
      range.deleteContents();
    } else {
      range = document.createRange();
      range.selectNodeContents(editor);
      range.collapse(false);
    }
    range.insertNode(node);
    range.setStartAfter(node);
    range.collapse(true);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.querySelectorAll("textarea[data-placeholders]").forEach(function (field) {
    var editor = document.createElement("div");
    var label = document.querySelector('label[for="' + field.id + '"]');
    editor.contentEditable = "true";
    editor.className = "chip-editor " + field.className;
    editor.id = field.id + "-editor";
    editor.lang = field.lang;
    editor.dir = field.dir;
    editor.setAttribute("role", "textbox");
    if (label) { editor.setAttribute("aria-label", label.textContent.trim()); }
    render(editor, field.value);
    field.hidden = true;
    field.parentNode.insertBefore(editor, field);
    field.chipEditor = editor;
    editor.addEventListener("input", function () { field.value = serialise(editor); });
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // a segment is one paragraph
    });
    editor.addEventListener("paste", function (event) {
      event.preventDefault();
      var pasted = event.clipboardData.getData("text/plain").replace(/\s+/g, " ");
      insertAtCaret(editor, document.createTextNode(pasted));
      field.value = serialise(editor);
    });
    editor.addEventListener("blur", function () {
      // A placeholder typed or pasted by hand becomes a chip too.
      var typed = Array.from(editor.childNodes).some(function (node) {
        return node.nodeType === Node.TEXT_NODE && TYPED_PLACEHOLDER.test(node.nodeValue);
      });
      if (typed) { render(editor, field.value); }
    });
  });

  document.querySelectorAll("[data-insert]").forEach(function (button) {
    var field = document.getElementById(button.dataset.target);
    if (!field || !field.chipEditor) { return; }
    button.hidden = false;
    if (button.nextElementSibling && button.nextElementSibling.matches(".chip-text")) {
      button.nextElementSibling.hidden = true;
    }
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
    button.addEventListener("click", function () {
      field.chipEditor.focus();
      insertAtCaret(field.chipEditor, chip(button.dataset.insert));
      field.value = serialise(field.chipEditor);
    });
  });

  document.querySelectorAll("[data-use]").forEach(function (button) {
    var field = document.getElementById(button.dataset.use);
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.value = button.dataset.text;
      if (field.chipEditor) { render(field.chipEditor, field.value); field.chipEditor.focus(); }
    });
  });
})();
