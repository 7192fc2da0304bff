import { CurrencyField, TotalBudgetField } from './money.decorators';
import { TitleField } from './title.decorator';

/** Fields left out keep their value; `totalBudget: null` clears the budget. */
export class UpdateSessionDto {
  @TitleField({ required: false })
  title?: string;

  @TotalBudgetField()
  totalBudget?: string | null;

  @CurrencyField()
  currency?: string;
}
