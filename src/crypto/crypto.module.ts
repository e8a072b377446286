import { Global, Module } from '@nestjs/common';
import { SecretBox } from './secret-box.service.js';
import { SecretKeyCheck } from './secret-key-check.service.js';

@Global()
@Module({ providers: [SecretBox, SecretKeyCheck], exports: [SecretBox] })
export class CryptoModule {}
