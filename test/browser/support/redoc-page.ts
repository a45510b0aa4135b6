/**
 * Reading Redoc's rendered page: its side menu (groups render collapsed, so they are opened first) and the size of
 * a screenshot.
 */

export interface MenuItem {
  group: string;
  label: string;
  href: string;
}

/**
 * Opens every collapsed group of Redoc's side menu (nested ones too) and returns the visible label and link of
 * every item inside a group. Runs in the page. It clicks the chevron, not the link: the link also scrolls the
 * main column, which makes each group take ~0.5 s to open instead of ~30 ms.
 */
export async function openMenuGroups(): Promise<{ groups: number; items: MenuItem[] }> {
  const until = async (ok: () => boolean, ms: number): Promise<boolean> => {
    const end = performance.now() + ms;
    while (!ok()) {
      if (performance.now() > end) return false;
      await new Promise((done) => setTimeout(done, 10));
    }
    return true;
  };
  const opened = new Set<Element>();
  const items: MenuItem[] = [];
  for (let pass = 0; pass < 5; pass++) {
    const groups = [...document.querySelectorAll('[data-component-name="Menu/MenuItem"].menu-item-type-group')];
    const todo = groups.filter((group) => !opened.has(group));
    if (todo.length === 0) break;
    for (const group of todo) {
      opened.add(group);
      const link = group.querySelector(":scope > a");
      const children = group.querySelector(":scope > div");
      if (!(link instanceof HTMLElement) || !(children instanceof HTMLElement)) continue;
      const visible = () => children.querySelector("a") !== null && children.offsetHeight > 0;
      if (!visible()) {
        const target = link.querySelector("svg")?.parentElement ?? link;
        target.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
        await until(visible, 3_000);
      }
      const name = link.innerText.trim();
      for (const item of children.querySelectorAll(':scope [data-component-name="Menu/MenuItem"] > a')) {
        if (!(item instanceof HTMLElement)) continue;
        items.push({ group: name, label: item.innerText, href: item.getAttribute("href") ?? "" });
      }
    }
  }
  return { groups: opened.size, items };
}

/** Reads width and height from a PNG's IHDR chunk; throws if the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString("latin1", 12, 16) !== "IHDR")
    throw new Error("not a PNG file");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
