.const A = B + 1
.const B = A          ; error@12: constant `A` is defined in terms of itself
main:
    halt
.data
    .space later      ; error@12: not known yet
later: .word 1
