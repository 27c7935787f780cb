// `pulumi up` entry point: the program is producer() in producer.ts, whose return value becomes
// the stack outputs. The end-to-end tests run the same function as an inline program.
import { producer } from "./producer";

export = producer();
