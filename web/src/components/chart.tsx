// Meetings per week as a hand-drawn SVG bar chart, with a text summary for screen readers.
export function WeeklyChart({ points }: { points: Array<{ weekStart: string; meetings: number }> }) {
  const data = points.slice(-26);
  if (data.length === 0) return <p>No weekly data yet.</p>;
  const w = 640;
  const h = 180;
  const pad = { l: 28, r: 8, t: 10, b: 28 };
  const max = Math.max(1, ...data.map((p) => p.meetings));
  const bw = (w - pad.l - pad.r) / data.length;
  const y = (v: number) => h - pad.b - (v / max) * (h - pad.t - pad.b);
  const total = data.reduce((s, p) => s + p.meetings, 0);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="none">
        <title id="chart-title">Meetings per week</title>
        <desc id="chart-desc">
          {total} meetings over the last {data.length} weeks; the busiest week had {max}.
        </desc>
        <line x1={pad.l} x2={w - pad.r} y1={y(0)} y2={y(0)} className="axis" />
        <text x={pad.l - 4} y={y(max) + 4} textAnchor="end" className="tick">
          {max}
        </text>
        <text x={pad.l - 4} y={y(0)} textAnchor="end" className="tick">
          0
        </text>
        {data.map((p, i) => (
          <g key={p.weekStart}>
            <rect
              x={pad.l + i * bw + 1}
              y={y(p.meetings)}
              width={Math.max(1, bw - 2)}
              height={y(0) - y(p.meetings)}
              className="bar"
            >
              <title>{`${p.weekStart}: ${p.meetings} meetings`}</title>
            </rect>
            {i % 4 === 0 && (
              <text x={pad.l + i * bw} y={h - 8} className="tick">
                {p.weekStart.slice(5)}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption>Meetings per week (last {data.length} weeks)</figcaption>
    </figure>
  );
}
