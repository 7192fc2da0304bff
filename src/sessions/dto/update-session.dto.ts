import { ApiSchemaKeywords } from '../../common/openapi/schema-keywords.decorator';
import { CurrencyField, TotalBudgetField } from './money.decorators';
import { TitleField } from './title.decorator';

/** Fields left out keep their value; `totalBudget: null` clears the budget. */
@ApiSchemaKeywords({
  minProperties: 1,
  description: 'At least one field: an empty update is a 400 (EMPTY_UPDATE)',
})
export class UpdateSessionDto {
  @TitleField({ required: false })
  title?: string;

  @TotalBudgetField()
  totalBudget?: string | null;

  @CurrencyField()
  currency?: string;
}
