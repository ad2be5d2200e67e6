// The hour grid of My calendar: FullCalendar's time grid in a named zone (Luxon), kept in this one module
// (docs/adr/0020-calendar-grid-fullcalendar.md). Not lazy-loaded: the server builds the app inside test runs, where a
// dynamic import's preload helper was left undefined (__VITE_PRELOAD__), and My calendar is the home page anyway.
import type { EventClickArg, EventContentArg, EventInput, EventMountArg } from '@fullcalendar/core';
import luxonPlugin from '@fullcalendar/luxon3';
import FullCalendar from '@fullcalendar/react';
import timeGridPlugin from '@fullcalendar/timegrid';
import { useEffect, useRef, type ReactNode } from 'react';

export interface HourGridProps {
  view: 'week' | 'day';
  /** ISO date of the first day shown. */
  date: string;
  zone: string;
  hour12: boolean;
  events: EventInput[];
  renderEvent: (arg: EventContentArg) => ReactNode;
  onMount: (arg: EventMountArg) => void;
  onClick: (arg: EventClickArg) => void;
}

/**
 * The hours scroll inside their own box, and the keyboard must reach it (axe: scrollable-region-focusable): with no
 * meeting in it — an empty week, or during the first sync — nothing inside could take focus. The first day's column
 * (an ARIA gridcell, which may take focus; the box itself may not, as it sits between the grid and its rows) is a tab
 * stop: focused, the arrow keys scroll the hours. Run after each view and date range is drawn.
 */
function keyboardScroll(root: HTMLElement | null): void {
  const cell = root?.querySelector<HTMLElement>('.fc-scroller td.fc-timegrid-col[role="gridcell"][data-date]');
  // No name of its own: a gridcell reads as its meetings (a label would hide them, and differ from what is seen).
  if (cell) cell.tabIndex = 0;
}

export default function HourGrid({ view, date, zone, hour12, events, renderEvent, onMount, onClick }: HourGridProps) {
  const fc = useRef<FullCalendar>(null);
  const box = useRef<HTMLDivElement>(null);
  const mark = () => window.setTimeout(() => keyboardScroll(box.current));
  const type = view === 'week' ? 'timeGridWeek' : 'timeGridDay';
  useEffect(() => {
    // After React's commit (FullCalendar renders synchronously; inside an effect React would warn about flushSync).
    const t = window.setTimeout(() => fc.current?.getApi().changeView(type, date));
    return () => window.clearTimeout(t);
  }, [type, date]);
  const clock = { hour: 'numeric', minute: '2-digit', hour12, meridiem: 'short' } as const;
  return (
    <div ref={box}>
      <FullCalendar
        ref={fc}
        plugins={[timeGridPlugin, luxonPlugin]}
        initialView={type}
        initialDate={date}
        timeZone={zone}
        headerToolbar={false}
        firstDay={1}
        nowIndicator
        allDayText="All day"
        height={720}
        scrollTime="08:00:00"
        expandRows
        slotEventOverlap={false}
        dayHeaderFormat={
          view === 'week' ? { weekday: 'short', day: 'numeric' } : { weekday: 'long', day: 'numeric', month: 'long' }
        }
        slotLabelFormat={clock}
        eventTimeFormat={clock}
        displayEventEnd={false}
        events={events}
        eventContent={renderEvent}
        eventDidMount={onMount}
        eventClick={onClick}
        viewDidMount={mark}
        datesSet={mark}
      />
    </div>
  );
}
