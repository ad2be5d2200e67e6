// The booking flows for a GOOGLE tenant: calbridge's Google Calendar adapter against the Google Calendar emulator.
import { bookingFlows } from './booking-flows.js';
import { startGoogle } from './support.js';

bookingFlows('GOOGLE tenant on the Google Calendar emulator', async () => {
  const live = await startGoogle();
  const [practitioner, client, other] = live.users;
  return {
    container: live.container,
    tenant: { id: 'practice-g', calendarProvider: 'GOOGLE' },
    practitioner: practitioner!,
    client: client!,
    other: other!,
    disconnect: (email) => live.tokens.revoke('GOOGLE', email),
    forcedRefreshes: () => live.tokens.forcedRefreshes,
    close: live.close,
  };
});
