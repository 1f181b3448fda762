// A self-contained SVG: horizontal bars of req/s per setup, one panel per scenario.
import { SCENARIOS } from './driver.mjs';

const COLORS = {
  bare: '#8c8c8c',
  'nest-sessions': '#e0234e',
  'express-session': '#2b6cb0',
  '@fastify/session': '#2f855a',
  '@fastify/secure-session': '#b7791f',
};
const WIDTH = 960;
const LABEL_W = 250;
const BAR_W = 580;
const BAR_H = 16;
const GAP = 5;
const PANEL_HEAD = 34;

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const patternId = (library) => `hatch-${library.replace(/[^a-z]/g, '')}`;

function patterns() {
  return Object.entries(COLORS)
    .map(
      ([library, color]) =>
        `<pattern id="${patternId(library)}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
        `<rect width="6" height="6" fill="${color}" opacity="0.55"/><rect width="3" height="6" fill="${color}"/></pattern>`,
    )
    .join('');
}

function legend(y) {
  let x = LABEL_W;
  const items = [];
  for (const [library, color] of Object.entries(COLORS)) {
    items.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${color}"/>`);
    items.push(`<text x="${x + 17}" y="${y + 10}">${esc(library)}</text>`);
    x += 30 + library.length * 7;
  }
  items.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="url(#${patternId('bare')})"/>`);
  items.push(`<text x="${x + 17}" y="${y + 10}">hatched: Redis store</text>`);
  return items.join('');
}

export function renderChart(report) {
  const parts = [];
  let y = 20;
  parts.push(
    `<text x="10" y="${y}" font-size="15" font-weight="bold">Requests per second (median of ${report.config.rounds} round(s), ${report.config.connections} connections, higher is better)</text>`,
  );
  y += 14;
  parts.push(legend(y));
  y += 26;
  for (const scenario of SCENARIOS) {
    const rows = report.rows.filter((r) => r.scenario === scenario);
    if (rows.length === 0) continue;
    const max = Math.max(...rows.map((r) => r.rps));
    parts.push(`<text x="10" y="${y + 18}" font-size="14" font-weight="bold">${esc(scenario)}</text>`);
    y += PANEL_HEAD;
    for (const r of rows) {
      const w = Math.max(1, (r.rps / max) * BAR_W);
      const fill = r.store === 'redis' ? `url(#${patternId(r.library)})` : COLORS[r.library];
      parts.push(`<text x="${LABEL_W - 8}" y="${y + 12}" text-anchor="end">${esc(r.setup)}</text>`);
      parts.push(`<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${fill}"/>`);
      const note =
        r.vsBare !== null && r.library !== 'bare' ? ` (${Math.round(r.vsBare * 100)}% of bare)` : '';
      parts.push(
        `<text x="${(LABEL_W + w + 6).toFixed(1)}" y="${y + 12}">${Math.round(r.rps).toLocaleString('en')}${note}</text>`,
      );
      y += BAR_H + GAP;
    }
    y += 6;
  }
  const height = y + 16;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
    `font-family="Helvetica, Arial, sans-serif" font-size="12" fill="#222">` +
    `<defs>${patterns()}</defs><rect width="100%" height="100%" fill="#fff"/>${parts.join('')}</svg>\n`
  );
}
