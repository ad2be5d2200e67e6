// Types shared by customer detection: the meeting as detection sees it, customer profiles, and the detection result.
import type { AttendeeType } from '../calendar.js';

/** A subject pattern: a case-insensitive keyword matched on word boundaries, or an RE2 regular expression. */
export type SubjectPattern = { kind: 'keyword'; value: string } | { kind: 'regex'; value: string };

/** A known contact at a customer. `role` is free text ("VP Sales", "Executive sponsor"); `null` when unknown. */
export interface Stakeholder {
  email: string;
  role: string | null;
}

/** What detection needs to know about a customer. */
export interface CustomerProfile {
  id: string;
  name: string;
  /** E-mail domains; subdomains match too (`acmecorp.com` covers `eu.acmecorp.com`). */
  domains: string[];
  subjectPatterns: SubjectPattern[];
  stakeholders: Stakeholder[];
}

/** The minimal view of a meeting that detection reads. */
export interface DetectableMeeting {
  subject: string;
  /** Organizer address, `null` when unknown. */
  organizerEmail: string | null;
  /** Resource attendees (rooms, equipment) are ignored. */
  attendees: Array<{ email: string; type: AttendeeType }>;
}

/** Why a candidate matched. Attendee evidence (`domain`, `stakeholder`) is stronger than `subject`. */
export type CandidateReason = 'manual' | 'domain' | 'stakeholder' | 'subject';

export interface DetectionCandidate {
  customerId: string;
  reason: CandidateReason;
  /** 0–1; see `candidateConfidence` in detect.ts for the formula. */
  confidence: number;
  /** Human-readable facts for the UI, e.g. `attendee jane@acmecorp.com matches domain acmecorp.com`. */
  evidence: string[];
  /** Normalised addresses of the meeting's participants that matched this customer (by domain or stakeholder). */
  matchedAttendees: string[];
  /** Those of `matchedAttendees` that are known stakeholders of this customer. */
  matchedStakeholders: string[];
  /** The subject patterns (as configured) that matched. */
  matchedPatterns: SubjectPattern[];
}

export type DetectionReason = 'manual' | 'manual_none' | 'domain' | 'stakeholder' | 'subject' | 'none';

/**
 * The outcome of detecting one meeting. `candidates` holds every customer that matched automatically (best
 * first, winner included) so the UI can show alternatives; with a manual association, a `manual` candidate is
 * listed first.
 */
export interface DetectionResult {
  customerId: string | null;
  reason: DetectionReason;
  confidence: number;
  candidates: DetectionCandidate[];
}

/** A manual association: `customerId: null` means "this is not a customer meeting". */
export interface ManualAssociation {
  customerId: string | null;
}
