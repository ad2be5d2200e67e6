// The booking flows for a MICROSOFT tenant: calbridge's Microsoft Graph adapter against the Microsoft 365 emulator.
import { bookingFlows } from './booking-flows.js';
import { startMicrosoft } from './support.js';

bookingFlows('MICROSOFT tenant on the Microsoft 365 emulator', async () => {
  const live = await startMicrosoft();
  const [practitioner, client, other] = live.users;
  return {
    container: live.container,
    tenant: { id: 'practice-ms', calendarProvider: 'MICROSOFT' },
    practitioner: practitioner!,
    client: client!,
    other: other!,
    disconnect: (email) => live.tokens.revoke('MICROSOFT', email),
    forcedRefreshes: () => live.tokens.forcedRefreshes,
    close: live.close,
  };
});
