import { Injectable } from '@nestjs/common';

/** The time services decide by (deadlines, timeliness); tests replace it to stand on a given instant. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
