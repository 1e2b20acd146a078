#!/usr/bin/env -S node --
import { main } from './main.js';

void main();
