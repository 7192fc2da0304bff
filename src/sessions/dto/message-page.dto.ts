import { ApiProperty } from '@nestjs/swagger';
import { MessageDto } from './message.dto';

/** Messages ascending by seq. */
export class MessagePageDto {
  @ApiProperty({ type: [MessageDto] })
  items!: MessageDto[];

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 42,
    description: 'Pass as `after` for the next page; null when there is nothing more right now',
  })
  nextAfter!: number | null;
}
