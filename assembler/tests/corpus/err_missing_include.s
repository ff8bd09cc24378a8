main:
    .include "no_such_file.s" ; error@14: file `no_such_file.s` not found
    .import "nope.s"          ; error@13: file `nope.s` not found
    halt
