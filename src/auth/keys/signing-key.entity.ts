import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A key pair that signs access tokens, when JWT_PRIVATE_KEYS gives none: made once, shared by
 * every instance. Published from `created_at`, signing from `signs_from` (until a later key's),
 * verifying until `retires_at`: after it, its tokens are refused and its row is only history.
 */
@Entity('signing_keys')
export class SigningKey {
  /** RFC 7638 thumbprint of the public key: the `kid` of its tokens' header. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 8 })
  algorithm: string;

  /** The public key as the JWKS publishes it. */
  @Column({ type: 'jsonb' })
  public_jwk: Record<string, unknown>;

  /** The private key, PKCS #8, sealed with MFA_ENCRYPTION_KEY's signing-keys key, bound to the kid. */
  @Column({ type: 'text' })
  private_key: string;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at: Date;

  @Column({ type: 'timestamptz' })
  signs_from: Date;

  @Column({ type: 'timestamptz', nullable: true })
  retires_at: Date | null;
}
