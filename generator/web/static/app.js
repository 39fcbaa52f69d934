// Lọc danh sách đơn vị không cần gõ dấu: "chu se" tìm thấy "Chư Sê".
function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("#tim-don-vi");
  if (box) {
    const items = Array.from(document.querySelectorAll("ul.units li"));
    const count = document.querySelector("#so-don-vi");
    const filter = () => {
      const words = fold(box.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const item of items) {
        const hay = fold(item.dataset.search || item.textContent);
        const visible = words.every((w) => hay.includes(w));
        item.hidden = !visible;
        if (visible) shown += 1;
      }
      if (count) count.textContent = shown;
    };
    box.addEventListener("input", filter);
    // Enter filters in place: the whole list stays on the page, so the next search still finds every unit
    // (without script the form goes to the server, which filters).
    if (box.form) box.form.addEventListener("submit", (event) => { event.preventDefault(); filter(); });
    filter();
  }
  // "Quay lại" on an error page: the page before, when there is one (no inline script: the CSP forbids it).
  const back = document.querySelector("#quay-lai");
  if (back && window.history.length > 1) {
    back.addEventListener("click", (event) => { event.preventDefault(); window.history.back(); });
  }
  // Forms that start long work (reading an uploaded plan, a check): one click, the button then waits.
  for (const form of document.querySelectorAll("form[data-once]")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("button[type=submit], button:not([type])")) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      }
    });
  }
  // Tạo cả loạt: theo dõi tiến độ rồi hiện liên kết tải tệp nén.
  const start = document.querySelector("#tao-ca-loat");
  if (start) {
    const button = start.querySelector("button");
    const status = document.querySelector("#tien-do");
    const bar = document.querySelector("#thanh-tien-do");
    const json = async (response) => {
      try { return await response.json(); } catch { return {}; }
    };
    const stop = (message) => {  // the server refused or could not be reached: say so, allow a new try
      status.textContent = message;
      button.disabled = false;
      button.removeAttribute("aria-busy");
    };
    start.addEventListener("submit", async (event) => {
      event.preventDefault();
      button.disabled = true;  // one batch per click
      button.setAttribute("aria-busy", "true");
      status.textContent = "Đang gửi yêu cầu…";
      const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
      let response;
      try {
        response = await fetch(start.action, { method: "POST", headers: { Accept: "application/json", "X-CSRF-Token": csrf } });
      } catch {
        stop("Không kết nối được với máy chủ; hãy thử lại.");
        return;
      }
      const job = await json(response);
      if (!response.ok || !job.id) {
        stop(job.error ? `Không tạo được: ${job.error}` : `Không tạo được (mã lỗi ${response.status}); hãy thử lại.`);
        return;
      }
      status.textContent = "Đang tạo…";
      const poll = async () => {
        let answer;
        try {
          answer = await fetch(`/jobs/${job.id}`, { headers: { Accept: "application/json" } });
        } catch {
          setTimeout(poll, 2000);  // a moment without the server: ask again
          return;
        }
        const state = await json(answer);
        if (!answer.ok || !state.status) {
          stop(state.error ? `Không theo dõi được việc này: ${state.error}` : "Không theo dõi được việc này; hãy thử lại.");
          return;
        }
        bar.max = state.total || 1;
        bar.value = state.done;
        status.textContent = state.message;
        if (state.status === "xong") {
          const link = document.querySelector("#tai-ca-loat");
          link.href = `/jobs/${job.id}/download`;
          link.hidden = false;
        } else if (state.status === "lỗi") {
          stop(state.message);
        } else {
          setTimeout(poll, 500);
        }
      };
      poll();
    });
  }
});
