// Enterprise names for lists whose API items carry only the credit code (assessments, blacklist
// entries, repair applications, proposals): fetched once per code and kept for the session; and
// the link to an enterprise for items that carry its name (grid reports).
import { get } from "./api.js";
import { h } from "./ui.js";

const cache = new Map();

async function fetchName(uscc) {
  try {
    const e = await get(`/registry/v1/enterprises/${encodeURIComponent(uscc)}`);
    return e.name;
  } catch {
    return null;
  }
}

/** A Map of uscc -> name (null when unknown or out of scope), six requests at a time. */
export async function enterpriseNames(usccs) {
  const todo = [...new Set(usccs)].filter((u) => u && !cache.has(u));
  let i = 0;
  async function worker() {
    while (i < todo.length) {
      const u = todo[i++];
      const pending = fetchName(u);
      cache.set(u, pending);
      await pending;
    }
  }
  await Promise.all(Array.from({ length: Math.min(6, todo.length) }, worker));
  const out = new Map();
  for (const u of new Set(usccs)) out.set(u, await cache.get(u));
  return out;
}

/** A cell: the name linking to the enterprise, the code beneath. */
export function enterpriseCell(uscc, names) {
  return enterpriseLink(uscc, names.get(uscc));
}

/** The enterprise's name (when known) linking to its page, the code beneath; the code alone otherwise. */
export function enterpriseLink(uscc, name) {
  return h(
    "span",
    h("a", { href: `#/enterprises/${encodeURIComponent(uscc)}` }, name || uscc),
    name ? h("div.muted.mono", uscc) : null
  );
}
