import { useRef } from 'react';
import { render, screen } from '@testing-library/react';
import { useFillHeight } from './useFillHeight';

function Filler() {
  const ref = useRef<HTMLDivElement>(null);
  useFillHeight(ref);
  return <div ref={ref} data-testid="filler" />;
}

describe('useFillHeight', () => {
  const page = document.documentElement;
  let pageHeight = 0;

  beforeEach(() => {
    window.innerHeight = 768;
    jest
      .spyOn(HTMLElement.prototype, 'getBoundingClientRect')
      .mockReturnValue({ top: 200 } as DOMRect);
    Object.defineProperty(page, 'clientHeight', {
      configurable: true,
      get: () => 768,
    });
    Object.defineProperty(page, 'scrollHeight', {
      configurable: true,
      get: () => pageHeight,
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('reaches from where the element starts to the bottom of the window', () => {
    pageHeight = 768;
    render(<Filler />);
    // 768 - 200 - the 24 px Backstage pads the page's bottom with.
    expect(screen.getByTestId('filler').style.height).toBe('544px');
  });

  it('gives back what still makes the page scroll', () => {
    pageHeight = 800;
    render(<Filler />);
    expect(screen.getByTestId('filler').style.height).toBe('512px');
  });

  it('follows the window when it is resized', () => {
    pageHeight = 768;
    render(<Filler />);
    window.innerHeight = 1080;
    window.dispatchEvent(new Event('resize'));
    expect(screen.getByTestId('filler').style.height).toBe('856px');
  });

  it('keeps to whole pixels where the element starts between two', () => {
    pageHeight = 768;
    jest
      .spyOn(HTMLElement.prototype, 'getBoundingClientRect')
      .mockReturnValue({ top: 200.94 } as DOMRect);
    render(<Filler />);
    expect(screen.getByTestId('filler').style.height).toBe('543px');
  });
});
