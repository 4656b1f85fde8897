/**
 * Identifiers (phones, emails, order and tracking numbers, addresses) come from the redaction
 * module's recognisers (src/learn/recognisers/): one list finds them both for redaction and
 * for task slots. This file maps its spans to entity types and canonical values.
 */
import { findPersonalData, type PersonalDataKind } from '../learn/recognisers/index.js';

const TYPE_OF: Partial<Record<PersonalDataKind, string>> = {
  email: 'email',
  mobile: 'mobile',
  landline: 'phone',
  'order-number': 'order-number',
  'tracking-number': 'tracking-number',
  address: 'address',
};

const CANONICAL: Record<string, (m: string) => string> = {
  email: (m) => m.toLowerCase(),
  mobile: (m) => m.replace(/\D/g, '').replace(/^(?:00)?86(?=1\d{10}$)/, ''),
  phone: (m) => m.replace(/^\((0\d{2,3})\)\s?/, '$1-').replace(/\s+/g, '-'),
  'order-number': (m) => m.replace(/^#\s?/, '').replace(/[\s-]/g, '').toUpperCase(),
  'tracking-number': (m) => m.replace(/[\s-]/g, '').toUpperCase(),
  address: (m) => m.trim(),
};

export interface IdentifierHit {
  type: string;
  value: string;
  start: number;
  end: number;
}

/** Identifiers in `text` (NFKC-normalized), as entity types with canonical values. */
export function findIdentifiers(text: string): IdentifierHit[] {
  const out: IdentifierHit[] = [];
  for (const s of findPersonalData(text)) {
    const type = TYPE_OF[s.kind];
    if (type) out.push({ type, value: CANONICAL[type](text.slice(s.start, s.end)), start: s.start, end: s.end });
  }
  return out;
}

/** Compile a KB-supplied pattern (a string) as a whole-token pattern. */
export function tokenPattern(source: string): RegExp {
  return new RegExp(`(?<![A-Za-z\\d])(?:${source})(?![A-Za-z\\d])`, 'gi');
}
