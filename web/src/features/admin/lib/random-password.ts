// No 0/O, 1/l/I: a password read out over the phone or copied from a note must survive it.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A password for an admin to hand over (the server asks for 8 characters at least). */
export function randomPassword(length = 12, random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  // A byte at or above the largest multiple of the alphabet's size is drawn again, so every character is as likely.
  const limit = 256 - (256 % ALPHABET.length);
  let password = '';
  while (password.length < length) {
    for (const byte of random(new Uint8Array(length))) {
      if (byte < limit && password.length < length) password += ALPHABET[byte % ALPHABET.length];
    }
  }
  return password;
}
