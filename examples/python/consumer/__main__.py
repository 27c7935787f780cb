"""`pulumi up` entry point; the program is consumer() in consumer.py, which the end-to-end tests
also run as an inline program."""

from consumer import consumer

consumer()
