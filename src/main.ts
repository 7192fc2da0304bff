import 'reflect-metadata';
import { bootstrap } from './lifecycle/startup/bootstrap';

bootstrap();
