import type { Translation } from '../translation';
import type { pages as english } from '../en/pages';

/** Spanish pages texts: the keys of the English file, each translated. */
export const pages = {
  site: 'Tu cuenta',
  verifyEmail: {
    title: 'Confirma tu correo electrónico',
    intro: 'Pulsa el botón para confirmar que este correo es tuyo.',
    button: 'Confirmar mi correo',
    doneTitle: 'Tu correo está confirmado',
    done: 'Gracias: tu correo electrónico está confirmado.',
    next: 'Ya puedes cerrar esta página y volver a la aplicación.',
    newLink: 'Entra en la aplicación y pide un nuevo correo de confirmación.',
  },
  resetPassword: {
    title: 'Elige una contraseña nueva',
    intro: 'Escribe dos veces una contraseña nueva para tu cuenta y guárdala.',
    button: 'Guardar mi contraseña nueva',
    doneTitle: 'Tu contraseña ha cambiado',
    done: 'Tu contraseña nueva está guardada. Por tu seguridad, hemos cerrado tu sesión en todos los dispositivos.',
    next: 'Ya puedes entrar con tu contraseña nueva.',
    newLink: 'Ve a la página de acceso de la aplicación, elige "He olvidado mi contraseña" y te enviaremos un enlace nuevo.',
  },
  acceptInvite: {
    title: '¡Te damos la bienvenida! Elige tu contraseña',
    intro: 'Te han invitado a crear una cuenta. Elige una contraseña para terminar.',
    button: 'Crear mi cuenta',
    doneTitle: 'Tu cuenta está lista',
    done: 'Tu contraseña está guardada y ya puedes usar tu cuenta.',
    next: 'Ya puedes entrar con tu correo electrónico y esta contraseña.',
    newLink: 'Pide a la persona que te invitó que te envíe otra invitación, o usa "He olvidado mi contraseña" en la página de acceso de la aplicación.',
  },
  confirmEmailChange: {
    title: 'Confirma tu nuevo correo electrónico',
    intro: 'Pulsa el botón para usar este correo en tu cuenta a partir de ahora.',
    button: 'Usar este correo',
    doneTitle: 'Tu correo ha cambiado',
    done: 'Tu cuenta usa ahora este correo electrónico, y está confirmado.',
    next: 'A partir de ahora, entra con tu nuevo correo electrónico.',
    newLink: 'Entra en la aplicación y vuelve a cambiar tu correo: te enviaremos un enlace nuevo.',
  },
  cancelEmailChange: {
    title: 'Deshacer el cambio de tu correo',
    intro: 'Alguien ha pedido cambiar el correo electrónico de tu cuenta. Pulsa el botón para seguir usando este correo.',
    button: 'Mantener mi correo anterior',
    doneTitle: 'El cambio está deshecho',
    done: 'Tu cuenta vuelve a usar este correo electrónico. Por tu seguridad, hemos cerrado tu sesión en todos los dispositivos.',
    next: 'Entra con este correo. Si no pediste el cambio, elige también una contraseña nueva.',
    newLink: 'Si alguien cambió tu correo sin tu permiso, usa "He olvidado mi contraseña" en la página de acceso de la aplicación, o escribe a quienes gestionan este servicio.',
  },
  password: {
    newLabel: 'Contraseña nueva',
    confirmLabel: 'Repite la contraseña nueva',
    rule: 'Usa de 8 a 72 caracteres. Lo mejor es una frase larga o unas cuantas palabras sin relación; evita tu correo, tu nombre de usuario y las contraseñas más comunes.',
    length: 'Esta contraseña es demasiado corta o demasiado larga: usa de 8 a 72 caracteres.',
    weak: 'Esta contraseña es demasiado fácil de adivinar. Usa una más larga, o unas cuantas palabras sin relación.',
    mismatch: 'Las dos contraseñas no son iguales. Escribe la misma contraseña en los dos campos.',
    errorTitle: 'No se puede usar esta contraseña',
  },
  invalidLink: {
    title: 'Este enlace ya no funciona',
    body: 'El enlace ha caducado, ya se usó o se ha cambiado por uno más reciente. Los enlaces de nuestros correos solo funcionan una vez y durante un tiempo limitado.',
  },
  rateLimited: {
    title: 'Demasiados intentos',
    body_one: 'Ha habido demasiados intentos desde tu red. Espera {{count}} segundo y vuelve a intentarlo.',
    body_other: 'Ha habido demasiados intentos desde tu red. Espera {{count}} segundos y vuelve a intentarlo.',
    next: 'Tu enlace sigue funcionando si no ha caducado: vuelve atrás y envía el formulario más tarde.',
  },
  emailTaken: {
    title: 'Este correo ya está en uso',
    body: 'Otra cuenta ha empezado a usar este correo electrónico mientras tanto, así que no se puede hacer el cambio.',
    next: 'Entra en la aplicación para elegir otro correo, o escribe a quienes gestionan este servicio.',
  },
  error: {
    title: 'Algo ha salido mal',
    body: 'No hemos podido terminar este paso (error {{status}}).',
    next: 'Vuelve a intentarlo dentro de unos minutos. Si sigue pasando, escribe a quienes gestionan este servicio.',
  },
  whatNext: 'Qué hacer ahora',
} satisfies Translation<typeof english>;
