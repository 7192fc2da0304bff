import { ApiProperty } from '@nestjs/swagger';
import { SessionDto } from './session.dto';

/** One page of sessions, newest first. */
export class SessionPageDto {
  @ApiProperty({ type: [SessionDto] })
  items!: SessionDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'MjAyNS0wMS0zMVQwOToxNTowMC4wMDBafDNmMGU4YjllLTJhNTEtNGMxZi05YTU3LTViMGYzYzFkMmU0YQ',
    description: 'Opaque; pass as `cursor` for the next page. Null on the last page.',
  })
  nextCursor!: string | null;
}
