// How the calendar page's legend names a calendar: with its owner ("Megan Bowen's calendar").
import { describe, expect, it } from 'vitest';
import type { Meeting } from '../api/meetings';
import { legendLabel } from './calendar';

const me = { email: 'adele.vance@contoso.com', displayName: 'Adele Vance' };
const cal = (c: { name: string; ownerEmail: string | null; ownerName?: string | null; isShared: boolean }) => ({
  id: 'c1',
  ...c,
});
const organizedByMegan = {
  organizer: { address: 'megan.bowen@contoso.com', name: 'Megan Bowen' },
} as unknown as Meeting;

describe('legendLabel', () => {
  it("names the signed-in person's own calendars after them", () => {
    expect(legendLabel(cal({ name: 'Calendar', ownerEmail: me.email, isShared: false }), me, [])).toBe(
      "Adele Vance's calendar",
    );
    expect(legendLabel(cal({ name: 'Projects', ownerEmail: me.email, isShared: false }), me, [])).toBe(
      "Projects (Adele Vance's calendar)",
    );
    // A Google primary calendar is named by its address.
    expect(legendLabel(cal({ name: me.email, ownerEmail: me.email, isShared: false }), me, [])).toBe(
      "Adele Vance's calendar",
    );
  });

  it("names a colleague's shared calendar by the name a meeting gives them, else by their address", () => {
    const megans = cal({ name: 'Calendar', ownerEmail: 'Megan.Bowen@contoso.com', isShared: true });
    expect(legendLabel(megans, me, [organizedByMegan])).toBe("Megan Bowen's calendar");
    expect(legendLabel(megans, me, [])).toBe("Megan.Bowen@contoso.com's calendar");
  });

  it("names a shared calendar by the API's ownerName first, one's own by the mailbox name when the person has none", () => {
    const megans = cal({
      name: 'Calendar',
      ownerEmail: 'megan.bowen@contoso.com',
      ownerName: 'Megan B.',
      isShared: true,
    });
    expect(legendLabel(megans, me, [organizedByMegan])).toBe("Megan B.'s calendar");
    expect(legendLabel(cal({ name: 'Team', ownerEmail: null, ownerName: 'Megan B.', isShared: true }), me, [])).toBe(
      "Team (Megan B.'s calendar)",
    );
    const own = cal({ name: 'Calendar', ownerEmail: me.email, ownerName: 'Adele V. (mailbox)', isShared: false });
    expect(legendLabel(own, me, [])).toBe("Adele Vance's calendar");
    expect(legendLabel(own, { ...me, displayName: null }, [])).toBe("Adele V. (mailbox)'s calendar");
  });

  it('falls back to the address, then to the calendar name alone', () => {
    expect(
      legendLabel(cal({ name: 'Calendar', ownerEmail: null, isShared: false }), { ...me, displayName: null }, []),
    ).toBe("adele.vance@contoso.com's calendar");
    expect(legendLabel(cal({ name: 'Team', ownerEmail: null, isShared: true }), me, [])).toBe('Team');
  });
});
