.msg A = 1
.msg B = 1            ; error@6: message types `A` and `B` both have id 1
.msg A = 2            ; error@6: is given id 2 here but id 1 elsewhere
.msg C = 0x80000000   ; error@6: is not between 0 and
main: halt
