import { Invalid } from './errors.ts';

// Deliberately plain: one @, a dot in the domain, no spaces. Deliverability is proven by mail, not by regex.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(input: string, field = 'email'): string {
  const email = input.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw new Invalid(field, 'not an e-mail address');
  return email;
}
