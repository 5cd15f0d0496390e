/** English validation texts: the source every other language mirrors (see ../translation.ts). */
export const validation = {
  /** The request as a whole, before any field is read. */
  request: {
    notJsonObject: 'The request body must be a JSON object.',
    tooManyFields: 'The request has more than {{max}} fields.',
    tooDeep: 'The request nests deeper than {{max}} levels.',
    bodyNotUnicode: 'the body must be well-formed Unicode text without NUL characters.',
    atLeastOneField: 'At least one field must be provided.',
  },
  /** Rules shared by many fields, each naming its field. */
  field: {
    notAField: '{{field}} is not a field of this request.',
    notUnicode: '{{field}} must be well-formed Unicode text without NUL characters.',
    notUuid: '{{field}} must be a UUID.',
    notPositiveInteger: '{{field}} must be a positive integer.',
    notString: '{{field}} must be a string.',
    notStringOrNull: '{{field}} must be a string or null.',
    givenOnceAsText: '{{field}} must be given once, as text.',
    maxLength: '{{field}} must be at most {{max}} characters.',
    lengthBetween: '{{field}} must be {{min}} to {{max}} characters.',
    invisible: '{{field}} must not contain invisible or control characters.',
    oneOf: '{{field}} must be one of {{values}}.',
    jsonBoolean: '{{field}} must be a JSON boolean.',
    trueOrFalse: '{{field}} must be true or false.',
    wholeNumberFrom: '{{field}} must be a whole number from {{min}}.',
    wholeNumberBetween: '{{field}} must be a whole number from {{min}} to {{max}}.',
    dateTime: '{{field}} must be a date and time in ISO 8601, such as 2026-11-30T12:00:00Z.',
    imagePath: '{{field}} must be at most 512 characters: a relative path without ".." segments or an http(s) URL.',
    passwordBytes: '{{field}} must be {{min}} to 72 bytes of UTF-8 text without NUL.',
    sendOneName: 'Send {{name}} or {{alias}}, not both.',
    tooLong: '{{field}} is too long.',
  },
  /** Rules of one field. */
  email: {
    invalid: 'email must be a valid email address, with an ASCII name before the @ and a domain in one alphabet.',
    orUsername: 'email (or username) must be given as a string.',
  },
  username: {
    pattern: 'username must be 3 to 30 characters of letters, digits, "_", "." or "-".',
  },
  locale: {
    oneOf: 'locale must be "en" or "es".',
  },
  phoneNumber: {
    pattern: 'phone_number must be in E.164 form: "+" and 8 to 15 digits.',
  },
  password: {
    isAccountName: "The password must not be the account's email or username.",
    tooEasy: 'This password is too easy to guess: use a longer one, or a few unrelated words, without a common pattern.',
    mismatch: 'The two passwords are not the same.',
  },
  passkey: {
    base64url: '{{field}} must be base64url text.',
    object: '{{field}} must be a JSON object.',
    transports: '{{field}} must be at most 8 names of transports (usb, nfc, ble, internal, hybrid).',
  },
  oauth: {
    code: "code must be the code of the sign-in's return address.",
  },
  mfa: {
    code: '{{field}} must be the 6 digits the authenticator app shows.',
    recoveryCode: '{{field}} must be a recovery code: 10 letters and digits, as XXXXX-XXXXX.',
    oneAnswer: 'Send either code or recovery_code, not both.',
    oneVerifyAnswer: 'Send one of code, recovery_code or passkey.',
  },
  currentPassword: {
    emailOnly: 'current_password goes with a new email only.',
    required: 'current_password is required for this change.',
  },
  /** Why a field a route does not take is refused, where a hint helps. */
  hints: {
    password: 'password cannot be changed here; use POST /users/password.',
    role: 'role cannot be changed here; only an administrator can change it.',
    isActive: 'is_active cannot be changed here; only an administrator can change it.',
    id: 'id cannot be changed.',
  },
  list: {
    shallowPage: 'page may skip at most {{max}} rows ((page - 1) × limit).',
    shallowPageOrCursor: 'page may skip at most {{max}} rows ((page - 1) × limit): to read further, pass next_cursor as cursor.',
    cursorWithPage: 'cursor and page cannot be given together: a cursor page follows the page that answered the cursor.',
    cursorUnknown: 'cursor is not one this service answered: pass next_cursor exactly as it came.',
    cursorOtherSort: 'cursor was made for sort={{sort}}: use it with that sort, or start again without cursor.',
    toBeforeFrom: 'to must not be before from.',
  },
  picture: {
    emptyFile: 'The file "{{field}}" is empty: choose a picture.',
    onePart: 'Send one multipart/form-data part, a file named "{{field}}".',
  },
};
