// A small drawing pad for handwritten signatures (pointer events: mouse, finger or pen).
// What is drawn goes into a hidden field as a PNG data URL when the form is submitted.
(function () {
  "use strict";

  function setUp(canvas) {
    var target = document.getElementById(canvas.getAttribute("data-target"));
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    context.lineWidth = 3;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#14143c";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height),
      };
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fillStyle = context.strokeStyle;
      context.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) {
        return;
      }
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () {
        drawing = false;
      });
    });

    document.querySelectorAll('[data-signature-clear="' + canvas.id + '"]').forEach(function (button) {
      button.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        if (target) {
          target.value = "";
        }
      });
    });

    // After a refused submission the drawing comes back with the page: show it again.
    if (target && target.value.indexOf("data:image/png;base64,") === 0) {
      var previous = new Image();
      previous.addEventListener("load", function () {
        context.drawImage(previous, 0, 0);
        drawn = true;
      });
      previous.src = target.value;
    }

    var form = canvas.closest("form");
    if (form) {
      form.addEventListener("submit", function () {
        if (target) {
          target.value = drawn ? canvas.toDataURL("image/png") : "";
        }
      });
    }
  }

  document.querySelectorAll("canvas[data-signature-pad]").forEach(setUp);
})();
