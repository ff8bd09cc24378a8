.macro grow a
    grow \a
    grow \a
.endm
main:
    grow 1            ; error@5: nested more than 64 levels
    halt
