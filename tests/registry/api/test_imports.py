"""Importing officers' spreadsheets: CSV in UTF-8 and GB18030, XLSX; row errors; re-import changes nothing."""

import asyncio
import io
from datetime import date

import openpyxl
import pytest

from shared.contracts.registry import EnterpriseRegisteredV1, EnterpriseUpdatedV1
from tests.registry.conftest import problem

REGISTERED = EnterpriseRegisteredV1.event_type
UPDATED = EnterpriseUpdatedV1.event_type
HEADER = "uscc,name,legal_representative,division_code,township,village,category,scale,employees\n"


async def finish(registry) -> None:
    """Wait for the import tasks the upload started (no sleeping: await them)."""
    while registry.ctx.runtime.oneoffs:
        await asyncio.gather(*list(registry.ctx.runtime.oneoffs))


async def upload(registry, filename: str, data: bytes, headers=None) -> dict:
    r = await registry.client.post(
        "/registry/v1/imports",
        files={"file": (filename, data, "application/octet-stream")},
        headers=headers or registry.admin,
    )
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "queued"
    await finish(registry)
    job = await registry.client.get(f"/registry/v1/imports/{r.json()['id']}", headers=headers or registry.admin)
    assert job.status_code == 200, job.text
    return job.json()


def csv_rows(registry, n: int, division="330503") -> list[str]:
    return [
        f"{registry.code(division)},南浔企业{i},张三,{division},旧馆镇,三桥村,industry_trade,small,{10 + i}"
        for i in range(n)
    ]


async def test_utf8_csv_imports_the_good_rows_and_reports_the_bad_ones_by_row(registry):
    good = csv_rows(registry, 3)
    bad = [
        "914403001922038217,校验位错误,李四,330503,旧馆镇,三桥村,general,small,5",
        f"{registry.code()},行业错误,李四,330503,旧馆镇,三桥村,bakery,small,5",
        f"{registry.code()},,李四,3305,旧馆镇,三桥村,general,huge,-3",
    ]
    data = (HEADER + "\n".join([good[0], bad[0], good[1], bad[1], "", bad[2], good[2]]) + "\n").encode()
    job = await upload(registry, "enterprises.csv", data)
    assert (job["status"], job["kind"], job["progress"]) == ("done", "enterprises", 1.0)
    assert (job["total_rows"], job["processed_rows"], job["succeeded_rows"], job["failed_rows"]) == (6, 6, 3, 3)
    by_row = {e["row"]: e["errors"] for e in job["errors"]}
    assert sorted(by_row) == [3, 5, 7]  # the header is row 1; the blank line is not a row
    assert by_row[3] == [{"field": "uscc", "message": "check character should be '6', got '7'"}]
    assert by_row[5][0]["field"] == "category" and "bakery" in by_row[5][0]["message"]
    assert {e["field"] for e in by_row[7]} == {"name", "division_code", "scale", "employees"}

    registered = await registry.outbox(REGISTERED)
    assert sorted(r["key"] for r in registered) == sorted(line.split(",")[0] for line in good)
    ent = await registry.get(good[2].split(",")[0])
    assert (ent["name"], ent["employees"], ent["township"], ent["version"]) == ("南浔企业2", 12, "旧馆镇", 1)
    assert len(await registry.delivered(REGISTERED)) == 3


async def test_gb18030_csv_with_chinese_headers_and_labels(registry):
    code = registry.code("330521")
    text = (
        "统一社会信用代码,企业名称,法定代表人,主要负责人,安全负责人,所在区划代码,乡镇（街道）,村（社区）,行业类别,规模,从业人员数,标准化等级,标准化有效期至\n"
        f"{code},德清县新市镇化工有限公司,王芳,王芳,赵强,330521,新市镇,土林村,危险化学品,中型,120,二级,2027/06/30\n"
    )
    job = await upload(registry, "德清企业.csv", text.encode("gb18030"))
    assert (job["succeeded_rows"], job["failed_rows"]) == (1, 0), job
    ent = await registry.get(code)
    assert (ent["name"], ent["category"], ent["scale"], ent["employees"]) == (
        "德清县新市镇化工有限公司",
        "hazardous_chemicals",
        "medium",
        120,
    )
    assert (ent["township"], ent["village"], ent["safety_lead"]) == ("新市镇", "土林村", "赵强")
    assert (ent["standardization_grade"], ent["standardization_valid_until"]) == (2, "2027-06-30")


