/** The same rule as the server (dms/documents/permissions.py), to decide what to offer. */
import type { Department, Me } from './api';

/** The person's departments and everything below them. */
export function departmentsWithAuthority(me: Me, all: Department[]): Department[] {
  if (me.sees_everything) return all;
  const ids = new Set(me.departments.map((d) => d.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of all) {
      if (d.parent !== null && ids.has(d.parent) && !ids.has(d.id)) {
        ids.add(d.id);
        grew = true;
      }
    }
  }
  const known = all.filter((d) => ids.has(d.id));
  // The list may not be loaded yet: the person's own departments are always allowed.
  for (const d of me.departments) if (!known.some((k) => k.id === d.id)) known.push(d);
  return known;
}

export function mayChange(me: Me, all: Department[], departmentCode: string | null, frozen: boolean): boolean {
  if (frozen) return false;
  if (me.sees_everything) return true;
  if (!departmentCode) return false;
  return departmentsWithAuthority(me, all).some((d) => d.code === departmentCode);
}
