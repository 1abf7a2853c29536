// Sharing groups: named sets of organisations (and the nodes their records may be released to).
import type { AppContext } from '../../app.ts';
import type { Tx } from '../../store/db.ts';
import { nextVersion, nowIso } from '../../store/time.ts';
import { Conflict, Invalid, NotFound } from '../../domain/errors.ts';
import { authorize, requireIdentified, requireUser } from '../../policy/authorize.ts';
import { mayCreateSharingGroup, mayEditSharingGroup, mayExtendSharingGroup } from '../../policy/sharing-groups.ts';
import type { Actor, Viewer } from '../../policy/viewer.ts';
import { appendAudit } from '../audit/service.ts';
import * as q from './queries.ts';
import type { CreateSharingGroupInput, SharingGroup, UpdateSharingGroupInput } from './schemas.ts';
import { newId } from '../../store/ids.ts';

async function assemble(tx: Tx, rows: Awaited<ReturnType<typeof q.listVisibleGroups>>): Promise<SharingGroup[]> {
  const ids = rows.map((r) => r.id);
  const [members, nodes] = await Promise.all([q.membersOf(tx, ids), q.nodesOf(tx, ids)]);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    ownerOrgId: row.owner_org_id,
    members: members
      .filter((m) => m.group_id === row.id)
      .map((m) => ({ orgId: m.org_id, name: m.name, country: m.country, homeNode: m.home_node, extend: m.extend === 1 })),
    releasableTo: nodes.filter((n) => n.group_id === row.id).map((n) => n.node),
    createdAt: row.created_at,
    modified: row.modified,
  }));
}

export async function listSharingGroups(ctx: AppContext, viewer: Viewer): Promise<SharingGroup[]> {
  requireIdentified(viewer);
  return assemble(ctx.store.db, await q.listVisibleGroups(ctx.store.db, viewer));
}

async function visibleGroup(tx: Tx, viewer: Viewer, id: string): Promise<SharingGroup> {
  const [group] = await assemble(tx, await q.listVisibleGroups(tx, viewer, id));
  if (!group) throw new NotFound('sharing group');
  return group;
}

export async function getSharingGroup(ctx: AppContext, viewer: Viewer, id: string): Promise<SharingGroup> {
  requireIdentified(viewer);
  return visibleGroup(ctx.store.db, viewer, id);
}

function cleanNodes(nodes: string[] | undefined): string[] | undefined {
  return nodes === undefined ? undefined : [...new Set(nodes.map((n) => n.trim()).filter(Boolean))].sort();
}

export async function createSharingGroup(ctx: AppContext, actor: Actor, input: CreateSharingGroupInput): Promise<SharingGroup> {
  const viewer = actor.viewer;
  requireUser(viewer);
  authorize(viewer, mayCreateSharingGroup(viewer), 'sharing groups are created by a team manager');
  const name = input.name.trim();
  if (!name) throw new Invalid('name', 'must not be blank');
  const members = new Map<string, boolean>([[viewer.orgId, true]]); // the owner team is a member with the extend right
  for (const m of input.members ?? []) if (m.orgId !== viewer.orgId) members.set(m.orgId, m.extend ?? false);
  return ctx.store.db.transaction().execute(async (tx) => {
    if (await q.groupNameTaken(tx, name)) throw new Conflict('name', `a sharing group named "${name}" already exists`);
    const known = await q.existingOrganisations(tx, [...members.keys()]);
    const unknownIndex = (input.members ?? []).findIndex((m) => !known.has(m.orgId));
    if (unknownIndex >= 0) throw new Invalid(`members[${unknownIndex}].orgId`, 'no such organisation');
    const now = nowIso();
    const id = newId();
    await q.insertGroup(tx, { id, name, description: input.description?.trim() ?? '', owner_org_id: viewer.orgId, created_at: now, modified: now });
    for (const [orgId, extend] of members) await q.upsertMember(tx, id, orgId, extend);
    await q.replaceNodes(tx, id, cleanNodes(input.releasableTo) ?? []);
    await appendAudit(tx, ctx.store.engine, actor, {
      action: 'sharing_group.create',
      objectType: 'sharing_group',
      objectId: id,
      details: { name, members: [...members.keys()], releasableTo: cleanNodes(input.releasableTo) ?? [] },
    });
    return visibleGroup(tx, viewer, id);
  });
}

