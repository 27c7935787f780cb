// `pulumi up` entry point: the program is consumer() in consumer.ts, whose return value becomes
// the stack outputs. The end-to-end tests run the same function as an inline program.
import { consumer } from "./consumer";

export = consumer();
