import { type RefObject, useLayoutEffect } from 'react';

const MIN_HEIGHT = 320;
// Backstage's Content pads the page's bottom by this much.
const BOTTOM_GAP = 24;

function scrollParent(element: HTMLElement): HTMLElement {
  for (let e = element.parentElement; e; e = e.parentElement) {
    const { overflowY } = window.getComputedStyle(e);
    if (overflowY === 'auto' || overflowY === 'scroll') return e;
  }
  return (document.scrollingElement ?? document.documentElement) as HTMLElement;
}

/**
 * Sizes the element to reach from where it starts to the window's bottom,
 * then takes back whatever still makes its page scroll (padding and
 * margins of layouts it cannot know), so the page itself never scrolls.
 */
export function useFillHeight(ref: RefObject<HTMLElement>) {
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const fit = () => {
      const scroller = scrollParent(element);
      const top = element.getBoundingClientRect().top + scroller.scrollTop;
      // Whole pixels: a fractional height makes noVNC scale the screen by a
      // hair (1.0001), and the browser then resamples every frame.
      const height = Math.max(
        MIN_HEIGHT,
        Math.floor(window.innerHeight - top - BOTTOM_GAP),
      );
      element.style.height = `${height}px`;
      const overflow = scroller.scrollHeight - scroller.clientHeight;
      if (overflow > 0) {
        element.style.height = `${Math.max(
          MIN_HEIGHT,
          height - Math.ceil(overflow),
        )}px`;
      }
    };
    fit();
    window.addEventListener('resize', fit);
    // What is above (a header, a warning) can load or change later and
    // move the element down; nothing reports a change of position.
    let lastTop = element.getBoundingClientRect().top;
    const watch = setInterval(() => {
      const top = element.getBoundingClientRect().top;
      if (top !== lastTop) fit();
      lastTop = top;
    }, 1000);
    return () => {
      window.removeEventListener('resize', fit);
      clearInterval(watch);
    };
  }, [ref]);
}
