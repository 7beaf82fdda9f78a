import { fireEvent, render, screen, within } from '@testing-library/react';
import { ConsolePreferenceSelect } from './ConsolePreferenceSelect';

const CHOICES = [
  { id: 'small', title: 'Small', description: 'Fits a phone' },
  { id: 'large', title: 'Large', description: 'Fills a monitor' },
] as const;

function renderSelect(
  props: Partial<Parameters<typeof ConsolePreferenceSelect>[0]> = {},
) {
  const onChange = jest.fn();
  render(
    <div data-testid="console">
      <ConsolePreferenceSelect
        id="size"
        label="Size"
        choices={CHOICES}
        value="small"
        onChange={onChange}
        {...props}
      />
    </div>,
  );
  return onChange;
}

const open = () =>
  fireEvent.mouseDown(screen.getByRole('button', { name: /^Size/ }));

describe('ConsolePreferenceSelect', () => {
  it('shows the current choice under its label, with its hint', () => {
    renderSelect({ value: 'large' });
    const button = screen.getByRole('button', { name: /^Size/ });
    expect(button).toHaveTextContent('Large');
    expect((screen.getByTestId('size') as HTMLInputElement).value).toBe(
      'large',
    );
    expect(screen.getByTitle('Fills a monitor')).toContainElement(button);
  });

  it('is named by its label, then the shown choice', () => {
    renderSelect({ value: 'large' });
    const button = screen.getByRole('button', { name: 'Size Large' });
    expect(screen.getByLabelText('Size')).toBe(button);
  });

  it('hands over the id of the choice picked from its menu', () => {
    const onChange = renderSelect();
    open();
    const menu = screen.getByRole('listbox');
    expect(
      within(menu)
        .getAllByRole('option')
        .map(o => [o.textContent, o.getAttribute('title')]),
    ).toEqual([
      ['Small', 'Fits a phone'],
      ['Large', 'Fills a monitor'],
    ]);
    fireEvent.click(within(menu).getByRole('option', { name: 'Large' }));
    expect(onChange).toHaveBeenCalledWith('large');
  });

  it('opens its menu inside the full-screen console', () => {
    renderSelect();
    const console = screen.getByTestId('console');
    // jsdom has no full screen; this is what the browser reports in it.
    Object.defineProperty(document, 'fullscreenElement', {
      configurable: true,
      get: () => console,
    });
    try {
      open();
      expect(console).toContainElement(screen.getByRole('listbox'));
    } finally {
      delete (document as { fullscreenElement?: unknown }).fullscreenElement;
    }
  });

  it('opens its menu at the page’s end otherwise', () => {
    renderSelect();
    open();
    expect(screen.getByTestId('console')).not.toContainElement(
      screen.getByRole('listbox'),
    );
  });

  it('ignores a value that is none of its choices', () => {
    const onChange = renderSelect();
    fireEvent.change(screen.getByTestId('size'), {
      target: { value: 'huge' },
    });
    expect(onChange).not.toHaveBeenCalled();
  });

  it('does not open while disabled, and shows its help line', () => {
    renderSelect({ disabled: true, helperText: 'Connect first' });
    expect(screen.getByText('Connect first')).toBeInTheDocument();
    open();
    expect(screen.queryByRole('listbox')).not.toBeInTheDocument();
  });
});
