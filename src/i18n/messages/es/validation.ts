/** Spanish validation texts: the keys of the English file, each translated (messages/index.ts types them). */
export const validation = {
  request: {
    notJsonObject: 'El cuerpo de la solicitud debe ser un objeto JSON.',
    tooManyFields: 'La solicitud tiene más de {{max}} campos.',
    tooDeep: 'La solicitud tiene más de {{max}} niveles de anidamiento.',
    bodyNotUnicode: 'el cuerpo debe ser texto Unicode bien formado, sin caracteres NUL.',
    atLeastOneField: 'Indica al menos un campo.',
  },
  field: {
    notAField: '{{field}} no es un campo de esta solicitud.',
    notUnicode: '{{field}} debe ser texto Unicode bien formado, sin caracteres NUL.',
    notUuid: '{{field}} debe ser un UUID.',
    notPositiveInteger: '{{field}} debe ser un número entero positivo.',
    notString: '{{field}} debe ser un texto.',
    notStringOrNull: '{{field}} debe ser un texto o null.',
    givenOnceAsText: '{{field}} debe indicarse una sola vez, como texto.',
    maxLength: '{{field}} debe tener como máximo {{max}} caracteres.',
    lengthBetween: '{{field}} debe tener entre {{min}} y {{max}} caracteres.',
    invisible: '{{field}} no debe contener caracteres invisibles ni de control.',
    oneOf: '{{field}} debe ser uno de estos valores: {{values}}.',
    jsonBoolean: '{{field}} debe ser un booleano JSON.',
    trueOrFalse: '{{field}} debe ser true o false.',
    wholeNumberFrom: '{{field}} debe ser un número entero desde {{min}}.',
    wholeNumberBetween: '{{field}} debe ser un número entero entre {{min}} y {{max}}.',
    dateTime: '{{field}} debe ser una fecha y hora en ISO 8601, como 2026-11-30T12:00:00Z.',
    imagePath: '{{field}} debe tener como máximo 512 caracteres: una ruta relativa sin segmentos ".." o una URL http(s).',
    passwordBytes: '{{field}} debe tener entre {{min}} y 72 bytes de texto UTF-8, sin NUL.',
    sendOneName: 'Envía {{name}} o {{alias}}, no ambos.',
    tooLong: '{{field}} es demasiado largo.',
  },
  email: {
    invalid:
      'email debe ser una dirección de correo válida, con un nombre ASCII antes de la @ y un dominio en un solo alfabeto.',
    orUsername: 'email (o username) debe indicarse como texto.',
  },
  username: {
    pattern: 'username debe tener de 3 a 30 caracteres entre letras, dígitos, "_", "." o "-".',
  },
  locale: {
    oneOf: 'locale debe ser "en" o "es".',
  },
  phoneNumber: {
    pattern: 'phone_number debe estar en formato E.164: "+" y de 8 a 15 dígitos.',
  },
  password: {
    isAccountName: 'La contraseña no puede ser el correo electrónico ni el nombre de usuario de la cuenta.',
    tooEasy:
      'Esta contraseña es demasiado fácil de adivinar: usa una más larga, o unas cuantas palabras sin relación entre sí, sin patrones comunes.',
    mismatch: 'Las dos contraseñas no son iguales.',
  },
  passkey: {
    base64url: '{{field}} debe ser texto base64url.',
    object: '{{field}} debe ser un objeto JSON.',
    transports: '{{field}} debe tener como mucho 8 nombres de transporte (usb, nfc, ble, internal, hybrid).',
  },
  oauth: {
    code: 'code debe ser el código de la dirección de vuelta del inicio de sesión.',
  },
  mfa: {
    code: '{{field}} deben ser los 6 dígitos que muestra la aplicación de autenticación.',
    recoveryCode: '{{field}} debe ser un código de recuperación: 10 letras y cifras, como XXXXX-XXXXX.',
    oneAnswer: 'Envía code o recovery_code, no ambos.',
    oneVerifyAnswer: 'Envía uno solo de code, recovery_code o passkey.',
  },
  currentPassword: {
    emailOnly: 'current_password solo se envía con un correo electrónico nuevo.',
    required: 'current_password es obligatorio para este cambio.',
  },
  hints: {
    password: 'password no se puede cambiar aquí; usa POST /users/password.',
    role: 'role no se puede cambiar aquí; solo un administrador puede cambiarlo.',
    isActive: 'is_active no se puede cambiar aquí; solo un administrador puede cambiarlo.',
    id: 'id no se puede cambiar.',
  },
  list: {
    shallowPage: 'page puede saltar como máximo {{max}} filas ((page - 1) × limit).',
    shallowPageOrCursor:
      'page puede saltar como máximo {{max}} filas ((page - 1) × limit): para seguir leyendo, pasa next_cursor como cursor.',
    cursorWithPage: 'cursor y page no se pueden indicar juntos: una página de cursor sigue a la página que devolvió el cursor.',
    cursorUnknown: 'cursor no es uno que haya devuelto este servicio: pasa next_cursor tal como llegó.',
    cursorOtherSort: 'cursor se creó para sort={{sort}}: úsalo con ese orden o empieza de nuevo sin cursor.',
    toBeforeFrom: 'to no puede ser anterior a from.',
  },
  picture: {
    emptyFile: 'El archivo "{{field}}" está vacío: elige una imagen.',
    onePart: 'Envía una sola parte multipart/form-data, un archivo llamado "{{field}}".',
  },
};
