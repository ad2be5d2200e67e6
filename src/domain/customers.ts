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
