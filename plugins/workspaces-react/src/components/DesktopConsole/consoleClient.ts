import {
  consoleQualityPreset,
  type ConsoleQualityPresetId,
} from '@desktop-mania/plugin-workspaces-common';
import type RFB from '@novnc/novnc';
import type { ConsoleChannel } from './consoleChannel';
import { withCanvasMode, type ConsoleCanvasMode } from './consoleCanvas';
import { applyCopyRectMode, type ConsoleCopyRectMode } from './consoleCopyRect';
import { attachTextInput } from './consoleTextInput';
import {
  applyImageDecodeMode,
  type ConsoleImageDecodeMode,
} from './consoleImageDecode';
import type { ViewMode } from './viewMode';

/** How a console's noVNC client draws and shows the desktop. */
export interface ConsoleClientSettings {
  mode: ViewMode;
  viewOnly: boolean;
  /** The default preset unless given. */
  quality?: ConsoleQualityPresetId;
  /** How CopyRects are drawn; the measured default unless given. Applies from the next connection. */
  copyRect?: ConsoleCopyRectMode;
  /** How JPEG rectangles are decoded; the measured default unless given. Applies from the next connection. */
  imageDecode?: ConsoleImageDecodeMode;
}

/**
 * Fit asks the desktop to take the screen area's size and scales whatever
 * it does not take (a server without SetDesktopSize, or one that refuses);
 * 100% shows the desktop pixel for pixel, with noVNC's scrollbars.
 */
export function applyView(client: RFB, mode: ViewMode, viewOnly: boolean) {
  client.scaleViewport = mode === 'fit';
  client.resizeSession = mode === 'fit';
  client.viewOnly = viewOnly;
}

// noVNC sends the new levels to the desktop at once, so a change applies to
// the live session without reconnecting.
export function applyQuality(client: RFB, quality?: ConsoleQualityPresetId) {
  const preset = consoleQualityPreset(quality);
  client.qualityLevel = preset.qualityLevel;
  client.compressionLevel = preset.compressionLevel;
}

/**
 * A noVNC client on the screen element, over the console's channel, with
 * every setting in place before the desktop's first frame. The drawing
 * modes and canvas mode hold for the client's life; view and quality may
 * change on it later.
 */
export function createConsoleClient(
  RFBClass: typeof RFB,
  target: HTMLElement,
  channel: ConsoleChannel,
  canvas: ConsoleCanvasMode,
  settings: ConsoleClientSettings,
): RFB {
  // noVNC takes any channel shaped like a WebSocket.
  const client = withCanvasMode(
    canvas,
    () =>
      new RFBClass(target, channel as unknown as WebSocket, { shared: true }),
  );
  channel.countFrames(client);
  applyCopyRectMode(client, settings.copyRect);
  applyImageDecodeMode(client, settings.imageDecode);
  applyView(client, settings.mode, settings.viewOnly);
  applyQuality(client, settings.quality);
  client.background = '#1e1e1e';
  const detachTextInput = attachTextInput(target, client);
  client.addEventListener('disconnect', detachTextInput);
  return client;
}
