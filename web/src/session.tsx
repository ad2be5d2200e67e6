// The signed-in person, shared with every page: how they are signed in (session cookie or API key), their role, and
// who they are (GET /api/me).
import { createContext, useContext } from 'react';
import type { Session } from './api/client';

export interface Who extends Session {
  email: string | null;
  displayName: string | null;
}

export const SessionContext = createContext<Who | null>(null);

/** The signed-in person (the shell renders pages only when someone is). */
export function useSession(): Who {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in shell');
  return s;
}

const RANK = { member: 0, approver: 1, admin: 2 } as const;
/** True when `role` includes `needed` (admin ⊇ approver ⊇ member). */
export const hasRole = (role: Session['role'], needed: Session['role']): boolean => RANK[role] >= RANK[needed];

/** After a proposal was made, approved, rejected or changed: the approvals list, badge and meetings are re-read. */
export { approvalsChanged } from './query';
