"""Policies (ladders), versioned: a PUT adds a version that new cases take; running cases
keep theirs unless migrated on purpose. The seeded policies (domain.policies.SEEDED) are
written on first use. Phone scripts at three levels, editable, seeded from the channels'."""
from __future__ import annotations

from dataclasses import replace

from services.dunning import delivery, repository
from services.dunning.deps import DunningDeps
from services.dunning.domain.policies import SEEDED, Policy, Step, check_policy
from services.dunning.tables import PolicyRow, PolicyStepRow, ScriptRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import NotFound, RuleError
from shared.money import from_minor, to_minor


def _rows(policy: Policy, ctx: Context) -> list:
    head = PolicyRow(name=policy.name, version=policy.version, description=policy.description,
                     grades=",".join(policy.grades), segments=",".join(policy.segments), currency=policy.currency,
                     current=True, created_at=ctx.now, created_by=ctx.name)
    return [head] + [PolicyStepRow(policy_name=policy.name, policy_version=policy.version, position=n,
                                   step_key=s.key, day=s.day, action=s.action, performer=s.performer,
                                   template=s.template, script_level=s.script_level,
                                   min_amount_minor=to_minor(s.min_amount, policy.currency),
                                   day_established=s.day_established, optional=s.optional)
                     for n, s in enumerate(policy.steps)]


async def ensure_seeded(uow: UnitOfWork, ctx: Context) -> None:
    """Inside the caller's transaction: the seeded policies and scripts, once."""
    if await repository.has_policies(uow):
        return
    for policy in SEEDED:
        repository.add_all(uow, _rows(policy, ctx))
    for level, texts in sorted(delivery.default_scripts().items()):
        repository.add(uow, ScriptRow(level=level, zh_cn=texts["zh-CN"], en=texts["en"], updated_at=ctx.now,
                                      updated_by="seed"))
    await repository.flush(uow)


def _policy(head: PolicyRow, steps: list[PolicyStepRow]) -> Policy:
    return Policy(head.name, tuple(Step(s.step_key, s.day, s.action, s.performer, s.template, s.script_level,
                                        from_minor(s.min_amount_minor, head.currency), s.day_established, s.optional)
                                   for s in steps),
                  head.version, head.description, tuple(filter(None, head.grades.split(","))),
                  tuple(filter(None, head.segments.split(","))), head.currency)


async def load(uow: UnitOfWork, keys: list[tuple[str, int]] | None = None,
               name: str | None = None) -> dict[tuple[str, int], Policy]:
    """Policies by (name, version): the given versions, or every current one."""
    heads = await repository.policy_versions(uow, name, current_only=keys is None)
    if keys is not None:
        wanted = set(keys)
        heads = [h for h in heads if (h.name, h.version) in wanted]
    steps = await repository.policy_steps(uow, [(h.name, h.version) for h in heads])
    return {(h.name, h.version): _policy(h, steps[(h.name, h.version)]) for h in heads}


async def put_policy(deps: DunningDeps, uow: UnitOfWork, ctx: Context, policy: Policy,
                     migrate_running: bool = False) -> int:
    """A new version of the policy (the first if new); with `migrate_running`, the open cases
    on an older version move to it. Returns the version."""
    check_policy(policy, delivery.known_templates())
    async with uow:
        await ensure_seeded(uow, ctx)
        versions = await repository.policy_versions(uow, policy.name)
        for v in versions:
            v.current = False
        version = max((v.version for v in versions), default=0) + 1
        repository.add_all(uow, _rows(replace(policy, version=version), ctx))
        if migrate_running:
            for case in await repository.open_cases_on_policy(uow, policy.name):
                case.policy_version, case.updated_at = version, ctx.now
        await uow.commit()
    return version


async def get_policy(deps: DunningDeps, uow: UnitOfWork, ctx: Context, name: str,
                     version: int | None = None) -> Policy:
    async with uow:
        await ensure_seeded(uow, ctx)
        await uow.commit()
        found = await load(uow, name=name) if version is None else await load(uow, [(name, version)])
        if not found:
            raise NotFound(f"no policy {name!r}" + (f" version {version}" if version else ""))
        return next(iter(found.values()))


async def list_policies(deps: DunningDeps, uow: UnitOfWork, ctx: Context) -> list[Policy]:
    async with uow:
        await ensure_seeded(uow, ctx)
        await uow.commit()
        return list((await load(uow)).values())


async def put_script(deps: DunningDeps, uow: UnitOfWork, ctx: Context, level: int, zh_cn: str, en: str) -> None:
    if level not in (1, 2, 3):
        raise RuleError("scripts have levels 1 to 3", "level", "script.level")
    async with uow:
        await ensure_seeded(uow, ctx)
        row = await repository.get(uow, ScriptRow, level)
        row.zh_cn, row.en, row.updated_at, row.updated_by = zh_cn, en, ctx.now, ctx.name
        await uow.commit()


async def scripts(deps: DunningDeps, uow: UnitOfWork, ctx: Context) -> list[ScriptRow]:
    async with uow:
        await ensure_seeded(uow, ctx)
        await uow.commit()
        return await repository.scripts(uow)
