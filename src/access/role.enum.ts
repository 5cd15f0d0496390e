export enum Role {
  USER = 'USER',
  ADMIN = 'ADMIN',
  DRIVER = 'DRIVER',
}
