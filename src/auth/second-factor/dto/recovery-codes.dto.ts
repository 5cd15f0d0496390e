import { ApiProperty } from '@nestjs/swagger';

const EXAMPLE = ['K7M2Q-9XH4B', 'P3RTV-0WZ8C', 'D5N8F-2JKY6', 'GQ4XA-7BM3T', 'W9H2C-R5ZP1', 'Y3KD8-NF6VQ', '0TXM4-A8JGS', 'B6RZ2-HC9PN', 'F1VQ7-SW3KD', 'M8GJ5-4YT0X'];

/** Ten new recovery codes, shown this once; each logs in once in place of a code of the app. */
export class RecoveryCodesDto {
  @ApiProperty({ type: [String], example: EXAMPLE, minItems: 10, maxItems: 10 }) recovery_codes: string[];
}
