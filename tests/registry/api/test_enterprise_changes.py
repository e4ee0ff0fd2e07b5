"""The enterprise change log: registrations, updates and import rows that change something, and who may read it."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.registry.models import EnterpriseChange
from services.registry.service import changes
from tests.registry.api.test_imports import HEADER, upload
from tests.registry.conftest import problem

ALL_GIVEN = [
    "name",
    "legal_representative",
    "division_code",
    "category",
    "person_in_charge",
    "safety_lead",
    "township",
    "village",
    "address",
    "scale",
    "employees",
    "status",
]


async def log(registry, uscc: str, headers=None, **params) -> dict:
    r = await registry.client.get(
        f"/registry/v1/enterprises/{uscc}/changes", params=params, headers=headers or registry.admin
    )
    assert r.status_code == 200, r.text
    return r.json()


async def rows(registry) -> int:
    async with registry.ctx.db.read() as s:
        return (await s.execute(select(func.count()).select_from(EnterpriseChange))).scalar_one()


async def patch(registry, uscc: str, version: int, body: dict, headers=None, expect: int = 200) -> dict:
    r = await registry.client.patch(
        f"/registry/v1/enterprises/{uscc}",
        json=body,
        headers=(headers or registry.admin) | {"If-Match": f'"{version}"'},
    )
    assert r.status_code == expect, r.text
    return r.json()


async def test_a_registration_logs_every_field_given_by_whom_and_when(registry):
    e = await registry.register(headers=registry.officer_a)
    body = await log(registry, e["uscc"])
    assert body["total"] == 1
    (change,) = body["items"]
    assert change["kind"] == "registered" and change["by"] == "officer-a" and change["uscc"] == e["uscc"]
    assert change["fields"] == ALL_GIVEN  # status: the default the record holds; nothing left null is named
    assert datetime.fromisoformat(change["at"]) == registry.clock.now()


async def test_an_update_logs_the_fields_it_changed_newest_first(registry):
    e = await registry.register()
    registry.clock.advance(timedelta(hours=1))
    await patch(registry, e["uscc"], 1, {"employees": 41, "name": e["name"], "safety_lead_phone": "0572-1234567"})
    registry.clock.advance(timedelta(hours=1))
    await patch(
        registry,
        e["uscc"],
        2,
        {"standardization_grade": 2, "standardization_valid_until": "2028-01-01"},
        headers=registry.officer_b,
    )
    body = await log(registry, e["uscc"])
    assert [(c["kind"], c["by"], c["fields"]) for c in body["items"]] == [
        ("updated", "officer-b", ["standardization_grade", "standardization_valid_until"]),
        ("updated", "admin-1", ["safety_lead_phone", "employees"]),  # the unchanged name is not named
        ("registered", "admin-1", ALL_GIVEN),
    ]
    assert body["items"][0]["at"] > body["items"][1]["at"] > body["items"][2]["at"]
    page = await log(registry, e["uscc"], limit=1, offset=1)
    assert (page["total"], page["limit"], page["offset"], page["items"][0]["fields"]) == (
        3,
        1,
        1,
        ["safety_lead_phone", "employees"],
    )


async def test_nothing_is_logged_when_nothing_changes_or_the_write_fails(registry):
    e = await registry.register()
    assert await rows(registry) == 1
    await patch(registry, e["uscc"], 1, {"name": e["name"], "employees": e["employees"]})  # no change
    await patch(registry, e["uscc"], 1, {"name": "改名"}, expect=200)
    r = await registry.client.patch(
        f"/registry/v1/enterprises/{e['uscc']}", json={"name": "又改名"}, headers=registry.admin | {"If-Match": '"1"'}
    )
    problem(r, 412, "version_mismatch")
    r = await registry.client.patch(
        f"/registry/v1/enterprises/{e['uscc']}", json={"name": None}, headers=registry.admin | {"If-Match": '"2"'}
    )
    problem(r, 422, "validation_error")
    await registry.register(uscc=e["uscc"], expect=409)
    r = await registry.client.post(
        "/registry/v1/enterprises",
        json={
            "uscc": registry.code("330502"),
            "name": "x",
            "legal_representative": "y",
            "division_code": "330502",
            "category": "general",
        },
        headers=registry.as_("officer", "nanxun-1", division_code="330503"),
    )
    problem(r, 403, "outside_division")
    assert await rows(registry) == 2


async def test_standing_is_not_base_data_an_approval_or_listing_logs_nothing(registry):
    e = await registry.register()
    await registry.assess(e["uscc"])
    await registry.list_(e["uscc"])
    assert (await registry.get(e["uscc"]))["blacklisted"] is True
    assert [c["kind"] for c in (await log(registry, e["uscc"]))["items"]] == ["registered"]


async def test_an_import_logs_each_row_that_changes_something_under_its_job(registry):
    known = await registry.register()
    new = registry.code()
    lines = [
        f"{new},新企业,张三,330503,旧馆镇,三桥村,industry_trade,small,10",
        f"{known['uscc']},{known['name']},张三,330503,旧馆镇,三桥村,industry_trade,small,55",  # employees 40 -> 55
        f"{registry.code()},坏行,张三,3305,旧馆镇,三桥村,industry_trade,small,10",  # refused: nothing logged
    ]
    job = await upload(registry, "a.csv", (HEADER + "\n".join(lines) + "\n").encode())
    assert (job["succeeded_rows"], job["failed_rows"]) == (2, 1)
    by = f"import:{job['id']}"
    (reg,) = (await log(registry, new))["items"]
    assert (reg["kind"], reg["by"]) == ("registered", by)
    assert reg["fields"] == [
        "name",
        "legal_representative",
        "division_code",
        "category",
        "township",
        "village",
        "scale",
        "employees",
        "status",
    ]
    upd = (await log(registry, known["uscc"]))["items"][0]
    assert (upd["kind"], upd["by"], upd["fields"]) == ("updated", by, ["employees"])
    assert await rows(registry) == 3

    again = await upload(registry, "a.csv", (HEADER + "\n".join(lines) + "\n").encode())
    assert again["succeeded_rows"] == 2
    assert await rows(registry) == 3  # the same file again changes nothing, so logs nothing


async def test_a_grade_imported_for_an_a_class_enterprise_takes_the_full_path_and_is_logged(registry):
    e = await registry.register()
    await registry.assess(e["uscc"], total=95, standardization=95)  # A, grade 1: the honour-roll path
    head = "uscc,name,legal_representative,division_code,category,standardization_grade,standardization_valid_until\n"
    line = f"{e['uscc']},{e['name']},张三,330503,industry_trade,2,2029-06-30\n"
    job = await upload(registry, "g.csv", (head + line).encode())
    assert job["succeeded_rows"] == 1, job
    upd = (await log(registry, e["uscc"]))["items"][0]
    assert (upd["kind"], upd["by"], upd["fields"]) == (
        "updated",
        f"import:{job['id']}",
        ["standardization_grade", "standardization_valid_until"],
    )


def test_the_log_names_base_data_only():
    assert changes.changed_fields({"credit_class", "honour_roll", "standardization_revoked", "name"}) == ["name"]
    record = dict.fromkeys(changes.BASE_FIELDS) | {"uscc": "u", "name": "x", "status": "operating", "version": 1}
    assert changes.registered_fields(record) == ["name", "status"]


@pytest.fixture
async def world(registry):
    nanxun = await registry.register(division_code="330503")
    wuxing = await registry.register(division_code="330502", township="八里店镇", village="南山村")
    return registry, nanxun["uscc"], wuxing["uscc"]


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("admin", 200),
        ("city", 200),
        ("nanxun", 200),
        ("wuxing", 404),
        ("itself", 200),
        ("other_enterprise", 404),
        ("grid_worker", 403),
        ("expert", 403),
        ("advisor", 403),
        ("anonymous", 401),
    ],
)
async def test_who_reads_an_enterprises_changes(world, caller, status):
    reg, nanxun, wuxing = world
    headers = {
        "admin": reg.admin,
        "city": reg.officer_a,
        "nanxun": reg.as_("officer", "nanxun-1", division_code="330503"),
        "wuxing": reg.as_("officer", "wuxing-1", division_code="330502"),
        "itself": reg.as_("enterprise", "ent-1", uscc=nanxun),
        "other_enterprise": reg.as_("enterprise", "ent-2", uscc=wuxing),
        "grid_worker": reg.as_("grid_worker", "grid-1", grid_cell_ids=["c1"]),
        "expert": reg.as_("expert", "expert-1"),
        "advisor": reg.as_("advisor", "advisor-1", agency_id="ag-1"),
        "anonymous": {},
    }[caller]
    r = await reg.client.get(f"/registry/v1/enterprises/{nanxun}/changes", headers=headers)
    assert r.status_code == status, r.text
    if status == 404:
        # Outside the caller's scope looks exactly like a code that does not exist.
        assert r.json()["code"] == "enterprise_not_found"
    if status == 200:
        assert r.json()["total"] == 1


async def test_an_unknown_enterprise_is_404_and_a_bad_page_422(registry):
    r = await registry.client.get(f"/registry/v1/enterprises/{registry.code()}/changes", headers=registry.admin)
    problem(r, 404, "enterprise_not_found")
    e = await registry.register()
    r = await registry.client.get(
        f"/registry/v1/enterprises/{e['uscc']}/changes", params={"limit": 0}, headers=registry.admin
    )
    problem(r, 422, "validation_error")