def xlsx(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def test_xlsx_numbers_that_come_back_as_floats_are_coerced(registry):
    code, other = registry.code("330522"), registry.code("330522")
    data = xlsx(
        [
            [
                "统一社会信用代码",
                "企业名称",
                "法定代表人",
                "所在区划代码",
                "乡镇",
                "行业类别",
                "从业人员数",
                "主要负责人电话",
                "标准化等级",
                "标准化有效期至",
            ],
            [
                code,
                "长兴县李家巷镇矿业有限公司",
                "陈伟",
                330522,
                "李家巷镇",
                "矿山",
                85,
                13857200001,
                3,
                date(2028, 1, 15),
            ],
            [other, "长兴县某石料厂", "周杰", 330522.0, "李家巷镇", "矿山", 12.5, None, None, None],
        ]
    )
    job = await upload(registry, "长兴.xlsx", data)
    assert (job["succeeded_rows"], job["failed_rows"]) == (1, 1), job
    assert job["errors"] == [
        {"row": 3, "errors": [{"field": "employees", "message": "must be a whole number, got 12.5"}]}
    ]
    ent = await registry.get(code)
    assert (ent["division_code"], ent["employees"], ent["person_in_charge_phone"]) == ("330522", 85, "13857200001")
    assert (ent["category"], ent["standardization_grade"], ent["standardization_valid_until"]) == (
        "mining",
        3,
        "2028-01-15",
    )


async def test_reimporting_the_same_file_changes_nothing(registry):
    data = (HEADER + "\n".join(csv_rows(registry, 5)) + "\n").encode()
    first = await upload(registry, "a.csv", data)
    events = len(await registry.outbox())
    again = await upload(registry, "a.csv", data)
    assert (first["succeeded_rows"], again["succeeded_rows"], again["failed_rows"]) == (5, 5, 0)
    assert len(await registry.outbox()) == events
    r = await registry.client.get("/registry/v1/enterprises", headers=registry.admin)
    assert {i["version"] for i in r.json()["items"]} == {1}


async def test_a_changed_row_updates_that_enterprise_only_and_announces_the_change(registry):
    rows = csv_rows(registry, 3)
    await upload(registry, "a.csv", (HEADER + "\n".join(rows) + "\n").encode())
    code = rows[1].split(",")[0]
    rows[1] = rows[1].replace("南浔企业1", "南浔企业一号").replace(",11", ",30")
    job = await upload(registry, "a.csv", (HEADER + "\n".join(rows) + "\n").encode())
    assert job["succeeded_rows"] == 3
    [row] = await registry.outbox(UPDATED)
    assert row["data"] == {"uscc": code, "changed": {"name": "南浔企业一号", "employees": 30}}
    ent = await registry.get(code)
    assert (ent["name"], ent["employees"], ent["version"]) == ("南浔企业一号", 30, 2)


async def test_a_narrower_file_leaves_the_columns_it_lacks_alone(registry):
    rows = csv_rows(registry, 1)
    await upload(registry, "a.csv", (HEADER + rows[0] + "\n").encode())
    code = rows[0].split(",")[0]
    narrow = (
        "uscc,name,legal_representative,division_code,category\n" + f"{code},南浔企业0,张三,330503,industry_trade\n"
    )
    await upload(registry, "b.csv", narrow.encode())
    ent = await registry.get(code)
    assert (ent["township"], ent["employees"], ent["version"]) == ("旧馆镇", 10, 1)


async def test_a_code_twice_in_one_file_imports_the_last_row(registry):
    code = registry.code()
    rows = [f"{code},{name},张三,330503,旧馆镇,三桥村,general,small,{n}" for n, name in ((1, "第一行"), (2, "第二行"))]
    data = HEADER + "\n".join(rows) + "\n"
    job = await upload(registry, "dup.csv", data.encode())
    assert job["errors"] == [
        {
            "row": 2,
            "errors": [
                {"field": "uscc", "message": "the same code is on row 3; only the last row of a code is imported"}
            ],
        }
    ]
    assert (await registry.get(code))["name"] == "第二行"
    assert len(await registry.outbox(REGISTERED)) == 1


async def test_an_officer_imports_only_within_their_division(registry):
    outside = await registry.register(division_code="330502")
    nanxun = registry.as_("officer", "nanxun-1", division_code="330503")
    inside = registry.code()
    data = HEADER + "\n".join(
        [
            f"{inside},南浔企业,张三,330503,旧馆镇,三桥村,general,small,1",
            f"{registry.code('330502')},吴兴企业,张三,330502,八里店镇,南山村,general,small,1",
            f"{outside['uscc']},改到南浔,张三,330503,旧馆镇,三桥村,general,small,1",
        ]
    )
    job = await upload(registry, "n.csv", data.encode(), headers=nanxun)
    assert (job["succeeded_rows"], [e["row"] for e in job["errors"]]) == (1, [3, 4])
    assert {e["errors"][0]["message"] for e in job["errors"]} == {"outside your division 330503"}
    assert (await registry.get(outside["uscc"]))["name"] == "湖州测试制造有限公司"
    # The officer's job is theirs: another officer cannot read it.
    r = await registry.client.get(f"/registry/v1/imports/{job['id']}", headers=registry.officer_a)
    problem(r, 404, "import_not_found")
    assert (await registry.client.get(f"/registry/v1/imports/{job['id']}", headers=registry.admin)).status_code == 200


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("a.csv", b"uscc,name\n123,x\n", "missing_columns"),
        ("a.csv", b"", "empty_file"),
        ("a.xlsx", b"PK\x03\x04garbage", "unreadable_file"),
        (
            "a.csv",
            "统一社会信用代码,信用代码,企业名称,法定代表人,所在区划代码,行业类别\n".encode(),
            "duplicate_columns",
        ),
    ],
)
async def test_unreadable_files_are_refused_at_upload(registry, filename, data, code):
    r = await registry.client.post("/registry/v1/imports", files={"file": (filename, data)}, headers=registry.admin)
    problem(r, 422, code)


