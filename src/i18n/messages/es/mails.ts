/** Spanish mails texts: the keys of the English file, each translated (messages/index.ts types them). */
export const mails = {
  layout: {
    greeting: 'Hola:',
    greetingName: 'Hola, {{name}}:',
    pasteLink: 'O pega esta dirección en tu navegador: {{url}}',
  },
  lifetime: {
    day_one: '{{count}} día',
    day_other: '{{count}} días',
    hour_one: '{{count}} hora',
    hour_other: '{{count}} horas',
    minute_one: '{{count}} minuto',
    minute_other: '{{count}} minutos',
  },
  verifyEmail: {
    subject: 'Confirma tu dirección de correo',
    body: 'Confirma que esta es tu dirección de correo. El enlace funciona una sola vez, durante {{lifetime}}.',
    ignore: 'Si no lo pediste, puedes ignorar este correo.',
    button: 'Confirmar mi dirección de correo',
  },
  resetPassword: {
    subject: 'Restablece tu contraseña',
    body: 'Alguien pidió restablecer la contraseña de tu cuenta. El enlace funciona una sola vez, durante {{lifetime}}; al usarlo se cierran todas las sesiones de la cuenta.',
    ignore: 'Si no fuiste tú, ignora este correo: tu contraseña no cambia.',
    button: 'Elegir una contraseña nueva',
  },
  invitation: {
    subject: 'Tu cuenta nueva',
    body: 'Se creó una cuenta para ti. Elige tu contraseña para empezar a usarla. El enlace funciona una sola vez, durante {{lifetime}}.',
    button: 'Elegir mi contraseña',
  },
  emailChange: {
    subject: 'Confirma tu nueva dirección de correo',
    body: 'Alguien pidió usar esta dirección para su cuenta. Confírmala para hacer el cambio. El enlace funciona una sola vez, durante {{lifetime}}.',
    ignore: 'Si no lo pediste, ignora este correo: no cambia nada.',
    button: 'Confirmar mi nueva dirección de correo',
  },
  emailChangeNotice: {
    subject: 'Se está cambiando tu dirección de correo',
    body: 'Alguien pidió cambiar la dirección de correo de tu cuenta a {{newEmail}}. Cuando esa dirección lo confirme, el correo sobre la cuenta irá allí.',
    undo: 'Si no fuiste tú, sigue el enlace: la cuenta conserva esta dirección y se cierran todas sus sesiones. El enlace funciona una sola vez, durante {{lifetime}}. Después, cambia tu contraseña.',
    button: 'No fui yo: conservar mi dirección',
  },
  emailChanged: {
    subject: 'Se cambió tu dirección de correo',
    body: 'Un administrador cambió la dirección de correo de tu cuenta a {{newEmail}}. El correo sobre la cuenta ahora va allí.',
    contact: 'Si no lo pediste, ponte en contacto con tu administrador.',
  },
};
