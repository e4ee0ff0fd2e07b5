"""`anjian run-distributed`: a process per service on Kafka; the same paths on each service's port."""

import httpx


def test_distributed_services_answer_on_their_own_ports(distributed):
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
    assert distributed.stop() == 0
