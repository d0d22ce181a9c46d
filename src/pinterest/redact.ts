/**
 * Last line of defence for secrets: every message that leaves the client (errors, retry notices) passes
 * through `redactSecrets`. Known secret values are registered as soon as they are read or received;
 * anything shaped like a Pinterest token is masked even if nobody registered it.
 */

const knownSecrets = new Set<string>();

/** Pinterest access (`pina_`) and refresh (`pinr_`) tokens. */
const PINTEREST_TOKEN = /\bpin[a-z]_[A-Za-z0-9._~+/=-]+/g;
/** Credentials after an HTTP auth scheme, as in an Authorization header. */
const AUTH_HEADER_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

export function registerSecret(value: string | undefined): void {
    // Very short values would mask ordinary words; real tokens and app secrets are long.
    if (!value || value.length < 8) return;
    knownSecrets.add(value);
    // As it travels in a form body or a query string (an app secret may hold characters that get escaped).
    knownSecrets.add(encodeURIComponent(value));
}

export function redactSecrets(text: string): string {
    let result = text;
    for (const secret of knownSecrets) result = result.split(secret).join('[redacted]');
    return result.replace(PINTEREST_TOKEN, '[redacted]').replace(AUTH_HEADER_VALUE, '$1 [redacted]');
}
