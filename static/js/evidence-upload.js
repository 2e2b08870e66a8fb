// Evidence uploads: several files by drag-and-drop or the file picker, each sent on its own request
// with its own progress bar and its own result. Without JavaScript the form still works: it posts
// all chosen files at once and the page lists what was accepted and what was refused.
(function () {
  "use strict";

  var form = document.getElementById("evidence-upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var input = form.querySelector("input[type=file][name=files]");
  var zone = document.getElementById("drop-zone");
  var list = document.getElementById("upload-list");
  var button = document.getElementById("upload-button");
  var summary = document.getElementById("upload-summary");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
  var accepted = (form.getAttribute("data-accept") || "").toLowerCase().split(",").filter(Boolean);
  var dropped = [];
  var busy = false;

  function text(name, values) {
    var message = form.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      message = message.split("{" + key + "}").join(values[key]);
    });
    return message;
  }

  function sizeLabel(bytes) {
    if (bytes < 1024) { return bytes + " B"; }
    if (bytes < 1024 * 1024) { return (bytes / 1024).toFixed(1) + " KB"; }
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function extensionOf(name) {
    var dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot).toLowerCase();
  }

  // One row per file: name, size, a progress bar and the outcome in words.
  function addRow(file) {
    var row = document.createElement("li");
    row.className = "upload-row border rounded p-2 mb-2 bg-white";
    var head = document.createElement("div");
    head.className = "d-flex justify-content-between gap-2 small";
    var name = document.createElement("span");
    name.className = "upload-name text-break fw-semibold";
    name.textContent = file.name;
    var size = document.createElement("span");
    size.className = "text-secondary text-nowrap";
    size.textContent = sizeLabel(file.size);
    head.appendChild(name);
    head.appendChild(size);
    var bar = document.createElement("div");
    bar.className = "progress mt-1";
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-label", file.name);
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.setAttribute("aria-valuenow", "0");
    var fill = document.createElement("div");
    fill.className = "progress-bar";
    fill.style.width = "0%";
    bar.appendChild(fill);
    var status = document.createElement("div");
    status.className = "upload-status small mt-1 text-secondary";
    status.textContent = text("waiting");
    row.appendChild(head);
    row.appendChild(bar);
    row.appendChild(status);
    list.appendChild(row);
    return { row: row, bar: bar, fill: fill, status: status };
  }

  function progress(view, percent) {
    view.fill.style.width = percent + "%";
    view.bar.setAttribute("aria-valuenow", String(percent));
  }

  function finish(view, ok, message) {
    view.row.classList.add(ok ? "upload-ok" : "upload-refused");
    view.row.setAttribute("data-outcome", ok ? "ok" : "refused");
    view.fill.classList.add(ok ? "bg-success" : "bg-danger");
    if (!ok) { progress(view, 100); }
    view.status.className = "upload-status small mt-1 " + (ok ? "text-success" : "text-danger");
    view.status.textContent = message;
  }

  function precheck(file) {
    if (maxBytes && file.size > maxBytes) {
      return text("too-large", { name: file.name });
    }
    if (accepted.length && accepted.indexOf(extensionOf(file.name)) < 0) {
      return text("type", { name: file.name });
    }
    return "";
  }

  function send(file, view) {
    return new Promise(function (resolve) {
      var data = new FormData(form);
      data.delete("files");
      data.append("files", file, file.name);
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          progress(view, Math.round((event.loaded / event.total) * 100));
        }
      });
      request.upload.addEventListener("load", function () {
        progress(view, 100);
        view.status.textContent = text("checking");
      });
      request.addEventListener("load", function () {
        var result = null;
        try {
          result = JSON.parse(request.responseText).results[0];
        } catch (error) {
          result = null;
        }
        if (result) {
          finish(view, result.ok, result.message);
          resolve(result.ok);
        } else if ((request.responseURL || "").indexOf("/accounts/login/") >= 0) {
          finish(view, false, text("login"));
          resolve(false);
        } else {
          finish(view, false, text("failed"));
          resolve(false);
        }
      });
      request.addEventListener("error", function () {
        finish(view, false, text("network"));
        resolve(false);
      });
      request.send(data);
    });
  }

  // After a batch, the item's status and file list are fetched again (same page, same access
  // check) and swapped in, so that the new files appear without losing the results above.
  function refreshFiles() {
    window.fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["item-status", "files"].forEach(function (id) {
          var current = document.getElementById(id);
          var replacement = fresh.getElementById(id);
          if (current && replacement) { current.replaceWith(replacement); }
        });
      });
  }

  function chosenFiles() {
    var files = dropped.slice();
    Array.prototype.forEach.call(input.files || [], function (file) { files.push(file); });
    return files;
  }

  function uploadAll(files) {
    busy = true;
    button.disabled = true;
    summary.classList.add("d-none");
    list.innerHTML = "";
    var ok = 0;
    var refused = 0;
    var views = files.map(addRow);
    // One file at a time: a slow office line is not split between twenty uploads.
    var chain = Promise.resolve();
    files.forEach(function (file, index) {
      chain = chain.then(function () {
        var problem = precheck(file);
        if (problem) {
          finish(views[index], false, problem);
          refused += 1;
          return null;
        }
        return send(file, views[index]).then(function (success) {
          if (success) { ok += 1; } else { refused += 1; }
        });
      });
    });
    chain.then(function () {
      busy = false;
      button.disabled = false;
      dropped = [];
      input.value = "";
      summary.textContent = text("summary", { ok: ok, failed: refused });
      summary.className = "small mt-2 mb-0 " + (refused ? "text-danger" : "text-success");
      if (ok) { refreshFiles(); }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    var files = chosenFiles();
    if (!files.length) {
      summary.textContent = text("none");
      summary.className = "small mt-2 mb-0 text-danger";
      return;
    }
    uploadAll(files);
  });

  // Dropped files are listed at once; the upload starts with the button, after the products,
  // note and date have been checked.
  function showQueued() {
    list.innerHTML = "";
    chosenFiles().forEach(function (file) {
      var view = addRow(file);
      var problem = precheck(file);
      if (problem) { finish(view, false, problem); }
    });
  }

  input.addEventListener("change", showQueued);
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("drop-zone-active");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.remove("drop-zone-active");
    });
  });
  zone.addEventListener("drop", function (event) {
    if (!event.dataTransfer || !event.dataTransfer.files) { return; }
    Array.prototype.forEach.call(event.dataTransfer.files, function (file) { dropped.push(file); });
    showQueued();
  });
})();
