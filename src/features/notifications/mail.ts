// Composes a notice as an RFC 5322 message: PGP/MIME (RFC 3156) encrypted to the team's key and
// signed by the node when the team published a key, else a clear-signed text body. Encrypted
// notices carry only the reference in their subject: subjects travel in the clear.
import crypto from 'node:crypto';
import * as openpgp from 'openpgp';

export interface Notice {
  from: string;
  to: string;
  subject: string;
  body: string;
  /** Subject used when the body is encrypted. */
  encryptedSubject: string;
  messageId: string;
}

function header(name: string, value: string): string {
  // RFC 2047 encoded-word for anything outside printable ASCII.
  const safe = /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
  return `${name}: ${safe.replace(/[\r\n]+/g, ' ')}`;
}

function base64Lines(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/.{1,76}/g, '$&\r\n');
}

function envelopeHeaders(notice: Notice, subject: string): string[] {
  return [
    header('From', notice.from),
    header('To', notice.to),
    header('Subject', subject),
    header('Date', new Date().toUTCString()),
    header('Message-ID', `<${notice.messageId}>`),
    'MIME-Version: 1.0',
  ];
}

export async function composeSigned(notice: Notice, signingKey: openpgp.PrivateKey): Promise<string> {
  const signed = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: notice.body }), signingKeys: signingKey });
  return [...envelopeHeaders(notice, notice.subject), 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Lines(signed)].join('\r\n');
}

export async function composeEncrypted(notice: Notice, recipientArmored: string, signingKey: openpgp.PrivateKey): Promise<string> {
  const recipient = await openpgp.readKey({ armoredKey: recipientArmored });
  // The protected part is itself a MIME entity, so the real subject travels inside it.
  const inner = [header('Subject', notice.subject), 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Lines(notice.body)].join('\r\n');
  const encrypted = await openpgp.encrypt({ message: await openpgp.createMessage({ text: inner }), encryptionKeys: recipient, signingKeys: signingKey });
  const boundary = `sanad-${crypto.randomBytes(12).toString('hex')}`;
  return [
    ...envelopeHeaders(notice, notice.encryptedSubject),
    `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${boundary}"`,
    '',
    'This is an OpenPGP/MIME encrypted message (RFC 3156).',
    `--${boundary}`,
    'Content-Type: application/pgp-encrypted',
    'Content-Description: PGP/MIME version identification',
    '',
    'Version: 1',
    '',
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    'Content-Description: OpenPGP encrypted message',
    'Content-Disposition: inline; filename="encrypted.asc"',
    '',
    String(encrypted).replace(/\r?\n/g, '\r\n'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
