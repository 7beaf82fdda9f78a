import { fireEvent, render, screen } from '@testing-library/react';
import { ClipboardPanel } from './ClipboardPanel';

function renderPanel(remoteText = '') {
  const sent: number[] = [];
  const pasted: string[] = [];
  const rfb = {
    current: {
      sendKey: (keysym: number) => sent.push(keysym),
      clipboardPasteFrom: (text: string) => pasted.push(text),
    } as any,
  };
  render(
    <ClipboardPanel
      rfb={rfb}
      remoteText={remoteText}
      connected
      viewOnly={false}
    />,
  );
  return { sent, pasted };
}

describe('ClipboardPanel', () => {
  it('names its fields by their labels', () => {
    renderPanel('from the desktop');
    expect(
      screen.getByRole('textbox', { name: 'Desktop clipboard' }),
    ).toHaveValue('from the desktop');
    expect(screen.getByLabelText('Text for the desktop')).toBe(
      screen.getByRole('textbox', { name: 'Text for the desktop' }),
    );
  });

  it('types and pastes the text entered in the named field', () => {
    const { sent, pasted } = renderPanel();
    fireEvent.change(screen.getByLabelText('Text for the desktop'), {
      target: { value: 'é€' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Type into desktop' }));
    fireEvent.click(screen.getByRole('button', { name: 'Paste to desktop' }));
    expect(sent).toEqual([0xe9, 0x010020ac]);
    expect(pasted).toEqual(['é€']);
  });
});
