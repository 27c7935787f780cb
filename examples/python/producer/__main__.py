"""`pulumi up` entry point; the program is producer() in producer.py, which the end-to-end tests
also run as an inline program."""

from producer import producer

producer()
