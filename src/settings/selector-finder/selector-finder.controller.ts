import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ValidationFailedError } from '../../common/errors.js';
import { SelectorFinderResponse, SetSelectorFinderDto } from './selector-finder.dto.js';
import { SELECTOR_FINDERS, SelectorFinderService } from './selector-finder.service.js';

/** API §7.4. */
@ApiTags('settings')
@Controller('api/settings/selector-finder')
export class SelectorFinderController {
  constructor(private readonly finder: SelectorFinderService) {}

  @Get()
  @ApiOkResponse({ type: SelectorFinderResponse })
  async get(): Promise<SelectorFinderResponse> {
    return { finder: await this.finder.get() };
  }

  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: SelectorFinderResponse })
  async set(@Body() body: SetSelectorFinderDto): Promise<SelectorFinderResponse> {
    const value = body.finder ?? body.selectorFinder;
    if (!value) throw new ValidationFailedError([{ field: 'finder', message: `finder must be one of: ${SELECTOR_FINDERS.join(', ')}` }]);
    return { finder: await this.finder.set(value) };
  }
}
