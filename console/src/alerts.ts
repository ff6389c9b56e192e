import { ApiError } from './api.js';
import { byId, fill, h } from './dom.js';

/**
 * The page's one alert region (role="alert"): API errors show the server's detail there. Each new message
 * replaces the last; a "Dismiss" button clears it.
 */
export function showError(error: unknown): void {
  const region = byId('alert');
  const text =
    error instanceof ApiError
      ? `Error ${error.status}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  fill(region, h('p', {}, text), h('button', { type: 'button', onclick: () => clearError() }, 'Dismiss'));
  region.hidden = false;
}

export function clearError(): void {
  const region = byId('alert');
  region.replaceChildren();
  region.hidden = true;
}

/** Runs an operator's action, its failure shown in the alert region instead of thrown. */
export async function attempt(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}
