#!/bin/sh -e
# The C unit tests of libfwconf (t/unit-fwconf.c).
exec ./unit-fwconf
