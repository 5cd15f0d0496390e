import { ApiProperty } from '@nestjs/swagger';
import type { PasskeyRow } from '../passkeys.repository';

/** A registered passkey, as its owner's list shows it: never its key. */
export class PasskeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'MacBook Touch ID' }) name: string;
  @ApiProperty({ example: true, description: 'synced between devices (a multi-device passkey)' }) backed_up: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'its last login; null when never used' }) last_used_at: string | null;
}

export function toPasskeyView(row: PasskeyRow): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    backed_up: row.backed_up,
    created_at: new Date(row.created_at).toISOString(),
    last_used_at: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
  };
}
