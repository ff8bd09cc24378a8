; also: inc/cycle_b.s
.include "inc/cycle_a.s"
main:
    halt
