import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class CaptureListQueryDto {
  @ApiPropertyOptional({ description: 'Sanitised like capture names, then matched exactly against the run id parsed from each name', maxLength: 1024 })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  runId?: string;
}

export class CaptureDto {
  @ApiProperty({ example: 'run_01JD9A3K6Q8Z0XW7V5T4S3R2P1_final_1733223995120.png' })
  name: string;
  @ApiProperty({ example: '/captures/run_01JD9A3K6Q8Z0XW7V5T4S3R2P1_final_1733223995120.png' })
  url: string;
  @ApiProperty({ enum: ['screenshot', 'recording', 'download'] })
  type: string;
  @ApiProperty({ description: 'Bytes' })
  size: number;
  @ApiProperty({ description: 'Epoch ms' })
  modified: number;
  @ApiPropertyOptional({ description: 'Sanitised run id parsed from the name' })
  runId?: string;
}

export class CaptureListResponse {
  @ApiProperty({ type: [CaptureDto], description: 'Sorted by modified, newest first' })
  captures: CaptureDto[];
}

export class ScreenshotListResponse {
  @ApiProperty({ type: [CaptureDto], description: 'Screenshots only, newest first' })
  screenshots: CaptureDto[];
}

export class SuccessResponse {
  @ApiProperty({ example: true })
  success: true;
}

export class DeletedCountResponse extends SuccessResponse {
  @ApiProperty()
  deleted: number;
}
