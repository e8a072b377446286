import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'figranium:isPublic';

/** Marks a route as reachable without the API key (health routes and API docs only). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
