// The in-app Page not found: a heading, the path asked for and ways on; the shell titles it.
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { documentTitle, titleFor } from '../shell/page';
import { NotFoundPage } from './not-found';

describe('NotFoundPage', () => {
  it('names the missing path and links to the main pages', () => {
    render(<NotFoundPage path="/calender" />);
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeTruthy();
    expect(screen.getByText('/calender')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Go to your calendar' }).getAttribute('href')).toBe('/calendar');
  });

  it('is titled "Page not found · calbridge", known pages by their name', () => {
    expect(documentTitle(titleFor('/calender'))).toBe('Page not found · calbridge');
    expect(documentTitle(titleFor('/calendar'))).toBe('Calendar · calbridge');
    expect(titleFor('/customers/42/')).toBe('Customer');
    expect(titleFor('/admin/users')).toBe('Admin');
  });
});
