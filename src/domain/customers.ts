// Customers (accounts) and their stakeholders (contacts), as the detection and metrics work with them.

export interface Stakeholder {
  id: string;
  customerId: string;
  email: string;
  name: string | null;
  /** Free text; executive roles (exec, vp, cxo, sponsor …) count for executive presence. */
  role: string | null;
}

export interface Customer {
  id: string;
  tenantId: string;
  name: string;
  /** Lower-case email domains; subdomains match too. */
  domains: string[];
  /** Keywords or RE2 patterns matched against meeting subjects. */
  subjectPatterns: string[];
  stakeholders: Stakeholder[];
  createdAt: string;
  updatedAt: string;
}

export interface CustomerInput {
  name: string;
  domains?: string[];
  subjectPatterns?: string[];
  stakeholders?: Array<{ email: string; name?: string | null; role?: string | null }>;
}

/** Orders of the customer list (GET /api/customers?sort=…&order=…). */
export const CUSTOMER_SORTS = ['name', 'health', 'trend', 'lastContact', 'createdAt'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

/** One page of the customer list: `rank` (customer ids, first first) orders it when given, else the name. */
export interface CustomerListQuery {
  limit: number;
  offset: number;
  search?: string;
  /** Ordered by `name` or `createdAt` (a column), or by the position of each id in `rank` (ids not in it last). */
  orderBy?: 'name' | 'createdAt' | { rank: readonly string[] };
  descending?: boolean;
}
