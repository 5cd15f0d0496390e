/** A mail as a template renders it: a subject, a plain-text part and an HTML part. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** A mail to write to the outbox: the content, whom it goes to, and the template it came from. */
export interface OutgoingMail extends MailContent {
  kind: string;
  to: string;
}
