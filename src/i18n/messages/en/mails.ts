/** English mails texts: the source every other language mirrors (see ../translation.ts). */
export const mails = {
  layout: {
    greeting: 'Hello,',
    greetingName: 'Hello {{name}},',
    pasteLink: 'Or paste this address into your browser: {{url}}',
  },
  /** How long a link works, as a mail says it. */
  lifetime: {
    day_one: '{{count}} day',
    day_other: '{{count}} days',
    hour_one: '{{count}} hour',
    hour_other: '{{count}} hours',
    minute_one: '{{count}} minute',
    minute_other: '{{count}} minutes',
  },
  verifyEmail: {
    subject: 'Confirm your email address',
    body: 'Please confirm that this is your email address. The link works once, for {{lifetime}}.',
    ignore: 'If you did not ask for this, you can ignore this mail.',
    button: 'Confirm my email address',
  },
  resetPassword: {
    subject: 'Reset your password',
    body: 'Someone asked to reset the password of your account. The link works once, for {{lifetime}}; using it ends every session of the account.',
    ignore: 'If it was not you, ignore this mail: your password stays as it is.',
    button: 'Choose a new password',
  },
  invitation: {
    subject: 'Your new account',
    body: 'An account was created for you. Choose your password to start using it. The link works once, for {{lifetime}}.',
    button: 'Choose my password',
  },
  emailChange: {
    subject: 'Confirm your new email address',
    body: 'Someone asked to use this address for their account. Confirm it to make the change. The link works once, for {{lifetime}}.',
    ignore: 'If you did not ask for this, ignore this mail: nothing changes.',
    button: 'Confirm my new email address',
  },
  emailChangeNotice: {
    subject: 'Your email address is being changed',
    body: 'Someone asked to change the email address of your account to {{newEmail}}. Once that address confirms it, mail about the account will go there.',
    undo: 'If it was not you, follow the link: the account keeps this address and every session of it ends. The link works once, for {{lifetime}}. Then change your password.',
    button: 'This was not me: keep my address',
  },
  emailChanged: {
    subject: 'Your email address was changed',
    body: 'An administrator changed the email address of your account to {{newEmail}}. Mail about the account now goes there.',
    contact: 'If you did not ask for this, contact your administrator.',
  },
};
