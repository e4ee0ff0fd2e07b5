"""Rule sets as data: assessment versions an admin publishes; the blacklist rule sets with their situations."""

from tests.registry.conftest import problem

WEIGHTS = {
    "standardization": "0.5",
    "safety_culture": "0.1",
    "staff_participation": "0.1",
    "public_commitment": "0.1",
    "legal_compliance": "0.2",
}


async def test_rule_sets_list_both_kinds_with_versions_and_situations(registry):
    r = await registry.client.get("/registry/v1/rule-sets", headers=registry.officer_a)
    assert r.status_code == 200
    items = r.json()["items"]
    assert [(i["kind"], i["code"], i["version"]) for i in items] == [
        ("assessment", "huzhou-credit", 1),
        ("blacklist", "mem-order-11-2023", 1),
        ("blacklist", "saws-2017-49", 1),
    ]
    credit, order_11, legacy = items
    assert credit["weights"] == WEIGHTS and credit["class_lines"] == {"A": "90", "B": "75", "C": "60"}
    assert credit["overrides"] == {"commitment_downgrade": 1, "fatal_accident_cap": "C", "penalty_cap": "B"}
    assert credit["standardization"]["grade_lines"]["mining"] == {"1": "90", "2": "75", "3": "60"}
    assert credit["situations"] == [] and credit["default"] is True
    assert (order_11["effective_from"], order_11["term_months"], order_11["repair_min_months"]) == (
        "2023-10-01",
        36,
        12,
    )
    assert order_11["default"] is True and len(order_11["situations"]) == 7
    assert order_11["situations"][0] == {
        "code": "particularly_serious_or_serious_accident",
        "text": "发生特别重大、重大生产安全事故",
    }
    assert (legacy["term_months"], legacy["repeat_term_months"], legacy["repair_min_months"]) == (12, 36, None)


async def test_an_admin_publishes_the_next_version(registry):
    body = {
        "title": "湖州市诚信等级 2026 版",
        "effective_from": "2026-01-01",
        "weights": WEIGHTS | {"standardization": "0.6", "legal_compliance": "0.1"},
        "class_lines": {"A": 88, "B": 72, "C": 58},
        "penalty_cap": "C",
    }
    r = await registry.client.post("/registry/v1/rule-sets", json=body, headers=registry.admin)
    assert r.status_code == 201, r.text
    created = r.json()
    assert (created["code"], created["version"], created["class_lines"]) == (
        "huzhou-credit",
        2,
        {"A": "88", "B": "72", "C": "58"},
    )
    assert created["overrides"]["penalty_cap"] == "C"
    # Without standardization rules of its own, the version keeps the previous version's.
    assert created["standardization"]["grade_lines"]["general"] == {"1": "90", "2": "75", "3": "60"}
    versions = [
        i["version"]
        for i in (await registry.client.get("/registry/v1/rule-sets", headers=registry.admin)).json()["items"]
        if i["kind"] == "assessment"
    ]
    assert versions == [1, 2]


async def test_standardization_weight_below_half_is_refused(registry):
    body = {
        "title": "x",
        "effective_from": "2026-01-01",
        "weights": WEIGHTS | {"standardization": "0.4", "legal_compliance": "0.3"},
        "class_lines": {"A": 90, "B": 75, "C": 60},
    }
    r = await registry.client.post("/registry/v1/rule-sets", json=body, headers=registry.admin)
    body = problem(r, 422, "invalid_rule_set")
    assert {"field": "weights.standardization", "message": "must be at least 0.5, got 0.4"} in body["errors"]


async def test_unsound_weights_lines_and_standardization_rules_are_refused(registry):
    base = {
        "title": "x",
        "effective_from": "2026-01-01",
        "weights": WEIGHTS,
        "class_lines": {"A": 90, "B": 75, "C": 60},
    }
    r = await registry.client.post(
        "/registry/v1/rule-sets", json=base | {"weights": WEIGHTS | {"legal_compliance": "0.3"}}, headers=registry.admin
    )
    assert {"field": "weights", "message": "must sum to 1, got 1.1"} in problem(r, 422, "invalid_rule_set")["errors"]
    r = await registry.client.post(
        "/registry/v1/rule-sets", json=base | {"class_lines": {"A": 70, "B": 75, "C": 60}}, headers=registry.admin
    )
    problem(r, 422, "invalid_rule_set")
    std = {
        "code": "standardization-2026",
        "effective_from": "2026-01-01",
        "validity_years": 3,
        "renewal_window_months": 3,
        "grade_lines": {"general": {"1": 80, "2": 85, "3": 60}},
    }
    r = await registry.client.post(
        "/registry/v1/rule-sets", json=base | {"standardization": std}, headers=registry.admin
    )
    problem(r, 422, "invalid_rule_set")
    r = await registry.client.post("/registry/v1/rule-sets", json=base | {"code": "Bad Code"}, headers=registry.admin)
    problem(r, 422, "validation_error")
    versions = [
        i
        for i in (await registry.client.get("/registry/v1/rule-sets", headers=registry.admin)).json()["items"]
        if i["kind"] == "assessment"
    ]
    assert len(versions) == 1


async def test_a_version_not_yet_in_force_is_not_used(registry):
    body = {
        "title": "2027 版",
        "effective_from": "2027-01-01",
        "weights": WEIGHTS,
        "class_lines": {"A": 99, "B": 98, "C": 97},
    }
    assert (await registry.client.post("/registry/v1/rule-sets", json=body, headers=registry.admin)).status_code == 201
    code = (await registry.register())["uscc"]
    a = await registry.assess(code, total=95, approve=False)
    assert (a["rule_set_version"], a["credit_class"]) == (1, "A")