async def test_upload_needs_the_file_field_and_a_staff_role(registry):
    r = await registry.client.post("/registry/v1/imports", files={"other": ("a.csv", b"x")}, headers=registry.admin)
    problem(r, 422, "validation_error")
    r = await registry.client.post(
        "/registry/v1/imports",
        files={"file": ("a.csv", b"x")},
        headers=registry.as_("enterprise", "e", uscc="914403001922038216"),
    )
    problem(r, 403, "forbidden_role")


async def test_unknown_job_is_404(registry):
    problem(await registry.client.get("/registry/v1/imports/nope", headers=registry.admin), 404, "import_not_found")


async def test_a_queued_job_left_by_a_restart_is_run_by_the_scheduled_job(registry):
    from services.registry.service import imports
    from shared.security.principal import Principal

    data = (HEADER + "\n".join(csv_rows(registry, 2)) + "\n").encode()
    async with registry.ctx.uow() as uow:
        queued = await imports.submit(
            uow=uow, user=Principal("admin-1", "admin"), filename="a.csv", data=data, start=False
        )
    assert await registry.ctx.run_job("imports") == 1
    assert await registry.ctx.run_job("imports") == 0
    job = (await registry.client.get(f"/registry/v1/imports/{queued['id']}", headers=registry.admin)).json()
    assert (job["status"], job["succeeded_rows"]) == ("done", 2)


async def test_a_new_grade_from_a_file_moves_the_honour_roll(registry):
    code = (await registry.register(standardization_grade=2, standardization_valid_until="2028-12-31"))["uscc"]
    await registry.assess(code, total=95, standardization=88)  # A, but grade 2: not on the roll
    assert (await registry.get(code))["honour_roll"] is False
    header = "uscc,name,legal_representative,division_code,category,standardization_grade,standardization_valid_until\n"
    row = f"{code},湖州测试制造有限公司,张三,330503,industry_trade,一级,2029-06-30\n"
    job = await upload(registry, "grades.csv", (header + row).encode())
    assert job["succeeded_rows"] == 1, job
    ent = await registry.get(code)
    assert (ent["standardization_grade"], ent["honour_roll"]) == (1, True)
    assert (await registry.outbox(UPDATED))[-1]["data"]["changed"] == {
        "standardization_grade": 1,
        "standardization_valid_until": "2029-06-30",
        "honour_roll": True,
    }
