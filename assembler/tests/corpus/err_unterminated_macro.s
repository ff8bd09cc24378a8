main:
    halt
.macro forever a      ; error@1: `.macro` without matching `.endm`
    push \a
