// HTML built by one tagged template, escaping by default: every value placed in `html` is escaped
// unless it is itself Html built the same way. So a unique name, a message body or a URL from a
// user can only ever be text, in an element or in a quoted attribute, and a page needs no care at
// each use. `trusted` marks the very few constant strings that are markup already.

export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (char) => ENTITIES[char]!);
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let markup = strings[0]!;
  for (let i = 0; i < values.length; i++) markup += render(values[i]) + strings[i + 1]!;
  return new Html(markup);
}

/** A constant that is markup already (never text from a request or the database). */
export function trusted(markup: string): Html {
  return new Html(markup);
}
