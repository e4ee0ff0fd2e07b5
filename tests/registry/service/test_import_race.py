"""A code registered by someone else between an import batch's SELECT and its INSERT."""

from services.registry.service import imports


async def test_a_code_registered_meanwhile_is_updated_on_the_batchs_second_try(registry, monkeypatch):
    taken = await registry.register(name="先登记的企业", division_code="330503")
    fresh = registry.code()
    real = imports._existing
    calls = []

    async def blind_first_time(uow, codes):
        calls.append(codes)
        found = await real(uow, codes)
        # The first look happens before the other registration commits: it finds nothing.
        return {} if len(calls) == 1 else found

    monkeypatch.setattr(imports, "_existing", blind_first_time)
    rows = [
        (
            2,
            {
                "uscc": fresh,
                "name": "新企业",
                "legal_representative": "甲",
                "division_code": "330503",
                "category": "general",
            },
        ),
        (
            3,
            {
                "uscc": taken["uscc"],
                "name": "导入的名称",
                "legal_representative": "张三",
                "division_code": "330503",
                "category": "industry_trade",
            },
        ),
    ]
    async with registry.ctx.uow() as uow:
        errors = await imports.process_batch(uow, rows)
        await uow.commit()
    assert errors == {} and len(calls) == 2
    assert (await registry.get(fresh))["name"] == "新企业"
    updated = await registry.get(taken["uscc"])
    assert (updated["name"], updated["version"]) == ("导入的名称", 2)
    types = [(e["type"], e["key"]) for e in await registry.outbox()]
    assert types.count(("registry.enterprise.registered.v1", taken["uscc"])) == 1  # the API's, not the import's
    assert ("registry.enterprise.registered.v1", fresh) in types
    assert ("registry.enterprise.updated.v1", taken["uscc"]) in types
