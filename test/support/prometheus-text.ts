/** One sample of the Prometheus text exposition format (0.0.4). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[Nn]a[Nn]|[+-]Inf)(?: -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(?:,|$)/y;
const COMMENT =
  /^# (?:HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (?:counter|gauge|histogram|summary|untyped))$/;

/**
 * NaN is matched case-insensitively, as Prometheus' own parser (Go's ParseFloat) does: prom-client
 * writes `Nan` for an event-loop lag not yet measured.
 *
 * A strict parser for what a scrape returns: every line must be a HELP/TYPE comment, a sample or
 * empty, else it throws naming the line. Enough to prove the format without a Prometheus server.
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '' || COMMENT.test(line)) {
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) {
      throw new Error(`line ${index + 1} is not Prometheus text format: ${line}`);
    }
    const [, name = '', rawLabels = '', rawValue = ''] = match;
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < rawLabels.length) {
      const label = LABEL.exec(rawLabels);
      if (!label) {
        throw new Error(`line ${index + 1} has malformed labels: ${line}`);
      }
      labels[label[1] ?? ''] = label[2] ?? '';
    }
    samples.push({ name, labels, value: Number(rawValue.replace('Inf', 'Infinity')) });
  }
  return samples;
}
