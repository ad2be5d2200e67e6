// The customer page's pictures: the health band badge, the score's factors as bars against their maxima and the
// score over time (hand-drawn SVG, each with its numbers in text for screen readers).
import type { ResponseOf } from '../api/client';
import './customers.css';

export type Band = 'healthy' | 'at_risk' | 'critical';
type Factor = ResponseOf<'/api/customers/{id}/health-signals', 'get'>['factors'][number];
type HistoryPoint = ResponseOf<'/api/customers/{id}/score-history', 'get'>['items'][number];

const BAND_WORDS: Record<Band, string> = { healthy: 'Healthy', at_risk: 'At risk', critical: 'Critical' };
/** A shape per band, so the badge reads without colour. */
const BAND_MARK: Record<Band, string> = { healthy: '●', at_risk: '◆', critical: '▲' };

export const bandWords = (b: Band): string => BAND_WORDS[b];

export function BandBadge({ band }: { band: Band | null | undefined }) {
  if (!band) return <span className="muted">—</span>;
  return (
    <span className={`band band-${band}`}>
      <span aria-hidden="true">{BAND_MARK[band]}</span> {BAND_WORDS[band]}
    </span>
  );
}

const FACTOR_WORDS: Record<string, string> = {
  recency: 'Recency',
  frequency: 'Frequency',
  breadth: 'Breadth',
  executive: 'Executive presence',
  attendance: 'Attendance',
  trend: 'Trend',
  upcoming: 'Upcoming meeting',
};

const pts = (n: number): string => (Math.round(n * 10) / 10).toString();

/** Each factor's points as a bar against the most it can give; factors that do not apply say so. */
export function FactorBars({ factors }: { factors: Factor[] }) {
  return (
    <div className="table-wrap">
      <table className="factors">
        <caption>What the score is made of (points out of the most each factor can give)</caption>
        <thead>
          <tr>
            <th scope="col">Factor</th>
            <th scope="col">Points</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {factors.map((f) => {
            const applies = f.value !== null && f.maxContribution > 0;
            const pct = applies ? Math.min(100, Math.round((100 * f.contribution) / f.maxContribution)) : 0;
            return (
              <tr key={f.name}>
                <th scope="row">{FACTOR_WORDS[f.name] ?? f.name}</th>
                <td className="factor-points">
                  {applies ? (
                    <>
                      <span className="factor-bar" aria-hidden="true">
                        <span className="factor-fill" style={{ width: `${pct}%` }} />
                      </span>
                      <span>
                        {pts(f.contribution)} of {pts(f.maxContribution)}
                      </span>
                    </>
                  ) : (
                    <span className="muted">does not apply</span>
                  )}
                </td>
                <td>{f.explanation}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const W = 640;
const H = 200;
const PAD = { l: 34, r: 12, t: 10, b: 26 };

/** The score per day as a line over the band zones (70+ healthy, 40–69 at risk, below critical). */
export function ScoreHistoryChart({ items, days }: { items: HistoryPoint[]; days: number }) {
  if (items.length === 0) return <p>No score history yet.</p>;
  const last = items[items.length - 1]!;
  const first = items[0]!;
  const end = Date.parse(`${last.day}T00:00:00Z`);
  const start = end - (days - 1) * 86_400_000;
  const x = (day: string) =>
    PAD.l + ((Date.parse(`${day}T00:00:00Z`) - start) / Math.max(1, end - start)) * (W - PAD.l - PAD.r);
  const y = (score: number) => PAD.t + (1 - score / 100) * (H - PAD.t - PAD.b);
  const line = items.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.day).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  const summary =
    items.length === 1
      ? `Score ${last.score} (${BAND_WORDS[last.band]}) today; the history starts today.`
      : `Score ${first.score} on ${first.day}, ${last.score} (${BAND_WORDS[last.band]}) today; ` +
        `lowest ${Math.min(...items.map((p) => p.score))}, highest ${Math.max(...items.map((p) => p.score))} ` +
        `over ${items.length} days with a score.`;
  return (
    <figure className="chart score-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="score-chart-title score-chart-desc">
        <title id="score-chart-title">Engagement score over the last {days} days</title>
        <desc id="score-chart-desc">{summary}</desc>
        <rect className="zone zone-healthy" x={PAD.l} y={y(100)} width={W - PAD.l - PAD.r} height={y(70) - y(100)} />
        <rect className="zone zone-at_risk" x={PAD.l} y={y(70)} width={W - PAD.l - PAD.r} height={y(40) - y(70)} />
        <rect className="zone zone-critical" x={PAD.l} y={y(40)} width={W - PAD.l - PAD.r} height={y(0) - y(40)} />
        {[0, 40, 70, 100].map((v) => (
          <text key={v} x={PAD.l - 4} y={y(v) + 4} textAnchor="end" className="tick">
            {v}
          </text>
        ))}
        <text x={PAD.l} y={H - 6} className="tick">
          {new Date(start).toISOString().slice(0, 10)}
        </text>
        <text x={W - PAD.r} y={H - 6} textAnchor="end" className="tick">
          today
        </text>
        {items.length > 1 && <path d={line} className="score-line" />}
        {items.map((p) => (
          <circle key={p.day} cx={x(p.day)} cy={y(p.score)} r={3.5} className="score-dot">
            <title>{`${p.day}: ${p.score} (${BAND_WORDS[p.band]})`}</title>
          </circle>
        ))}
      </svg>
      <figcaption>
        Engagement score per day, last {days} days (bands: healthy from 70, at risk from 40, critical below)
      </figcaption>
    </figure>
  );
}
