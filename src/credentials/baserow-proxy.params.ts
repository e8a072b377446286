import { ApiProperty } from '@nestjs/swagger';
import { IsString, ValidateBy } from 'class-validator';

/** A positive integer (a safe one) written in decimal digits. */
export function isPositiveIntegerText(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) return false;
  const n = Number(value);
  return n > 0 && Number.isSafeInteger(n);
}

const IsPositiveIntegerText = () =>
  ValidateBy({ name: 'isPositiveIntegerText', validator: { validate: isPositiveIntegerText, defaultMessage: (args) => `${args?.property ?? 'value'} must be a positive integer` } });

export class DatabaseTablesParams {
  @ApiProperty({ description: 'Credential id.' })
  @IsString()
  id: string;

  @ApiProperty({ description: 'Baserow database id (positive integer).', example: '11' })
  @IsPositiveIntegerText()
  databaseId: string;
}
