"""Load on the web app, over loopback, on this machine: it starts `vanban serve` itself and stops it.

Measured in one run (so only this machine's numbers; the targets are issue 17's):
  - one sub-plan download, alone: the server's time (loopback adds well under a millisecond);
  - 20 clients downloading sub-plans at once: p50 and p95 of their latency;
  - the stylesheet and the home page while those 20 clients run, and while a whole cascade (the Gia Lai
    2026 plan, 151 units) is being made: their p95.

    python bench/load.py [--clients 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PLAN_2021 = "gia-lai-2021--ke-hoach-dan-van-2021"
PLAN_2026 = "gia-lai-2025--ke-hoach-dan-van-2026"
UNITS = ["so-tu-phap", "so-noi-vu", "so-y-te", "ubnd-huyen-chu-se", "ubnd-huyen-duc-co", "cong-an-tinh"]
TARGET_ONE_MS = 50
TARGET_P95_S = 1.0
TARGET_STATIC_P95_MS = 100


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Server:
    """`vanban serve` on a free loopback port with a state folder of its own."""

    def __init__(self, state: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, VANBAN_STATE_DIR=str(state), PYTHONWARNINGS="ignore")
        self.process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--port", str(self.port),
                                         "--state", str(state)], cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait(self) -> None:
        for _ in range(300):
            try:
                if httpx.get(f"{self.base}/static/style.css", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise SystemExit("vanban serve không khởi động được")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def token(client: httpx.AsyncClient, page: str) -> str:
    html = (await client.get(page)).text
    found = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(r'name="csrf" value="([^"]+)"', html)
    return found.group(1) if found else ""


async def download(client: httpx.AsyncClient, unit: str, csrf: str) -> float:
    start = time.perf_counter()
    response = await client.post(f"/plans/{PLAN_2021}/units/{unit}/subplan", data={"format": "docx", "csrf": csrf},
                                 headers={"X-CSRF-Token": csrf})
    if response.status_code != 200:
        raise SystemExit(f"tải kế hoạch của {unit}: mã {response.status_code}")
    return time.perf_counter() - start


async def light(client: httpx.AsyncClient, stop: asyncio.Event, seen: list[float]) -> None:
    """The stylesheet and the home page, in turn, until ``stop``."""
    while not stop.is_set():
        for path in ("/static/style.css", "/"):
            start = time.perf_counter()
            response = await client.get(path)
            seen.append(time.perf_counter() - start)
            assert response.status_code == 200, path
        await asyncio.sleep(0.02)


async def run(base: str, clients: int, rounds: int) -> dict:
    limits = httpx.Limits(max_connections=clients + 4)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits, headers={"Origin": base}) as client:
        csrf = await token(client, f"/plans/{PLAN_2021}/units/{UNITS[0]}")
        await download(client, UNITS[0], csrf)  # the plan loaded once: what the server keeps warm
        alone = [await download(client, UNITS[i % len(UNITS)], csrf) for i in range(10)]

        stop, during = asyncio.Event(), []
        watcher = asyncio.create_task(light(client, stop, during))

        async def one_client(index: int) -> list[float]:
            return [await download(client, UNITS[(index + r) % len(UNITS)], csrf) for r in range(rounds)]

        loads = [t for times in await asyncio.gather(*(one_client(i) for i in range(clients))) for t in times]
        stop.set()
        await watcher

        stop, during_batch = asyncio.Event(), []
        batch_csrf = await token(client, f"/plans/{PLAN_2026}/cascade")
        started = await client.post(f"/plans/{PLAN_2026}/cascade", data={"csrf": batch_csrf},
                                    headers={"Accept": "application/json", "X-CSRF-Token": batch_csrf})
        job = started.json().get("id") if started.status_code == 200 else None
        watcher = asyncio.create_task(light(client, stop, during_batch))
        finished = False
        deadline = time.perf_counter() + 300
        while job and time.perf_counter() < deadline:
            state = (await client.get(f"/jobs/{job}", headers={"Accept": "application/json"})).json()
            if state.get("status") in ("xong", "lỗi", "done", "failed"):
                finished = state.get("status") in ("xong", "done")
                break
            await asyncio.sleep(0.5)
        stop.set()
        await watcher
    return {"alone": alone, "loads": loads, "during": during, "during_batch": during_batch, "batch": finished,
            "batch_status": started.status_code}


def verdict(ok: bool) -> str:
    return "ĐẠT" if ok else "CHƯA ĐẠT"


def main() -> int:
    parser = argparse.ArgumentParser(description="Đo tải ứng dụng web vanban trên máy này (qua loopback).")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vanban-load-") as state:
        server = Server(Path(state))
        try:
            server.wait()
            result = asyncio.run(run(server.base, args.clients, args.rounds))
        finally:
            server.stop()
    one = statistics.median(result["alone"]) * 1000
    p50, p95 = percentile(result["loads"], 0.5), percentile(result["loads"], 0.95)
    light_p95 = percentile(result["during"], 0.95) * 1000 if result["during"] else float("nan")
    batch_p95 = percentile(result["during_batch"], 0.95) * 1000 if result["during_batch"] else float("nan")
    print(f"Web (loopback, {os.cpu_count()} lõi): tải một kế hoạch cụ thể hóa {one:.0f} ms "
          f"(mục tiêu ≤ {TARGET_ONE_MS} ms: {verdict(one <= TARGET_ONE_MS)})")
    print(f"  {args.clients} người cùng tải ({len(result['loads'])} lần): p50 {p50:.2f} s, p95 {p95:.2f} s "
          f"(mục tiêu p95 ≤ {TARGET_P95_S:g} s: {verdict(p95 <= TARGET_P95_S)})")
    print(f"  trang đầu và tệp CSS trong lúc đó: p95 {light_p95:.0f} ms "
          f"(mục tiêu ≤ {TARGET_STATIC_P95_MS} ms: {verdict(light_p95 <= TARGET_STATIC_P95_MS)})")
    batch = "xong" if result["batch"] else f"không chạy được (mã {result['batch_status']})"
    print(f"  trong lúc tạo cả loạt 151 đơn vị ({batch}): p95 {batch_p95:.0f} ms "
          f"(mục tiêu ≤ {TARGET_STATIC_P95_MS} ms: {verdict(batch_p95 <= TARGET_STATIC_P95_MS)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
