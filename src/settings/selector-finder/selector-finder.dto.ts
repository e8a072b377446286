import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SELECTOR_FINDERS, type SelectorFinder } from './selector-finder.service.js';

export class SetSelectorFinderDto {
  @ApiPropertyOptional({ enum: SELECTOR_FINDERS, description: 'Required unless the alias selectorFinder is given' })
  @IsOptional()
  @IsIn(SELECTOR_FINDERS)
  finder?: SelectorFinder | null;

  @ApiPropertyOptional({ enum: SELECTOR_FINDERS, description: 'Alias of finder' })
  @IsOptional()
  @IsIn(SELECTOR_FINDERS)
  selectorFinder?: SelectorFinder | null;
}

export class SelectorFinderResponse {
  @ApiProperty({ enum: SELECTOR_FINDERS })
  finder: SelectorFinder;
}
