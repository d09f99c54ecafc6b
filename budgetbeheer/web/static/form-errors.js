/* Errors that help (issue 15). The server checks every form and answers with the form again and an error summary
   (macros.html, error_summary); this file only moves the focus:
   - on load, to the error summary, so a screen reader reads it and the next Tab reaches its first link;
   - from a link in the summary, to the field it names (and its label into view);
   - and it turns the browser's own checks off (novalidate), so that every form is checked by the server alike and
     the person gets the summary in words instead of a tooltip. Without JavaScript the server answers the same. */
(function () {
  "use strict";

  function init() {
    var forms = document.querySelectorAll("form");
    for (var i = 0; i < forms.length; i++) { forms[i].noValidate = true; }
    var summary = document.getElementById("error-summary");
    if (!summary) { return; }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      if (!link) { return; }
      var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!field) { return; }
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
    summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
