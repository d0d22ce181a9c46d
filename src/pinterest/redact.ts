/**
 * Last line of defence for secrets: every message that leaves the client (errors, retry notices) passes
 * through `redactSecrets`. Known secret values are registered as soon as they are read or received;
 * anything shaped like a Pinterest token is masked even if nobody registered it.
 */

const knownSecrets = new Set<string>();

/** Pinterest access (`pina_`), refresh (`pinr_`) and other OAuth tokens, and HTTP auth header values. */
const TOKEN_SHAPES = [/\bpin[a-z]_[A-Za-z0-9._~+/=-]+/g, /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi];

export function registerSecret(value: string | undefined): void {
    // Very short values would mask ordinary words; real tokens and app secrets are long.
    if (value && value.length >= 8) knownSecrets.add(value);
}

export function redactSecrets(text: string): string {
    let result = text;
    for (const secret of knownSecrets) result = result.split(secret).join('[redacted]');
    for (const shape of TOKEN_SHAPES) result = result.replace(shape, (_match, scheme?: string) => (scheme ? `${scheme} [redacted]` : '[redacted]'));
    return result;
}
