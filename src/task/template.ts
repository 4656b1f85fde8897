/**
 * Task templates: {slotName} and {result.path.to.field} filled from the task; other {names}
 * are left for the bot's variables. A missing result field becomes an empty string, never
 * "{result.x}" or "undefined".
 */
export function fillTemplate(text: string, slots: Record<string, string>, result: unknown): string {
  return text.replace(/\{([\w.]+)\}/g, (whole, name: string) => {
    if (name === 'result' || name.startsWith('result.')) {
      let v: unknown = result;
      for (const key of name.split('.').slice(1)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
      return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return slots[name] ?? whole;
  });
}
