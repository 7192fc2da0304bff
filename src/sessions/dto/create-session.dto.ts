import { CurrencyField, TotalBudgetField } from './money.decorators';
import { TitleField } from './title.decorator';

export class CreateSessionDto {
  @TitleField({ required: true })
  title!: string;

  @TotalBudgetField()
  totalBudget?: string | null;

  @CurrencyField()
  currency?: string;
}
