// The in-app "Page not found": an unknown app path (a mistyped or outdated link) gets a page of the app with ways on,
// not a raw JSON answer.
import { Link } from '../router';

export function NotFoundPage({ path }: { path: string }) {
  return (
    <section className="not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>
        There is no page at <code>{path}</code>. The link may be mistyped or out of date.
      </p>
      <ul>
        <li>
          <Link to="/calendar">Go to your calendar</Link>
        </li>
        <li>
          <Link to="/customers">See your customers</Link>
        </li>
        <li>
          <Link to="/approvals">Open approvals</Link>
        </li>
      </ul>
    </section>
  );
}
