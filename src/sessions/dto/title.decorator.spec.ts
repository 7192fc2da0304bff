import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { CreateSessionDto } from './create-session.dto';
import { TRIMMED_TITLE_PATTERN } from './title.decorator';

const accepted = (title: string): boolean =>
  !validateSync(plainToInstance(CreateSessionDto, { title })).some(
    (error) => error.property === 'title',
  );

const documented = (title: string): boolean => new RegExp(TRIMMED_TITLE_PATTERN).test(title);

/** Titles near the edges: blank, padded, around 200 characters once trimmed. */
const titles = fc.oneof(
  fc.string({ maxLength: 210 }),
  fc
    .tuple(
      fc.constantFrom('', ' ', '\t', '\n ', '\u00a0'),
      fc.string({ minLength: 195, maxLength: 205, unit: fc.constantFrom('a', ' ', 'é') }),
      fc.constantFrom('', ' ', '  \r\n'),
    )
    .map((parts) => parts.join('')),
);

describe('TitleField', () => {
  it('should accept exactly the titles its documented pattern describes', () => {
    fc.assert(
      fc.property(titles, (title) => accepted(title) === documented(title)),
      { numRuns: 2000 },
    );
  });

  it('should trim before counting', () => {
    expect(accepted(`  ${'a'.repeat(200)}  `)).toBe(true);
    expect(accepted('a'.repeat(201))).toBe(false);
    expect(accepted(' \t ')).toBe(false);
  });
});
