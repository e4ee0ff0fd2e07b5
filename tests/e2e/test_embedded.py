"""`anjian run` as a user starts it: one process, every service, demo accounts; stops on Ctrl-C."""

import httpx


def test_embedded_suite_serves_every_service_and_signs_in(embedded):
    c = httpx.Client(base_url=embedded.base, timeout=30)
    for svc in ("registry", "grid", "hazard", "incentives"):
        assert c.get(f"/{svc}/health/ready").status_code == 200
        assert c.get(f"/{svc}/openapi.json").json()["openapi"].startswith("3.")
    r = c.post("/auth/v1/token", data={"username": "officer", "password": "Anjian-officer-1"})
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "bearer" and r.json()["expires_in"] > 0
    assert "anjian_http_requests_total" in c.get("/metrics").text
    assert embedded.stop() == 0
    log = embedded.log.read_text()
    assert "Traceback" not in log, log[-3000:]