export async function updateSharingGroup(ctx: AppContext, actor: Actor, id: string, input: UpdateSharingGroupInput): Promise<SharingGroup> {
  const viewer = actor.viewer;
  requireUser(viewer);
  return ctx.store.db.transaction().execute(async (tx) => {
    const group = await visibleGroup(tx, viewer, id);
    authorize(viewer, mayEditSharingGroup(viewer, group), "only the owner team's managers edit the group");
    const changes: { name?: string; description?: string } = {};
    if (input.name !== undefined) {
      const name = input.name.trim();
      if (!name) throw new Invalid('name', 'must not be blank');
      if (await q.groupNameTaken(tx, name, id)) throw new Conflict('name', `a sharing group named "${name}" already exists`);
      changes.name = name;
    }
    if (input.description !== undefined) changes.description = input.description.trim();
    await q.updateGroup(tx, id, { ...changes, modified: nextVersion(group.modified) });
    const nodes = cleanNodes(input.releasableTo);
    if (nodes) await q.replaceNodes(tx, id, nodes);
    await appendAudit(tx, ctx.store.engine, actor, { action: 'sharing_group.update', objectType: 'sharing_group', objectId: id, details: { ...changes, ...(nodes ? { releasableTo: nodes } : {}) } });
    return visibleGroup(tx, viewer, id);
  });
}

export async function addSharingGroupMember(ctx: AppContext, actor: Actor, id: string, member: { orgId: string; extend?: boolean | undefined }): Promise<SharingGroup> {
  const viewer = actor.viewer;
  requireUser(viewer);
  return ctx.store.db.transaction().execute(async (tx) => {
    const group = await visibleGroup(tx, viewer, id);
    const extenders = group.members.filter((m) => m.extend).map((m) => m.orgId);
    authorize(viewer, mayExtendSharingGroup(viewer, { ownerOrgId: group.ownerOrgId, extenders }), 'you may not add members to this group');
    // Only the owner team hands out the extend right.
    if (member.extend && !mayEditSharingGroup(viewer, group)) throw new Invalid('extend', 'only the owner team grants the extend right');
    if (!(await q.existingOrganisations(tx, [member.orgId])).has(member.orgId)) throw new Invalid('orgId', 'no such organisation');
    await q.upsertMember(tx, id, member.orgId, member.extend ?? false);
    await q.updateGroup(tx, id, { modified: nextVersion(group.modified) });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'sharing_group.member_add', objectType: 'sharing_group', objectId: id, details: { orgId: member.orgId, extend: member.extend ?? false } });
    return visibleGroup(tx, viewer, id);
  });
}

export async function removeSharingGroupMember(ctx: AppContext, actor: Actor, id: string, orgId: string): Promise<SharingGroup> {
  const viewer = actor.viewer;
  requireUser(viewer);
  return ctx.store.db.transaction().execute(async (tx) => {
    const group = await visibleGroup(tx, viewer, id);
    authorize(viewer, mayEditSharingGroup(viewer, group), "only the owner team's managers remove members");
    if (orgId === group.ownerOrgId) throw new Invalid('orgId', 'the owner team cannot leave its own group');
    if (!(await q.removeMember(tx, id, orgId))) throw new NotFound('member');
    await q.updateGroup(tx, id, { modified: nextVersion(group.modified) });
    await appendAudit(tx, ctx.store.engine, actor, { action: 'sharing_group.member_remove', objectType: 'sharing_group', objectId: id, details: { orgId } });
    return visibleGroup(tx, viewer, id);
  });
}
