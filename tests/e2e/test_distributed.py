"""`anjian run-distributed`: a process per service on Kafka; the same paths on each service's port, and
all of them with the console on the gateway's."""

import subprocess
import time

import httpx


def test_distributed_services_answer_on_their_own_ports_and_through_the_gateway(distributed):
    for name, port in distributed.ports.items():
        c = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        r = c.get(f"/{name}/health/ready")
        assert r.status_code == 200, r.text
        assert r.json()["tasks"]["relay"]["alive"] is True
    reg = httpx.Client(base_url=f"http://127.0.0.1:{distributed.ports['registry']}", timeout=30)
    r = reg.post("/auth/v1/token", data={"username": "admin", "password": "Anjian-admin-1"})
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    # The token the registry issued is accepted by another service (same key, verified there).
    hz = httpx.Client(base_url=f"http://127.0.0.1:{distributed.ports['hazard']}", timeout=30)
    assert hz.get("/hazard/v1/nothing", headers={"Authorization": f"Bearer {token}"}).status_code == 404
    # The gateway: the console and every service's paths on one port, as `anjian run` serves them.
    gw = httpx.Client(base_url=distributed.gateway, timeout=30)
    r = gw.get("/gateway/health/ready")
    assert r.status_code == 200 and set(r.json()["upstreams"]) == set(distributed.ports), r.text
    r = gw.get("/")
    assert r.status_code == 307 and r.headers["location"] == "/console/"
    r = gw.get("/console/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), r.text[:200]
    r = gw.post("/auth/v1/token", data={"username": "officer", "password": "Anjian-officer-1"})
    assert r.status_code == 200, r.text
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    for path in ("/registry/v1/enterprises", "/grid/v1/cells", "/hazard/v1/hazards", "/incentives/v1/measures"):
        r = gw.get(path, headers=auth, params={"limit": 1})
        assert r.status_code == 200, (path, r.text[:300])
    assert gw.get("/public/v1/blacklist").status_code == 200
    assert gw.get("/partner/v1/enterprises/91330100799655058B").status_code == 401  # incentives wants a key
    assert distributed.stop() == 0
    log = distributed.log.read_text()
    assert log.index("console and API: ") < log.index("services: "), log[-3000:]
    time.sleep(0.5)  # nothing it started (the gateway included) outlives it
    pid = distributed.proc.pid
    left = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(pid)], capture_output=True, text=True).stdout
    assert left.strip() == "", f"left running: {left}"


def test_an_enterprise_registered_in_one_process_reaches_the_others_over_kafka(distributed):
    import random
    import time
    from datetime import UTC, datetime

    from services.registry.domain.uscc import generate_uscc

    reg = httpx.Client(base_url=f"http://127.0.0.1:{distributed.ports['registry']}", timeout=30)
    hz = httpx.Client(base_url=f"http://127.0.0.1:{distributed.ports['hazard']}", timeout=30)
    token = reg.post("/auth/v1/token", data={"username": "officer", "password": "Anjian-officer-1"}).json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    uscc = generate_uscc(random.Random(), division_code="330521")
    r = reg.post(
        "/registry/v1/enterprises",
        headers=auth,
        json={
            "uscc": uscc,
            "name": "德清分布式测试有限公司",
            "legal_representative": "赵六",
            "division_code": "330521",
            "township": "新市镇",
            "village": "土林村",
            "address": "湖州市德清县新市镇",
            "category": "general",
            "scale": "small",
            "employees": 12,
        },
    )
    assert r.status_code == 201, r.text
    deadline = time.time() + 60
    while True:  # the hazard process learns of the enterprise from the registry's topic
        h = hz.post(
            "/hazard/v1/hazards",
            headers=auth,
            json={
                "uscc": uscc,
                "source": "routine_check",
                "description": "安全出口堵塞",
                "level": "general",
                "found_at": datetime.now(UTC).isoformat(),
                "found_by": "检查员",
            },
        )
        if h.status_code == 201:
            break
        assert h.status_code == 422 and h.json()["code"] == "unknown_enterprise", h.text
        assert time.time() < deadline, "the hazard service never heard of the enterprise"
        time.sleep(0.2)
    assert distributed.stop() == 0


def test_a_stop_while_still_starting_stops_everything_and_exits_zero(tmp_path):
    """Ctrl-C before every service is ready (CI once hit this: exit 130 and orphaned children)."""
    import os
    import signal
    import subprocess
    import time

    from tests.e2e.conftest import launch_distributed

    proc, _, log = launch_distributed(tmp_path)
    try:
        deadline = time.time() + 60
        while "started the Tansu test broker" not in log.read_text():  # the broker runs; services start
            assert proc.poll() is None and time.time() < deadline, log.read_text()[-2000:]
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0, log.read_text()[-2000:]
        # Nothing it started outlives it: the process group is empty.
        time.sleep(0.5)
        out = subprocess.run(["ps", "-o", "pid=", "-g", str(proc.pid)], capture_output=True, text=True).stdout
        assert out.strip() == "", f"left running: {out}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
