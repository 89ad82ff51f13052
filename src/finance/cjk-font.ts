import { statSync } from 'node:fs';

/** A font file pdfkit can embed; `family` is the PostScript name of the face inside a TrueType collection (.ttc). */
export interface CjkFont {
  path: string;
  family?: string;
}

/** Where the Debian packages put their CJK fonts, in order of preference. */
export const DEBIAN_CJK_FONTS: readonly CjkFont[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' }, // fonts-wqy-zenhei
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' }, // fonts-noto-cjk
  { path: '/usr/share/fonts/truetype/arphic/uming.ttc', family: 'ARPLUMingCN-Light' }, // fonts-arphic-uming
];

export const CJK_FONT_HINT =
  '缺少中文字体：请安装 fonts-wqy-zenhei（apt-get install -y fonts-wqy-zenhei）' +
  ' / No CJK font found: install fonts-wqy-zenhei (apt-get install -y fonts-wqy-zenhei) or configure a font path';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The CJK font to print with: the configured file when it exists, else the first installed Debian font, else null
 * (callers then show CJK_FONT_HINT). A configured collection names its face after a `#`:
 * `/opt/fonts/x.ttc#PostScriptName`; a configured path equal to a known Debian one gets that font's face.
 */
export function findCjkFont(
  configured?: string | null,
  candidates: readonly CjkFont[] = DEBIAN_CJK_FONTS,
): CjkFont | null {
  const wanted = configured?.trim();
  if (wanted) {
    const hash = wanted.lastIndexOf('#');
    const path = hash > 0 ? wanted.slice(0, hash) : wanted;
    const known = [...candidates, ...DEBIAN_CJK_FONTS].find((c) => c.path === path);
    const family = hash > 0 ? wanted.slice(hash + 1) : known?.family;
    if (isFile(path)) return family ? { path, family } : { path };
  }
  const found = candidates.find((c) => isFile(c.path));
  return found ? { ...found } : null;
}
