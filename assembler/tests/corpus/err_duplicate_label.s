main:
    nop
main:                 ; error@1: `main` is defined twice
    nop
.x: nop
.x: nop               ; error@1: `main.x` is defined twice
.const main = 3       ; error@8: `main` is defined twice
    halt
