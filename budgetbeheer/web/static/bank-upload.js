/* The bank upload form (bank/statements.html) with a progress bar: the file goes up by XMLHttpRequest, and the page
   the server answers with (the statement after a redirect, or the form with the refusal) replaces this one.
   Without JavaScript the form is an ordinary multipart post. */
(function () {
  "use strict";

  function swap(doc, url) {
    if (url) { window.history.replaceState(null, "", url); }
    document.replaceChild(document.adoptNode(doc.documentElement), document.documentElement);
    var target = document.getElementById("error-summary") || document.querySelector(".flash") ||
      document.getElementById("content");
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
    init();
  }

  function init() {
    var form = document.querySelector("form[data-upload]");
    if (!form || !window.XMLHttpRequest || !window.FormData || form.dataset.bound) { return; }
    form.dataset.bound = "1";
    var input = form.querySelector("input[type=file]");
    var box = form.querySelector("[data-upload-progress]");
    var bar = box ? box.querySelector("progress") : null;
    var status = form.querySelector("[data-upload-status]");
    var button = form.querySelector("button[type=submit]");

    form.addEventListener("submit", function (event) {
      if (!input || !input.files || !input.files.length) { return; }
      var limit = parseInt(input.dataset.limit || "0", 10);
      if (limit && input.files[0].size > limit) {
        event.preventDefault();
        status.textContent = input.dataset.tooLarge;
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.responseType = "document";
      if (box) { box.hidden = false; }
      if (bar) { bar.max = 100; bar.value = 0; }
      button.disabled = true;
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable || !bar) { return; }
        var percent = Math.round(100 * e.loaded / e.total);
        bar.value = percent;
        bar.textContent = percent + "%";
        status.textContent = percent + "% " + form.dataset.sent;
      });
      xhr.upload.addEventListener("load", function () {
        if (bar) { bar.removeAttribute("value"); }  /* indeterminate while the server reads and matches */
        status.textContent = form.dataset.reading;
      });
      xhr.addEventListener("load", function () {
        var doc = xhr.response;
        if (!doc || !doc.documentElement || !doc.body) {
          status.textContent = form.dataset.failed;
          button.disabled = false;
          return;
        }
        swap(doc, xhr.status < 400 ? xhr.responseURL : form.dataset.back);
      });
      xhr.addEventListener("error", function () {
        status.textContent = form.dataset.failed;
        button.disabled = false;
        if (box) { box.hidden = true; }
      });
      xhr.send(new FormData(form));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
