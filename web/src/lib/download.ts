import { apiErrorFrom, networkError } from './api-error';

/** The file name of a download, from Content-Disposition (the UTF-8 name first). */
export function downloadName(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (utf8?.[1]) return decodeURIComponent(utf8[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

/**
 * GET a file from the API with the session cookie and hand it to the browser as a download;
 * the name it was saved under. An error answer becomes the ApiError the pages show.
 */
export async function downloadFile(url: string, fallback: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch (cause) {
    throw networkError(cause);
  }
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // not JSON: the status says enough
    }
    throw apiErrorFrom(response, body);
  }
  const name = downloadName(response.headers.get('Content-Disposition'), fallback);
  const href = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
  return name;
}
