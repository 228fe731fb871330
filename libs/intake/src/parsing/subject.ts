import type { Severity } from '@engine/domain';

export interface SubjectReading {
  /** The subject without its tags and reply/forward prefixes; `(no subject)` when nothing is left. */
  readonly title: string;
  /** From a `[S1]`..`[S4]` tag; null when there is none. */
  readonly severity: Severity | null;
  /** From an `[INC-1042]` tag, upper case; null when there is none. */
  readonly incidentNumber: string | null;
}

/** Titles are capped like the web form's. */
export const TITLE_MAX = 300;

const SEVERITY_TAG = /\[\s*S([1-4])\s*\]/gi;
const INCIDENT_TAG = /\[\s*(INC-\d{1,18})\s*\]/gi;
/** Re:, Fwd:, and the localized forms common clients write (AW:, WG:, SV:, VS:, TR:, RV:). */
const PREFIXES = /^(?:\s*(?:re|fw|fwd|aw|wg|sv|vs|tr|rv|antw)(?:\[\d+\])?\s*:)+/i;

export function readSubject(subject: string): SubjectReading {
  const severities = [...subject.matchAll(SEVERITY_TAG)];
  const incidents = [...subject.matchAll(INCIDENT_TAG)];
  const bare = subject
    .replace(SEVERITY_TAG, ' ')
    .replace(INCIDENT_TAG, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(PREFIXES, '')
    .trim();
  const title = bare === '' ? '(no subject)' : bare.slice(0, TITLE_MAX);
  return {
    title,
    severity: severities.length > 0 ? (Number(severities[0][1]) as Severity) : null,
    incidentNumber: incidents.length > 0 ? incidents[0][1].toUpperCase() : null,
  };
}

/** `[INC-1042] nginx returns 502`: the subject every notification carries, so replies find it. */
export const notificationSubject = (number: string, title: string): string =>
  `[${number}] ${title}`;
