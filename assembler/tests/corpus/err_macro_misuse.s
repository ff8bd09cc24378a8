.macro two a, b
    push \a
    push \b
.endm
.macro again
    again
.endm
main:
    two 1             ; error@5: macro `two` takes 2 arguments, 1 given
    undefined_mac 1   ; error@5: unknown mnemonic or macro `undefined_mac`
    again             ; error@5: nested more than 64 levels
.endm                 ; error@1: `.endm` without `.macro`
.macro push           ; error@8: has the name of an instruction
.endm
.macro two x          ; error@8: macro `two` is defined twice
.endm
    halt
