"""The city's 2015 grid work (mission.md): 7,623 enterprises inspected, 36,773 inspections.

A year of visits is loaded in bulk as historical rows (recording one visit through the API is
tested in test_inspections.py); what this proves is that ``/grid/v1/stats`` counts them exactly,
at every level, and leaves out what lies outside the period.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert

from services.grid import models

CST = timezone(timedelta(hours=8))
COUNTIES = ["330502", "330503", "330521", "330522", "330523"]
TOWNS, VILLAGES = 70, 16
ENTERPRISES, INSPECTED, INSPECTIONS = 8_000, 7_623, 36_773


def city_grid_2015(now: datetime, seed: int = 2015) -> list[tuple]:
    rng = random.Random(seed)
    cells, villages, enterprises, visits = [], [], [], []
    for t in range(TOWNS):
        tid, division = f"t{t:03d}", COUNTIES[t % 5]
        cells.append(
            dict(id=tid, code=f"T{t:03d}", name=f"镇{t}", level=1, parent_id=None, division_code=division,
                 scope_code=division, path=f"/{tid}/", created_at=now, created_by="t")
        )  # fmt: skip
        for v in range(VILLAGES):
            vid = f"{tid}v{v:02d}"
            cells.append(
                dict(id=vid, code=f"V{t:03d}{v:02d}", name=f"村{v}", level=2, parent_id=tid, division_code=None,
                     scope_code=division, path=f"/{tid}/{vid}/", created_at=now, created_by="t")
            )  # fmt: skip
            villages.append((vid, division))
    for e in range(ENTERPRISES):
        vid, division = villages[e % len(villages)]
        enterprises.append(
            dict(uscc=f"91{division}{e:010d}", name=f"企业{e}", division_code=division, category="industry_trade",
                 blacklist_entries={}, cell_id=vid, placement="auto", as_of=now, updated_at=now)
        )  # fmt: skip
    start = datetime(2015, 1, 1, tzinfo=CST)
    seconds_2015 = 365 * 86400

    def visit(ent: dict, at: datetime) -> None:
        visits.append(
            dict(id=f"i{len(visits):09d}", uscc=ent["uscc"], cell_id=ent["cell_id"], inspected_at=at, inspector="x",
                 checklist=[], recorded_by="t", recorded_at=at)
        )  # fmt: skip

    inspected = enterprises[:INSPECTED]  # the other 377 were not visited in 2015
    for ent in inspected:  # each inspected enterprise at least once
        visit(ent, start + timedelta(seconds=rng.randrange(seconds_2015)))
    for _ in range(INSPECTIONS - INSPECTED - 2):  # two more on the year's edges, below
        visit(rng.choice(inspected), start + timedelta(seconds=rng.randrange(seconds_2015)))
    # The first and last instants of the local year count; the instants around them do not.
    visit(inspected[0], start)
    visit(inspected[1], datetime(2015, 12, 31, 23, 59, 59, tzinfo=CST))
    for ent in enterprises[INSPECTED:]:  # outside the period: the day before, the day after
        visit(ent, start - timedelta(seconds=1))
        visit(ent, datetime(2016, 1, 1, tzinfo=CST))
    return [
        (models.Cell.__table__, cells),
        (models.Enterprise.__table__, enterprises),
        (models.Inspection.__table__, visits),
    ]


async def test_2015_grid_work_reproduces_the_city_figures(grid):
    async with grid.ctx.uow() as uow:
        for table, rows in city_grid_2015(grid.clock.now()):
            for i in range(0, len(rows), 5_000):
                await uow.session.execute(insert(table), rows[i : i + 5_000])
        await uow.commit()

    period = {"from": "2015-01-01", "to": "2015-12-31"}
    r = await grid.client.get("/grid/v1/stats", params=period, headers=grid.admin)
    assert r.status_code == 200, r.text
    stats = r.json()
    total = stats["total"]
    assert (total["enterprises"], total["enterprises_inspected"], total["inspections"]) == (
        ENTERPRISES,
        INSPECTED,
        INSPECTIONS,
    )
    assert len(stats["cells"]) == TOWNS
    for field in ("enterprises", "enterprises_inspected", "inspections"):
        assert sum(c[field] for c in stats["cells"]) == total[field], field
    # One county's officer sees their county's share, summed the same way.
    county = await grid.client.get("/grid/v1/stats", params=period, headers=grid.officer("330503"))
    assert county.json()["total"]["inspections"] == sum(
        c["inspections"] for i, c in enumerate(stats["cells"]) if i % 5 == 1
    )
