// Stands for the reader's own module that README snippets import ('./app.module').
import { Module } from '@nestjs/common';

@Module({})
export class AppModule {}
