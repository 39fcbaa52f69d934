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
    filter();
  }
  // Tạo cả loạt: theo dõi tiến độ rồi hiện liên kết tải tệp nén.
  const start = document.querySelector("#tao-ca-loat");
  if (start) {
    start.addEventListener("submit", async (event) => {
      event.preventDefault();
      const status = document.querySelector("#tien-do");
      const bar = document.querySelector("#thanh-tien-do");
      const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
      const response = await fetch(start.action, { method: "POST", headers: { Accept: "application/json", "X-CSRF-Token": csrf } });
      const job = await response.json();
      status.textContent = "Đang tạo…";
      const poll = async () => {
        const state = await (await fetch(`/jobs/${job.id}`, { headers: { Accept: "application/json" } })).json();
        bar.max = state.total || 1;
        bar.value = state.done;
        status.textContent = state.message;
        if (state.status === "xong") {
          const link = document.querySelector("#tai-ca-loat");
          link.href = `/jobs/${job.id}/download`;
          link.hidden = false;
        } else if (state.status !== "lỗi") {
          setTimeout(poll, 500);
        }
      };
      poll();
    });
  }
});
