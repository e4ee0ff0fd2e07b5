"""Historical ledgers: CSV (UTF-8, GB18030) and XLSX, English or Chinese headers, a per-row report,
hazards that count like any other, and the ``anjian import hazards`` command."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

COLUMNS = [
    "uscc",
    "description",
    "level",
    "source",
    "found_at",
    "notice_number",
    "notice_issued_at",
    "deadline",
    "closed_at",
]


def csv_bytes(rows: list[list], header=COLUMNS, encoding="utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


async def upload(hz, name: str, data: bytes, headers=None) -> dict:
    r = await hz.client.post("/hazard/v1/imports", files={"file": (name, data)}, headers=headers or hz.admin)
    assert r.status_code == 202, r.text
    await asyncio.gather(*hz.ctx.runtime.oneoffs)
    return await hz.get(f"/hazard/v1/imports/{r.json()['id']}")


async def test_good_rows_load_and_each_bad_row_is_reported_with_its_fields(hz):
    hz.clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    a, b = await hz.enterprise("330503"), await hz.enterprise("330521")
    unknown = hz.new_uscc()
    rows = [
        [
            a,
            "消防通道堵塞",
            "general",
            "routine_check",
            "2026-01-05 09:00",
            "湖安监整改〔2026〕0005号",
            "2026-01-06",
            "2026-01-20",
            "2026-01-18 10:00",
        ],  # 2: closed on time
        [b, "配电箱未接地", "一般", "网格巡查", "2026/2/1", "", "", "", "2026/2/1 11:00"],  # 3: fixed on the spot
        [
            a,
            "叉车无证驾驶",
            "general",
            "",
            "2026-03-01",
            "南浔安监整改[2026]7号",
            "2026-03-02",
            "2026-03-15",
            "",
        ],  # 4: open, overdue
        [unknown, "x", "general", "", "2026-01-01", "", "", "", ""],  # 5: unknown enterprise
        [a, "x", "severe", "", "2026-01-01", "", "", "", ""],  # 6: bad level
        [a, "x", "general", "", "", "", "", "", ""],  # 7: no found_at
        [a, "x", "general", "", "2026-01-01", "湖安监整改〔2026〕0009号", "2026-01-10", "2026-01-05", ""],  # 8
        [a, "x", "重大", "", "2026-01-01", "", "", "", ""],  # 9: major, no basis
        [b, "y", "general", "", "2026-01-03", "湖安监整改〔2026〕5号", "2026-01-04", "2026-01-30", ""],  # 10: dup no.
        [a, "z", "general", "", "2027-01-01", "", "", "", ""],  # 11: in the future
        [a, "w", "general", "", "2026-01-01", "", "", "2026-01-30", ""],  # 12: deadline, no notice
    ]
    job = await upload(hz, "ledger.csv", csv_bytes(rows))
    assert (job["status"], job["total_rows"], job["succeeded_rows"], job["failed_rows"]) == ("done", 11, 3, 8)
    report = {e["row"]: {x["field"] for x in e["errors"]} for e in job["errors"]}
    assert report == {
        5: {"uscc"},
        6: {"level"},
        7: {"found_at"},
        8: {"deadline"},
        9: {"major_basis"},
        10: {"notice_number"},
        11: {"found_at"},
        12: {"notice_number"},
    }
    page = await hz.get("/hazard/v1/hazards", imported="true")
    by_description = {i["description"]: i for i in page["items"]}
    assert set(by_description) == {"消防通道堵塞", "配电箱未接地", "叉车无证驾驶"}
    ontime = by_description["消防通道堵塞"]
    assert (ontime["status"], ontime["notice_number"], ontime["deadline"], ontime["closed_at"]) == (
        "closed",
        "湖安监整改〔2026〕0005号",
        "2026-01-20",
        "2026-01-18T02:00:00Z",
    )
    assert by_description["配电箱未接地"]["source"] == "grid_inspection"
    assert by_description["叉车无证驾驶"]["notice_number"] == "南浔安监整改〔2026〕0007号"
    assert by_description["叉车无证驾驶"]["overdue"] is True
    detail = await hz.get(f"/hazard/v1/hazards/{ontime['id']}")
    assert [t["action"] for t in detail["transitions"]] == ["import"]
    assert detail["notices"][0]["imported"] is True
    stats = await hz.get("/hazard/v1/stats", **{"from": "2026-01-01", "to": "2026-03-31"})
    assert (stats["hazards"], stats["notices"], stats["due"], stats["closed_on_time"], stats["overdue"]) == (
        3,
        2,
        2,
        1,
        1,
    )
    # Imported events are history: nothing is announced for them...
    assert await hz.outbox() == []
    # ...but the open, overdue one is escalated like any hazard, and numbering goes on after the ledger's.
    assert await hz.ctx.run_job("deadlines") == {"overdue": 1, "supervision_letter": 1}
    fresh = await hz.hazard(a)
    notice = await hz.post(
        f"/hazard/v1/hazards/{fresh['id']}/notices",
        {"deadline": "2026-06-30", "measures": "m"},
        headers=hz.headers("officer", division_code="330500"),
        expect=201,
    )
    assert notice["number"] == "湖安监整改〔2026〕0006号"


async def test_importing_the_same_ledger_again_adds_nothing(hz):
    a = await hz.enterprise()
    data = csv_bytes([[a, "消防通道堵塞", "general", "", "2025-12-01", "", "", "", "2025-12-01 12:00"]])
    first = await upload(hz, "l.csv", data)
    second = await upload(hz, "l.csv", data)
    assert first["succeeded_rows"] == 1
    assert (
        second["failed_rows"] == 1 and second["errors"][0]["errors"][0]["message"] == "this hazard was already imported"
    )
    assert (await hz.get("/hazard/v1/hazards"))["total"] == 1


async def test_xlsx_with_chinese_headers_and_date_cells(hz):
    a = await hz.enterprise()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "统一社会信用代码",
            "隐患描述",
            "隐患等级",
            "发现时间",
            "整改通知书编号",
            "下达日期",
            "整改期限",
            "销号时间",
            "判定依据",
            "判定条款",
        ]
    )
    ws.append(
        [
            a,
            "储罐区防火堤破损",
            "重大隐患",
            datetime(2025, 11, 3, 9, 30),
            "德清安监整改〔2025〕0001号",
            datetime(2025, 11, 4),
            datetime(2025, 12, 31),
            datetime(2025, 12, 20, 15, 0),
            "应急管理部令第10号",
            "第四条",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    job = await upload(hz, "台账.xlsx", buf.getvalue())
    assert (job["status"], job["succeeded_rows"], job["errors"]) == ("done", 1, [])
    [h] = (await hz.get("/hazard/v1/hazards"))["items"]
    assert (h["level"], h["major_basis"], h["found_at"], h["deadline"], h["closed_at"]) == (
        "major",
        {"standard": "应急管理部令第10号", "clause": "第四条"},
        "2025-11-03T01:30:00Z",
        "2025-12-31",
        "2025-12-20T07:00:00Z",
    )
    assert h["status"] == "closed" and h["plan_submitted"] is True


async def test_a_ledger_without_the_required_columns_or_unreadable_is_refused_at_once(hz):
    r = await hz.client.post(
        "/hazard/v1/imports", files={"file": ("l.csv", csv_bytes([], header=["uscc", "备注"]))}, headers=hz.admin
    )
    assert r.status_code == 422 and r.json()["code"] == "missing_columns"
    assert {e["field"] for e in r.json()["errors"]} == {"description", "level", "found_at"}
    r = await hz.client.post("/hazard/v1/imports", files={"file": ("l.xlsx", b"PK\x03\x04garbage")}, headers=hz.admin)
    assert r.status_code == 422 and r.json()["code"] == "unreadable_file"
    r = await hz.client.post(
        "/hazard/v1/imports",
        files={"file": ("l.csv", csv_bytes([]))},
        headers=hz.headers("enterprise", uscc=hz.new_uscc()),
    )
    assert r.status_code == 403
    r = await hz.client.get("/hazard/v1/imports/nope", headers=hz.admin)
    assert r.status_code == 404


def test_cli_imports_a_ledger_with_a_progress_bar_and_an_error_report(tmp_path: Path):
    from services import cli
    from services.hazard.service.enterprises import apply_registered
    from shared.contracts.registry import EnterpriseRegisteredV1

    data_dir = tmp_path / "data"
    cli.suite_mod.migrate_all(data_dir, ("hazard",))
    uscc = "91330503MA2B3C4D5E"

    async def known():
        ctx = cli.context("hazard", data_dir)
        try:
            async with ctx.uow() as uow:
                data = EnterpriseRegisteredV1(uscc=uscc, name="某厂", division_code="330503", category="general")
                await apply_registered(uow=uow, data=data, at=datetime(2026, 1, 1, tzinfo=UTC))
                await uow.commit()
        finally:
            await ctx.db.dispose()

    asyncio.run(known())
    ledger = tmp_path / "ledger.csv"
    ledger.write_bytes(
        csv_bytes(
            [
                [uscc, "消防通道堵塞", "一般", "", "2025-05-01", "", "", "", "2025-05-01 10:00"],
                [
                    uscc,
                    "配电箱未接地",
                    "general",
                    "",
                    "2025-05-02",
                    "湖安监整改〔2025〕0001号",
                    "2025-05-02",
                    "2025-05-20",
                    "",
                ],
                ["91330503XXXXXXXXXX", "?", "general", "", "2025-05-03", "", "", "", ""],
            ],
            encoding="gb18030",
        )
    )
    result = CliRunner().invoke(cli.app, ["import", "hazards", str(ledger), "--data-dir", str(data_dir)])
    assert result.exit_code == 1, result.output
    assert "2 of 3 rows imported, 1 refused" in result.output
    assert "unknown enterprise 91330503XXXXXXXXXX" in result.output
    missing = tmp_path / "bad.csv"
    missing.write_text("uscc,description\n")
    result = CliRunner().invoke(cli.app, ["import", "hazards", str(missing), "--data-dir", str(data_dir)])
    assert result.exit_code == 1 and "missing columns: level, found_at" in result.output


async def test_each_imported_hazard_names_the_job_that_loaded_it(hz):
    a = await hz.enterprise()
    first = await upload(
        hz,
        "2024.csv",
        csv_bytes([[a, f"隐患{i}", "general", "", "2024-12-01", "", "", "", "2024-12-01 12:00"] for i in range(3)]),
    )
    second = await upload(
        hz, "2025.csv", csv_bytes([[a, "另一份台账", "general", "", "2025-12-01", "", "", "", "2025-12-01 12:00"]])
    )
    own = await hz.hazard(a)  # registered here, not imported
    assert own["import_job_id"] is None
    for job, n in ((first, 3), (second, 1)):
        listed = await hz.get("/hazard/v1/hazards", import_job_id=job["id"])
        assert listed["total"] == n
        assert {h["import_job_id"] for h in listed["items"]} == {job["id"]}
    assert (await hz.get("/hazard/v1/hazards", import_job_id="no-such-job"))["total"] == 0
