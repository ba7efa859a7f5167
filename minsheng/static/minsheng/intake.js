// Intake forms: suggest the department from the category, and ask the category's extra questions.
(function () {
  var form = document.querySelector("form[data-intake]");
  if (!form) return;
  var routes = JSON.parse(form.dataset.routes || "{}");
  var questions = JSON.parse(form.dataset.questions || "{}");
  var answers = JSON.parse(form.dataset.answers || "{}");
  var category = form.querySelector("[name=category]");
  var department = form.querySelector("[name=proposed_department]");
  var box = form.querySelector("[data-questions]");
  var answerErrors = JSON.parse(form.dataset.answerErrors || "{}");

  function input(q) {
    var name = "answer_" + q.code, value = answers[name] || [];
    if (q.datatype === "singlevaluelist" || q.datatype === "multivaluelist") {
      var select = document.createElement("select");
      select.name = name; select.id = "id_" + name;
      if (q.datatype === "multivaluelist") select.multiple = true;
      else select.appendChild(new Option("—", ""));
      q.values.forEach(function (option) {
        var o = new Option(option.name, option.key);
        o.selected = value.indexOf(String(option.key)) >= 0;
        select.appendChild(o);
      });
      return select;
    }
    var field = document.createElement(q.datatype === "text" ? "textarea" : "input");
    field.name = name; field.id = "id_" + name;
    if (q.datatype === "number") { field.type = "text"; field.inputMode = "decimal"; }
    if (q.datatype === "datetime") field.type = "datetime-local";
    field.value = value[0] || "";
    return field;
  }

  function update(initial) {
    var id = category.value;
    if (department && !initial && routes[id]) department.value = String(routes[id]);
    if (!box) return;
    box.innerHTML = "";
    (questions[id] || []).forEach(function (q) {
      var wrap = document.createElement("div"); wrap.className = "field";
      var label = document.createElement("label");
      var control = input(q), described = [];
      label.htmlFor = control.id;
      label.textContent = q.label;
      var mark = document.createElement("span");
      if (q.required) { mark.className = "required-mark"; mark.setAttribute("aria-hidden", "true"); mark.textContent = " *"; }
      else { mark.className = "optional-mark"; mark.textContent = "（选填）"; }
      label.appendChild(mark);
      wrap.appendChild(label); wrap.appendChild(control);
      if (q.help) {
        var help = document.createElement("div"); help.className = "help"; help.id = control.id + "_helptext"; help.textContent = q.help;
        wrap.appendChild(help); described.push(help.id);
      }
      if (initial && answerErrors[q.code]) {
        var list = document.createElement("ul"); list.className = "errorlist"; list.id = control.id + "_error";
        var item = document.createElement("li"); item.textContent = q.label + "：" + answerErrors[q.code];
        list.appendChild(item); wrap.appendChild(list); described.push(list.id);
        control.setAttribute("aria-invalid", "true");
      }
      if (described.length) control.setAttribute("aria-describedby", described.join(" "));
      box.appendChild(wrap);
    });
  }
  if (category) { category.addEventListener("change", function () { update(false); }); update(true); }

  // Fields of one kind only (enterprise, 办不成事) show when that kind is chosen.
  var kinds = JSON.parse(form.dataset.kinds || "{}");
  function showKind() {
    var chosen = form.querySelector("[name=kind]:checked");
    var code = chosen ? kinds[chosen.value] : "";
    form.querySelectorAll("[data-kind-only]").forEach(function (el) {
      el.hidden = el.dataset.kindOnly !== code;
    });
  }
  form.querySelectorAll("[name=kind]").forEach(function (radio) { radio.addEventListener("change", showKind); });
  showKind();

  // Long lists (卡在哪个部门): a search box above that hides what does not match.
  form.querySelectorAll("select[data-filterable]").forEach(function (select) {
    var filter = document.createElement("input");
    filter.type = "search"; filter.className = "list-filter"; filter.id = select.id + "_filter";
    filter.setAttribute("aria-controls", select.id);
    filter.placeholder = select.dataset.filterable;
    var filterLabel = document.createElement("label");
    filterLabel.htmlFor = filter.id; filterLabel.className = "filter-label"; filterLabel.textContent = select.dataset.filterLabel || "筛选";
    select.parentNode.insertBefore(filterLabel, select);
    select.parentNode.insertBefore(filter, select);
    filter.addEventListener("input", function () {
      var words = filter.value.trim();
      select.querySelectorAll("option").forEach(function (option) {
        option.hidden = words !== "" && option.text.indexOf(words) < 0 && !option.selected;
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }
    });
  });
  // After a refused submit the error summary at the top takes the focus (site.js).
})();
