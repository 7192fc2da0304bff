/** One row of the chart: a route at a connection count, the median of each target. */
export interface ChartRow {
  label: string;
  bars: Array<{ target: string; perSecond: number; p99: number }>;
}

const COLOURS: Record<string, string> = {
  ours: '#d9480f',
  ref: '#f59f00',
  'bare-nest': '#1c7ed6',
  'bare-fastify': '#15aabf',
  'raw-node': '#2b8a3e',
  'raw-pg': '#7048e8',
};

const BAR_H = 11;
const ROW_GAP = 10;
const LABEL_W = 190;
const PANEL_W = 330;
const PANEL_GAP = 70;
const TOP = 56;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Log scale from 1 to the next power of ten above `max`: routes differ by two orders. */
function logScale(max: number): { x: (value: number) => number; ticks: number[] } {
  const decades = Math.max(1, Math.ceil(Math.log10(Math.max(max, 10))));
  const x = (value: number): number => (Math.log10(Math.max(1, value)) / decades) * PANEL_W;
  return { x, ticks: Array.from({ length: decades + 1 }, (_, i) => 10 ** i) };
}

function format(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

/**
 * A hand-written SVG: req/s (left) and p99 latency (right) per route and connection count, one bar
 * per target, log scales. `subtitle` says when and how it was measured.
 */
export function renderChart(rows: ChartRow[], subtitle: string): string {
  const targets = [...new Set(rows.flatMap((row) => row.bars.map((bar) => bar.target)))];
  const rowHeight = (row: ChartRow): number => row.bars.length * BAR_H + ROW_GAP;
  const height = TOP + rows.reduce((sum, row) => sum + rowHeight(row), 0) + 40;
  const width = LABEL_W + PANEL_W * 2 + PANEL_GAP + 60;
  const rps = logScale(Math.max(...rows.flatMap((row) => row.bars.map((bar) => bar.perSecond))));
  const p99 = logScale(Math.max(...rows.flatMap((row) => row.bars.map((bar) => bar.p99))));
  const panels = [
    { title: 'successful requests per second (log)', left: LABEL_W, scale: rps, key: 'perSecond' },
    {
      title: 'p99 latency, ms (log; lower is better)',
      left: LABEL_W + PANEL_W + PANEL_GAP,
      scale: p99,
      key: 'p99',
    },
  ] as const;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">npm run bench:http — the server against its baselines</text>`,
    `<text x="10" y="34" fill="#555">${escape(subtitle)}</text>`,
  ];
  targets.forEach((target, i) => {
    const x = 10 + i * 110;
    out.push(
      `<rect x="${x}" y="${height - 22}" width="10" height="10" fill="${COLOURS[target] ?? '#868e96'}"/>`,
      `<text x="${x + 14}" y="${height - 13}">${escape(target)}</text>`,
    );
  });
  const chartBottom = height - 34;
  for (const panel of panels) {
    out.push(`<text x="${panel.left}" y="${TOP - 8}" font-weight="bold">${panel.title}</text>`);
    for (const tick of panel.scale.ticks) {
      const x = panel.left + panel.scale.x(tick);
      out.push(
        `<line x1="${x}" y1="${TOP}" x2="${x}" y2="${chartBottom}" stroke="#e9ecef"/>`,
        `<text x="${x}" y="${chartBottom + 11}" text-anchor="middle" fill="#868e96">${tick}</text>`,
      );
    }
  }
  let y = TOP;
  for (const row of rows) {
    out.push(
      `<text x="${LABEL_W - 8}" y="${y + (row.bars.length * BAR_H) / 2 + 4}" text-anchor="end">${escape(row.label)}</text>`,
    );
    row.bars.forEach((bar, i) => {
      const barY = y + i * BAR_H;
      for (const panel of panels) {
        const value = bar[panel.key];
        const w = Math.max(1, panel.scale.x(value));
        out.push(
          `<rect x="${panel.left}" y="${barY}" width="${w.toFixed(1)}" height="${BAR_H - 2}" fill="${COLOURS[bar.target] ?? '#868e96'}"/>`,
          `<text x="${(panel.left + w + 3).toFixed(1)}" y="${barY + BAR_H - 3}" font-size="9">${format(value)}</text>`,
        );
      }
    });
    y += rowHeight(row);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
